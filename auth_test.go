package bc

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// tokenServer is an Entra-like token endpoint that issues numbered tokens.
type tokenServer struct {
	*httptest.Server
	calls     atomic.Int32
	expiresIn int
	fail      func(form url.Values) (int, string) // non-zero status: answer with this error
	lastForm  atomic.Value
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{expiresIn: 3599}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		ts.lastForm.Store(r.PostForm)
		n := ts.calls.Add(1)
		if ts.fail != nil {
			if status, body := ts.fail(r.PostForm); status != 0 {
				writeRaw(w, status, body)
				return
			}
		}
		writeRaw(w, 200, fmt.Sprintf(`{"token_type":"Bearer","expires_in":%d,"ext_expires_in":%d,"access_token":"entra-%d"}`, ts.expiresIn, ts.expiresIn, n))
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) url() string { return ts.URL + "/{tenant}/oauth2/v2.0/token" }

func TestClientCredentialsRequest(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	src := ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(ts.url()))
	tok, err := src.Token()
	require.NoError(t, err)
	require.Equal(t, "entra-1", tok.AccessToken)
	form := ts.lastForm.Load().(url.Values)
	require.Equal(t, "client_credentials", form.Get("grant_type"))
	require.Equal(t, testClient, form.Get("client_id"))
	require.Equal(t, testSecret, form.Get("client_secret"))
	require.Equal(t, DefaultScope, form.Get("scope"))

	other := ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(ts.url()), WithScopes("api://onprem/.default"))
	_, err = other.Token()
	require.NoError(t, err)
	require.Equal(t, "api://onprem/.default", ts.lastForm.Load().(url.Values).Get("scope"))

	require.NotContains(t, fmt.Sprintf("%v %+v %#v", src, src, src), testSecret)
}

func TestTokenCachedAndFetchedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	c, mux, _ := setup(t, WithTokenSource(ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(ts.url()))))
	mux.HandleFunc(apiPrefix+"/thing", func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "Bearer entra-1", r.Header.Get("Authorization"))
		ok(w, r)
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := doRaw(t, c, http.MethodGet)
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.Equal(t, int32(1), ts.calls.Load())
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	src := ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(ts.url()), WithEarlyRefresh(10*time.Minute)).(*tokenCache)
	now := time.Now()
	src.now = func() time.Time { return now }
	tok, err := src.Token()
	require.NoError(t, err)
	require.Equal(t, "entra-1", tok.AccessToken)
	now = now.Add(45 * time.Minute) // 15 minutes left: still fresh
	tok, err = src.Token()
	require.NoError(t, err)
	require.Equal(t, "entra-1", tok.AccessToken)
	now = now.Add(6 * time.Minute) // 9 minutes left, inside the early-refresh window
	tok, err = src.Token()
	require.NoError(t, err)
	require.Equal(t, "entra-2", tok.AccessToken)
	require.Equal(t, int32(2), ts.calls.Load())
}

func TestUnauthorizedForcesOneRefreshAndOneRetry(t *testing.T) {
	t.Parallel()
	t.Run("second token accepted", func(t *testing.T) {
		t.Parallel()
		c, mux, tokens := setup(t)
		seen := serveRecordingAuth(mux, func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "Bearer tok-1" {
				writeRaw(w, 401, bcError("Authentication_InvalidCredentials", "The server has rejected the client credentials."))
				return
			}
			ok(w, r)
		})
		_, err := doRaw(t, c, http.MethodPost)
		require.NoError(t, err)
		require.Equal(t, []string{"Bearer tok-1", "Bearer tok-2"}, seen())
		require.Equal(t, int32(2), tokens.calls.Load())
		require.Equal(t, int64(1), c.Stats().ForcedRefreshes)
	})
	t.Run("a token another request renewed is refused too", func(t *testing.T) {
		t.Parallel()
		c, mux, tokens := setup(t)
		seen := serveRecordingAuth(mux, func(w http.ResponseWriter, r *http.Request) {
			switch r.Header.Get("Authorization") {
			case "Bearer tok-1":
				// Meanwhile another request got its 401 and renewed the
				// cached token to tok-2, which is then revoked as well.
				_, _, err := c.tokens.renew(r.Context(), &oauth2.Token{AccessToken: "tok-1"})
				require.NoError(t, err)
				fallthrough
			case "Bearer tok-2":
				writeRaw(w, 401, bcError("Authentication_InvalidCredentials", "The access token has expired."))
			default:
				ok(w, r)
			}
		})
		_, err := doRaw(t, c, http.MethodPatch)
		require.NoError(t, err)
		require.Equal(t, []string{"Bearer tok-1", "Bearer tok-2", "Bearer tok-3"}, seen(),
			"the renewed token is tried, then one fetched after its 401")
		require.Equal(t, int32(3), tokens.calls.Load())
		require.Equal(t, int64(1), c.Stats().ForcedRefreshes, "this request fetched one token")
	})
	t.Run("app not registered in BC", func(t *testing.T) {
		t.Parallel()
		c, mux, tokens := setup(t)
		var calls atomic.Int32
		mux.HandleFunc(apiPrefix+"/thing", func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeRaw(w, 401, bcError("Authentication_InvalidCredentials", "The server has rejected the client credentials."))
		})
		_, err := doRaw(t, c, http.MethodGet)
		require.ErrorIs(t, err, ErrUnauthorized)
		require.Equal(t, int32(2), calls.Load(), "one forced refresh, one retry, then the 401 is the answer")
		require.Equal(t, int32(2), tokens.calls.Load())
		require.Contains(t, err.Error(), `"Microsoft Entra Applications"`)
		require.Contains(t, err.Error(), "State = Enabled")
		require.Contains(t, err.Error(), "D365 AUTOMATION")
		require.NotContains(t, err.Error(), "tok-")
	})
}

func TestTokenEndpointErrorsAreMapped(t *testing.T) {
	t.Parallel()
	entra := func(code int, oauthErr, desc string) string {
		return fmt.Sprintf(`{"error":%q,"error_description":"AADSTS%d: %s\r\nTrace ID: 0d5e9e4f-1111-2222-3333-444444444444\r\nCorrelation ID: 7a0c3e1a-5555-6666-7777-888888888888\r\nTimestamp: 2026-11-25 10:00:00Z","error_codes":[%d],"timestamp":"2026-11-25 10:00:00Z","trace_id":"0d5e9e4f-1111-2222-3333-444444444444","correlation_id":"7a0c3e1a-5555-6666-7777-888888888888","error_uri":"https://login.microsoftonline.com/error?code=%d"}`,
			oauthErr, code, desc, code, code)
	}
	tests := []struct {
		name    string
		status  int
		body    string
		problem AuthProblem
		code    string
		fix     string
	}{
		{"unknown tenant", 400, entra(90002, "invalid_request", "Tenant '11111111-2222-3333-4444-555555555555' not found."), ProblemUnknownTenant, "AADSTS90002", "tenant ID"},
		{"unknown client", 400, entra(700016, "unauthorized_client", "Application with identifier '66666666-7777-8888-9999-000000000000' was not found in the directory 'Contoso'."), ProblemUnknownClient, "AADSTS700016", "client ID"},
		{"invalid secret", 401, entra(7000215, "invalid_client", "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."), ProblemInvalidSecret, "AADSTS7000215", "not its Secret ID"},
		{"expired secret", 401, entra(7000222, "invalid_client", "The provided client secret keys for app '66666666-7777-8888-9999-000000000000' are expired."), ProblemExpiredSecret, "AADSTS7000222", "has expired"},
		{"missing consent", 400, entra(65001, "invalid_grant", "The user or administrator has not consented to use the application."), ProblemMissingConsent, "AADSTS65001", "Grant admin consent"},
		{"BC not in tenant", 400, entra(500011, "invalid_resource", "The resource principal named https://api.businesscentral.dynamics.com was not found in the tenant."), ProblemMissingConsent, "AADSTS500011", "API.ReadWrite.All"},
		{"disabled app", 400, entra(7000112, "unauthorized_client", "Application is disabled."), ProblemAppDisabled, "AADSTS7000112", "enable"},
		{"invalid scope", 400, entra(70011, "invalid_scope", "The provided value for scope is not valid."), ProblemInvalidScope, "AADSTS70011", ".default"},
		{"service trouble", 503, `<html>busy</html>`, ProblemUnreachable, "", "retry"},
		{"unclassified", 400, entra(123456, "invalid_request", "Something else."), ProblemUnknown, "AADSTS123456", "login.microsoftonline.com/error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTokenServer(t)
			ts.fail = func(url.Values) (int, string) { return tt.status, tt.body }
			_, err := ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(ts.url())).Token()
			var ae *AuthError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tt.problem, ae.Problem, err.Error())
			require.Equal(t, tt.code, ae.Code)
			require.Contains(t, err.Error(), tt.fix)
			require.NotContains(t, err.Error(), testSecret)
			require.NotContains(t, err.Error(), "Trace ID", "only Entra's first sentence is kept")
			if tt.code != "" {
				require.Equal(t, "0d5e9e4f-1111-2222-3333-444444444444", ae.TraceID)
			}
		})
	}
}

func TestCredentialInputsCheckedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	tests := []struct {
		tenant, client, secret string
		problem                AuthProblem
	}{
		{"not-a-tenant", testClient, testSecret, ProblemMalformedTenant},
		{testTenant, "my app", testSecret, ProblemMalformedClient},
		{testTenant, testClient, "  ", ProblemMissingSecret},
	}
	for _, tt := range tests {
		_, err := ClientCredentials(tt.tenant, tt.client, tt.secret, WithTokenURL(ts.url())).Token()
		var ae *AuthError
		require.ErrorAs(t, err, &ae)
		require.Equal(t, tt.problem, ae.Problem)
	}
	require.Zero(t, ts.calls.Load())
}

func TestAuthErrorsAreNotRetriedButOutagesAre(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	var failures atomic.Int32
	ts.fail = func(f url.Values) (int, string) {
		if f.Get("client_secret") == "wrong" {
			return 401, `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}`
		}
		if failures.Add(1) <= 2 {
			return 503, `busy`
		}
		return 0, ""
	}
	for _, tc := range []struct {
		secret    string
		wantCalls int32
		wantErr   bool
	}{{"wrong", 1, true}, {testSecret, 3, false}} {
		before := ts.calls.Load()
		c, mux, _ := setup(t, WithTokenSource(ClientCredentials(testTenant, testClient, tc.secret, WithTokenURL(ts.url()))))
		mux.HandleFunc(apiPrefix+"/thing", ok)
		_, err := doRaw(t, c, http.MethodGet)
		require.Equal(t, tc.wantErr, err != nil, "%v", err)
		require.Equal(t, tc.wantCalls, ts.calls.Load()-before)
	}
}

func TestParseTokenErrorNeverFails(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "null", "{", `{"error_codes":"x"}`, "AADSTS90002 somewhere in text", strings.Repeat("x", 5000)} {
		e := ParseTokenError(400, []byte(body))
		require.NotNil(t, e)
		require.NotEmpty(t, e.Error())
	}
	require.Equal(t, ProblemUnknownTenant, ParseTokenError(400, []byte("AADSTS90002 somewhere in text")).Problem)
}

func TestValidators(t *testing.T) {
	t.Parallel()
	require.NoError(t, ValidateTenantID("contoso.onmicrosoft.com"))
	require.NoError(t, ValidateTenantID(strings.ToUpper(testTenant)))
	require.Error(t, ValidateTenantID("contoso"))
	require.Error(t, ValidateTenantID("-bad.com"))
	require.Error(t, ValidateClientID(testTenant+"0"))
	require.True(t, IsGUID("00000000-0000-0000-0000-000000000000"))
	require.False(t, IsGUID("00000000_0000-0000-0000-000000000000"))
	require.False(t, IsGUID("0000000g-0000-0000-0000-000000000000"))
}

func TestTokenFromClient(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	tok, err := c.Token()
	require.NoError(t, err)
	require.Equal(t, "tok-1", tok.AccessToken)
	noAuth, err := NewClient(testTenant, "Production", WithoutAuth())
	require.NoError(t, err)
	_, err = noAuth.Token()
	require.Error(t, err)
}

func TestShortLivedTokensAreNotRenewedOnEveryCall(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	ts.expiresIn = 60 // shorter than the 5-minute early refresh
	src := ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(ts.url())).(*tokenCache)
	now := time.Now()
	src.now = func() time.Time { return now }
	for range 5 {
		_, err := src.Token()
		require.NoError(t, err)
	}
	require.Equal(t, int32(1), ts.calls.Load())
	now = now.Add(46 * time.Second) // inside the last quarter of its life
	_, err := src.Token()
	require.NoError(t, err)
	require.Equal(t, int32(2), ts.calls.Load())
}

// serveRecordingAuth serves the test endpoint with next and records the
// Authorization header of every request; seen returns them in order.
func serveRecordingAuth(mux *http.ServeMux, next http.HandlerFunc) (seen func() []string) {
	var mu sync.Mutex
	var auth []string
	mux.HandleFunc(apiPrefix+"/thing", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		next(w, r)
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(auth)
	}
}
