package bc

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bcsdk/bc/odata"
	"github.com/stretchr/testify/require"
)

func TestNewClientValidatesWithoutIO(t *testing.T) {
	t.Parallel()
	ts := &staticTokens{token: "t"}
	tests := []struct {
		name    string
		tenant  string
		env     string
		opts    []Option
		wantErr string
	}{
		{"no credentials", testTenant, "Production", nil, "no credentials"},
		{"empty tenant", "", "Production", []Option{WithTokenSource(ts)}, "tenant ID is empty"},
		{"malformed tenant", "not a tenant", "Production", []Option{WithTokenSource(ts)}, "neither a GUID"},
		{"empty environment", testTenant, "", []Option{WithTokenSource(ts)}, "environment name is empty"},
		{"bad environment", testTenant, "Prod/../x", []Option{WithTokenSource(ts)}, "is not valid"},
		{"bad base URL", testTenant, "Production", []Option{WithTokenSource(ts), WithBaseURL("ftp://x")}, "scheme must be https"},
		{"base URL with credentials", testTenant, "Production", []Option{WithTokenSource(ts), WithBaseURL("https://u:p@x")}, "must not carry credentials"},
		{"zero concurrency", testTenant, "Production", []Option{WithTokenSource(ts), WithMaxConcurrency(0)}, "at least 1"},
		{"bad retry policy", testTenant, "Production", []Option{WithTokenSource(ts), WithRetryPolicy(RetryPolicy{})}, "MaxAttempts"},
		{"bad budget", testTenant, "Production", []Option{WithTokenSource(ts), WithRequestBudget(0, time.Minute)}, "must be positive"},
		{"zero header timeout", testTenant, "Production", []Option{WithTokenSource(ts), WithResponseHeaderTimeout(0)}, "bc: WithResponseHeaderTimeout(0s): must be positive"},
		{"negative idle timeout", testTenant, "Production", []Option{WithTokenSource(ts), WithIdleReadTimeout(-time.Second)}, "bc: WithIdleReadTimeout(-1s): must be positive"},
		{"nil logger", testTenant, "Production", []Option{WithTokenSource(ts), WithLogger(nil)}, "WithLogger(nil)"},
		{"two-line user agent", testTenant, "Production", []Option{WithTokenSource(ts), WithUserAgent("a\nb")}, "one line"},
		{"domain tenant", "contoso.onmicrosoft.com", "Production", []Option{WithTokenSource(ts)}, ""},
		{"no auth", testTenant, "Sandbox-1", []Option{WithoutAuth()}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.tenant, tt.env, tt.opts...)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, DefaultBaseURL+"/"+tt.tenant+"/"+tt.env, c.ServiceRoot())
		})
	}
	require.Zero(t, ts.calls.Load(), "the constructor must not fetch tokens")
}

func TestPathsAndKeys(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testTenant, "Production", WithoutAuth())
	require.NoError(t, err)
	tests := []struct {
		got, want string
	}{
		{c.Company(testCompany).Path(), "api/v2.0/companies(" + testCompany + ")"},
		{c.Company(strings.ToUpper(testCompany)).Path(), "api/v2.0/companies(" + testCompany + ")"},
		{c.API("contoso", "mosaic", "v1.0").Company(testCompany).Path(), "api/contoso/mosaic/v1.0/companies(" + testCompany + ")"},
		{c.StandardAPI().CompanyByName("O'Brien & Søn / Oy").Path(), "api/v2.0/companies(name=%27O%27%27Brien%20&%20S%C3%B8n%20%2F%20Oy%27)"},
		{KeySegment("10000"), "(%2710000%27)"},
		{StringKeySegment(testCompany), "(%27" + testCompany + "%27)"},
		{Set[map[string]any](c.Company(testCompany), "salesInvoices").Entity(testCompany).Path(), "api/v2.0/companies(" + testCompany + ")/salesInvoices(" + testCompany + ")"},
		{Set[map[string]any](c.StandardAPI(), "subscriptions", StringKey()).Entity("270135334a7d433e9009dde078e9e29c").Path(), "api/v2.0/subscriptions(%27270135334a7d433e9009dde078e9e29c%27)"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.got)
	}
	r, err := c.RouteAt("/api/contoso/mosaic/v1.0")
	require.NoError(t, err)
	require.Equal(t, "api/contoso/mosaic/v1.0", r.Path())
	r, err = c.RouteAt("api/v2.0")
	require.NoError(t, err)
	require.Equal(t, "api/v2.0", r.Path())
	_, err = c.RouteAt("/api/contoso")
	require.ErrorContains(t, err, "/api/{publisher}/{group}/{version}")

	// A bad set name is reported on use, not at construction.
	_, err = Set[map[string]any](c.Company(testCompany), "customers?$top=1").Get(t.Context(), testCompany, nil)
	require.ErrorContains(t, err, "not a valid name")
}

func TestRequestHeadersAndQuery(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithUserAgent("mosaic-sync/1.0"))
	var got *http.Request
	mux.HandleFunc("GET "+apiPrefix+"/companies("+testCompany+")/generalLedgerEntries", func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		writeRaw(w, 200, `{"value":[]}`)
	})
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	q := odata.New().Filter(odata.Ge("postingDate", odata.DateOf(day)), odata.Eq("accountNumber", "40100")).
		Select("id", "entryNumber").MaxPageSize(20000)
	_, err := Set[map[string]any](c.Company(testCompany), "generalLedgerEntries").List(q).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, "$filter=postingDate%20ge%202025-01-01%20and%20accountNumber%20eq%20'40100'&$select=id,entryNumber", got.URL.RawQuery)
	require.Equal(t, "application/json", got.Header.Get("Accept"))
	require.Equal(t, "ReadOnly", got.Header.Get("Data-Access-Intent"))
	require.Equal(t, "odata.maxpagesize=20000", got.Header.Get("Prefer"))
	require.Equal(t, "Bearer tok-1", got.Header.Get("Authorization"))
	require.Equal(t, "mosaic-sync/1.0 "+defaultUserAgent, got.Header.Get("User-Agent"))
	require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`), got.Header.Get("client-request-id"))
}

func TestReadOnlyIntentOnlyOnReads(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	intents := map[string]string{}
	var mu sync.Mutex
	mux.HandleFunc(apiPrefix+"/companies("+testCompany+")/customers/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		intents[r.Method+" "+r.URL.Query().Get("case")] = r.Header.Get("Data-Access-Intent")
		mu.Unlock()
		writeRaw(w, 200, `{"id":"x"}`)
	})
	req, err := c.NewRequest(t.Context(), http.MethodGet, "api/v2.0/companies("+testCompany+")/customers/?case=read", nil)
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	require.NoError(t, err)
	req, err = c.NewRequest(t.Context(), http.MethodGet, "api/v2.0/companies("+testCompany+")/customers/?case=rw", nil, ReadWrite())
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	require.NoError(t, err)
	req, err = c.NewRequest(t.Context(), http.MethodPost, "api/v2.0/companies("+testCompany+")/customers/?case=write", map[string]string{"a": "b"})
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"GET read": "ReadOnly", "GET rw": "ReadWrite", "POST write": ""}, intents)

	off, mux2, _ := setup(t, WithReadOnlyIntent(false))
	var intent atomic.Value
	mux2.HandleFunc(apiPrefix+"/x", func(w http.ResponseWriter, r *http.Request) {
		intent.Store(r.Header.Get("Data-Access-Intent"))
		writeRaw(w, 200, `{}`)
	})
	req, err = off.NewRequest(t.Context(), http.MethodGet, "api/v2.0/x", nil)
	require.NoError(t, err)
	_, err = off.Do(req, nil)
	require.NoError(t, err)
	require.Equal(t, "", intent.Load())
}

func TestNewRequestRefusesForeignHostsAndTraversal(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	_, err := c.NewRequest(t.Context(), http.MethodGet, "https://evil.example/api/v2.0/companies", nil)
	require.ErrorContains(t, err, "not on the service host")
	_, err = c.NewRequest(t.Context(), http.MethodGet, "api/v2.0/../../x", nil)
	require.ErrorContains(t, err, "must not contain '..'")
	_, err = c.NewRequest(t.Context(), http.MethodGet, "/abs", nil)
	require.ErrorContains(t, err, "relative")
}

// TestDisguisedPathsAndLinksAreRefused: ".." written with percent-escapes
// in any case is refused like "..", a link whose scheme is written in
// capitals is judged by its host (refused elsewhere, followed verbatim on
// BC's), never re-rooted onto BC's host as if it were a path.
func TestDisguisedPathsAndLinksAreRefused(t *testing.T) {
	t.Parallel()
	c, err := NewClient("contoso.onmicrosoft.com", "production", WithTokenSource(&staticTokens{}))
	require.NoError(t, err)
	const root = "https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/production/"
	tests := []struct{ path, want, err string }{
		{"api/%2e%2e/%2E%2E/x", "", `bc: path "api/%2e%2e/%2E%2E/x" must be relative to the service root and must not contain '..'`},
		{"api/.%2e/x", "", `bc: path "api/.%2e/x" must be relative to the service root and must not contain '..'`},
		{"api/%2E./x", "", `bc: path "api/%2E./x" must be relative to the service root and must not contain '..'`},
		{"HTTP://otherhost/x", "", "bc: refusing to follow http://otherhost/x: it is not on the service host api.businesscentral.dynamics.com"},
		{"HTTPS://otherhost/x", "", "bc: refusing to follow https://otherhost/x: it is not on the service host api.businesscentral.dynamics.com"},
		{"HTTP://api.businesscentral.dynamics.com/v2.0/x", "", "bc: refusing to follow http://api.businesscentral.dynamics.com/v2.0/x: it is not on the service host api.businesscentral.dynamics.com"},
		{"https://user@api.businesscentral.dynamics.com/v2.0/x", "", "bc: refusing to follow https://api.businesscentral.dynamics.com/v2.0/x: it is not on the service host api.businesscentral.dynamics.com"},
		{"HTTPS://api.businesscentral.dynamics.com/v2.0/t/e/api/v2.0/customers?$skiptoken=a%27b", "https://api.businesscentral.dynamics.com/v2.0/t/e/api/v2.0/customers?$skiptoken=a%27b", ""},
		{"api/v2.0/companies(%27a%2Fb%27)/customers", root + "api/v2.0/companies(%27a%2Fb%27)/customers", ""},
	}
	for _, tt := range tests {
		u, err := c.resolve(tt.path)
		if tt.err != "" {
			require.EqualError(t, err, tt.err, tt.path)
			continue
		}
		require.NoError(t, err, tt.path)
		require.Equal(t, tt.want, u.String(), tt.path)
	}
}

func TestBearerRefusedOverPlainHTTP(t *testing.T) {
	t.Parallel()
	tokens := &staticTokens{token: "t"}
	c, err := NewClient(testTenant, "Production", WithBaseURL("http://bc.example.com"), WithTokenSource(tokens),
		WithRetryPolicy(fastRetries()))
	require.NoError(t, err)
	_, err = Set[map[string]any](c.Company(testCompany), "customers").Get(t.Context(), testCompany, nil)
	require.ErrorContains(t, err, "refusing to send a bearer token over plain http")
	require.Zero(t, tokens.calls.Load())
}

func TestRedirectToOtherHostDropsAuthorization(t *testing.T) {
	t.Parallel()
	var sawAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAuth.Store(r.Header.Get("Authorization"))
		writeRaw(w, 200, `{"id":"x"}`)
	}))
	t.Cleanup(other.Close)
	c, mux, _ := setup(t)
	mux.HandleFunc(apiPrefix+"/companies("+testCompany+")/customers("+testCompany+")", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "Bearer tok-1", r.Header.Get("Authorization"))
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	})
	_, err := Set[map[string]any](c.Company(testCompany), "customers").Get(t.Context(), testCompany, nil)
	require.NoError(t, err)
	require.Equal(t, "", sawAuth.Load(), "the token must not follow a redirect to another host")
}

func TestConcurrencyGateIsSharedByAllRequests(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithMaxConcurrency(3))
	var inFlight, maxSeen atomic.Int32
	// The first requests wait until three are in flight at once, so the
	// gate is seen full however slowly they arrive.
	full := make(chan struct{})
	var fill sync.Once
	mux.HandleFunc(apiPrefix+"/slow", func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			m := maxSeen.Load()
			if n <= m || maxSeen.CompareAndSwap(m, n) {
				break
			}
		}
		if n == 3 {
			fill.Do(func() { close(full) })
		}
		<-full
		inFlight.Add(-1)
		writeRaw(w, 200, `{}`)
	})
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			req, err := c.NewRequest(t.Context(), http.MethodGet, "api/v2.0/slow", nil)
			require.NoError(t, err)
			_, err = c.Do(req, nil)
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.Equal(t, int32(3), maxSeen.Load())
	st := c.Stats()
	require.Equal(t, 3, st.MaxInFlight)
	require.Equal(t, int64(12), st.Requests)
	require.Equal(t, int64(12), st.Attempts)
}

func TestLoggerNeverSeesSecrets(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mux, _ := setup(t, WithLogger(logger))
	var calls atomic.Int32
	mux.HandleFunc(apiPrefix+"/x", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			writeRaw(w, 503, bcError("Internal_ServiceUnavailable", "busy"))
			return
		}
		writeRaw(w, 200, `{}`)
	})
	req, err := c.NewRequest(t.Context(), http.MethodGet, "api/v2.0/x", nil)
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	require.NoError(t, err)
	require.Contains(t, logs.String(), "retrying request")
	require.Contains(t, logs.String(), `"status":200`)
	require.NotContains(t, logs.String(), "tok-")
	require.NotContains(t, logs.String(), "Bearer")
}
