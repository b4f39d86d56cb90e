package record

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// The real values of the recorded session; none may appear in a recording.
const (
	sessTenant  = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	sessCompany = "6d8f5b1e-2c4a-4e7b-9f10-2a3b4c5d6e7f"
	sessClient  = "7a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"
	sessSecret  = "Xy8Q~s3cr3t+v/al=ue"
	sessToken   = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2FwaS5idXNpbmVzc2NlbnRyYWwuZHluYW1pY3MuY29tIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
	sessCorr    = "c32f628c-0e3c-4e8a-9b5e-1234567890ab"
	sessMissing = "99999999-9999-4999-8999-999999999999"
)

// sessionServer plays Entra and BC for one scripted session: a token, the
// companies, three pages of customers linked by $skiptoken nextLinks with a
// 429 before the second page, a POST, and a 404 with a CorrelationId.
func sessionServer(t *testing.T) *httptest.Server {
	var page2Attempts atomic.Int32
	// root is the service root of the request (its environment, the scheme a
	// proxy in front says), from which links are made.
	root := func(r *http.Request) string {
		scheme, env := "http", strings.Split(r.URL.Path+"//", "/")[3]
		if r.Header.Get("X-Forwarded-Proto") == "https" {
			scheme = "https"
		}
		return scheme + "://" + r.Host + "/v2.0/" + sessTenant + "/" + env + "/api/v2.0/"
	}
	customers := `companies(` + sessCompany + `)/customers`
	write := func(w http.ResponseWriter, status int, body string) {
		w.Header()["Date"] = nil // keep the golden file stable
		w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")
		w.Header().Set("OData-Version", "4.0")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /"+sessTenant+"/oauth2/v2.0/token", func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("client_id") != sessClient || r.PostFormValue("client_secret") != sessSecret {
			write(w, http.StatusUnauthorized, `{"error":"invalid_client"}`)
			return
		}
		w.Header().Set("Set-Cookie", "fpc=AhS0mEth1ng; path=/; secure; HttpOnly")
		write(w, http.StatusOK, `{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"`+sessToken+`"}`)
	})
	mux.HandleFunc("/v2.0/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+sessToken {
			write(w, http.StatusUnauthorized, `{"error":{"code":"Authentication_InvalidCredentials","message":"The credentials provided are incorrect"}}`)
			return
		}
		_, rel, _ := strings.Cut(r.URL.Path, "/api/v2.0/")
		ctx := `"@odata.context":"` + root(r) + `$metadata#` + customers + `"`
		next := root(r) + customers + `?$filter=balanceDue%20gt%200&$select=id,number,displayName,balanceDue&$skiptoken=`
		switch {
		case r.Method == http.MethodGet && rel == "companies":
			write(w, http.StatusOK, `{"@odata.context":"`+root(r)+`$metadata#companies","value":[`+
				`{"id":"`+sessCompany+`","systemVersion":"26.0.30643.32100","timestamp":4006,"name":"CRONUS USA, Inc.","displayName":"CRONUS USA, Inc.","businessProfileId":""}]}`)
		case r.Method == http.MethodGet && rel == customers && r.URL.Query().Get("$skiptoken") == "":
			write(w, http.StatusOK, `{`+ctx+`,"value":[`+
				`{"@odata.etag":"W/\"JzE5OzE=\"","id":"0b6b2c1e-0001-4f00-8000-000000000001","number":"10000","displayName":"Adatum Corporation","balanceDue":1499.5},`+
				`{"@odata.etag":"W/\"JzE5OzI=\"","id":"0b6b2c1e-0002-4f00-8000-000000000002","number":"20000","displayName":"Trey Research","balanceDue":250}],`+
				`"@odata.nextLink":"`+next+`0b6b2c1e-0002-4f00-8000-000000000002"}`)
		case r.Method == http.MethodGet && rel == customers && r.URL.Query().Get("$skiptoken") == "0b6b2c1e-0002-4f00-8000-000000000002":
			if page2Attempts.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				write(w, http.StatusTooManyRequests, `{"error":{"code":"Application_TooManyRequests","message":"Too many requests reached.  Actual (101). Maximum (100).  CorrelationId:  `+sessCorr+`."}}`)
				return
			}
			write(w, http.StatusOK, `{`+ctx+`,"value":[`+
				`{"@odata.etag":"W/\"JzE5OzM=\"","id":"0b6b2c1e-0003-4f00-8000-000000000003","number":"30000","displayName":"School of Fine Art","balanceDue":12.75},`+
				`{"@odata.etag":"W/\"JzE5OzQ=\"","id":"0b6b2c1e-0004-4f00-8000-000000000004","number":"40000","displayName":"Alpine Ski House","balanceDue":3}],`+
				`"@odata.nextLink":"`+next+`0b6b2c1e-0004-4f00-8000-000000000004"}`)
		case r.Method == http.MethodGet && rel == customers && r.URL.Query().Get("$skiptoken") == "0b6b2c1e-0004-4f00-8000-000000000004":
			write(w, http.StatusOK, `{`+ctx+`,"value":[`+
				`{"@odata.etag":"W/\"JzE5OzU=\"","id":"0b6b2c1e-0005-4f00-8000-000000000005","number":"50000","displayName":"Relecloud","balanceDue":0.01}]}`)
		case r.Method == http.MethodPost && rel == customers:
			var in map[string]any
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in["displayName"] != "Fixture Test Customer" {
				write(w, http.StatusBadRequest, `{"error":{"code":"BadRequest","message":"unexpected body"}}`)
				return
			}
			w.Header().Set("Location", root(r)+customers+"(0b6b2c1e-0006-4f00-8000-000000000006)")
			w.Header().Set("ETag", `W/"JzE5OzY="`)
			write(w, http.StatusCreated, `{"@odata.context":"`+root(r)+`$metadata#`+customers+`/$entity","@odata.etag":"W/\"JzE5OzY=\"","id":"0b6b2c1e-0006-4f00-8000-000000000006","number":"C00010","displayName":"Fixture Test Customer","email":"fixture@example.com","balanceDue":0}`)
		case r.Method == http.MethodGet && rel == customers+"("+sessMissing+")":
			w.Header().Set("ms-correlation-x", sessCorr)
			write(w, http.StatusNotFound, `{"error":{"code":"BadRequest_NotFound","message":"The Customer does not exist. Identification fields and values: Id='{`+strings.ToUpper(sessMissing)+`}'  CorrelationId:  `+sessCorr+`."}}`)
		default:
			write(w, http.StatusNotFound, `{"error":{"code":"BadRequest_NotFound","message":"unexpected `+r.Method+` `+r.URL.String()+`"}}`)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// sessionResult is what the client decoded during the session.
// forgetReads drops what the models keep of the bytes they were decoded
// from, which differ between a live and a replayed session by the scrubbed ids.
func (r *sessionResult) forgetReads() {
	for i := range r.Companies {
		r.Companies[i].Record = entities.Record{}
	}
	for i := range r.Customers {
		r.Customers[i].Record = entities.Record{}
	}
	r.Created.Record = entities.Record{}
}

type sessionResult struct {
	Companies []entities.Company
	Customers []entities.Customer
	Created   entities.Customer
	NotFound  struct {
		Status                       int
		Code, Message, CorrelationID string
	}
	Stats bc.Stats
}

// runSession makes the session's calls: list companies, page through the
// customers (the second page is throttled once), create one, read a missing one.
// companyID "" means the first company listed.
func runSession(ctx context.Context, c *bc.Client, companyID string) (sessionResult, error) {
	var res sessionResult
	var err error
	if res.Companies, err = c.Companies().List(nil).Collect(ctx); err != nil {
		return res, err
	}
	if companyID == "" {
		companyID = res.Companies[0].ID
	}
	customers := sets.For(c.Company(companyID)).Customers()
	q := odata.New().Filter(odata.Gt("balanceDue", 0)).Select("id", "number", "displayName", "balanceDue").MaxPageSize(2)
	if res.Customers, err = customers.List(q).Collect(ctx); err != nil {
		return res, err
	}
	if res.Created, err = customers.Create(ctx, entities.Customer{DisplayName: "Fixture Test Customer", Email: "fixture@example.com"}); err != nil {
		return res, err
	}
	_, err = customers.Get(ctx, sessMissing, nil)
	var apiErr *bc.APIError
	if !errors.As(err, &apiErr) {
		return res, fmt.Errorf("reading a missing customer: want an APIError, got %v", err)
	}
	res.NotFound.Status, res.NotFound.Code, res.NotFound.Message, res.NotFound.CorrelationID = apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.CorrelationID
	res.Stats = c.Stats()
	return res, nil
}

// sessionClient builds a client whose every request, token requests
// included, goes through rt.
func sessionClient(t *testing.T, rt http.RoundTripper, baseURL, tokenURL string) *bc.Client {
	t.Helper()
	hc := &http.Client{Transport: rt}
	ts := bc.ClientCredentials(sessTenant, sessClient, sessSecret, bc.WithTokenURL(tokenURL), bc.WithTokenHTTPClient(hc))
	c, err := bc.NewClient(sessTenant, "Production", bc.WithHTTPClient(hc), bc.WithTokenSource(ts), bc.WithBaseURL(baseURL))
	require.NoError(t, err)
	return c
}

const sessionGolden = "testdata/recordings/TestRecordReplaySession.json"

// TestRecordReplaySession records a session against a local server, compares
// the file with the golden one (BCTEST_UPDATE_GOLDEN=1 rewrites it), proves
// no secret reached it, and replays it through the SDK with the real ids.
func TestRecordReplaySession(t *testing.T) {
	t.Parallel()
	srv := sessionServer(t)
	path := filepath.Join(t.TempDir(), "sub", "dir", "session.json")
	rec := NewRecorder(path, nil, Redact(sessSecret), ScrubEnvironment())
	live, err := runSession(t.Context(), sessionClient(t, rec, srv.URL+"/v2.0", srv.URL+"/{tenant}/oauth2/v2.0/token"), sessCompany)
	require.NoError(t, err)
	require.Len(t, live.Customers, 5)
	require.Equal(t, int64(1), live.Stats.Throttled)
	require.NoError(t, rec.Save())

	got, err := os.ReadFile(path)
	require.NoError(t, err)
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "Save leaves no temporary file behind")
	requireAbsent(t, got, sessSecret, "Xy8Q~s3cr3t%2Bv%2Fal%3Due", sessToken, "eyJ", sessTenant, sessCompany, sessClient,
		sessCorr, "AhS0mEth1ng", "127.0.0.1", "Production")
	if os.Getenv("BCTEST_UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(sessionGolden, got, 0o644))
	}
	want, err := os.ReadFile(sessionGolden)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "the recording differs from %s; BCTEST_UPDATE_GOLDEN=1 rewrites it", sessionGolden)

	// Replay with the real tenant, environment, company id and credentials:
	// the replayer scrubs the requests the same way before matching them.
	rep, err := NewReplayer(sessionGolden)
	require.NoError(t, err)
	replayed, err := runSession(t.Context(), sessionClient(t, rep, FakeBaseURL, FakeTokenURL), sessCompany)
	require.NoError(t, err)
	require.Empty(t, rep.Unused())
	require.Empty(t, rep.Unmatched())

	// Company ids and correlation ids are scrubbed by design; the rest is identical.
	require.Equal(t, fakeCompanyID(sessCompany), replayed.Companies[0].ID)
	require.Equal(t, zeroCorrelationID, replayed.NotFound.CorrelationID)
	require.Equal(t, sessCorr, live.NotFound.CorrelationID)
	live.Companies[0].ID, live.NotFound.CorrelationID = replayed.Companies[0].ID, replayed.NotFound.CorrelationID
	live.Stats.MaxInFlight, replayed.Stats.MaxInFlight = 0, 0
	live.forgetReads()
	replayed.forgetReads()
	require.Equal(t, live, replayed)
}

// requireAbsent fails if data contains one of values, ignoring case, or a JWT.
func requireAbsent(t *testing.T, data []byte, values ...string) {
	t.Helper()
	low := strings.ToLower(string(data))
	for _, v := range values {
		if i := strings.Index(low, strings.ToLower(v)); i >= 0 {
			t.Fatalf("the recording contains %q at offset %d: …%s…", v, i, data[max(0, i-80):min(len(data), i+len(v)+80)])
		}
	}
	require.Nil(t, jwtPattern.Find(data), "the recording contains a JWT")
}

func TestRecorderStreamsLargeBodies(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<19) // 8 MiB of text
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write(big)
	}))
	t.Cleanup(srv.Close)

	for _, tc := range []struct {
		name    string
		max     int64
		saveErr string
	}{
		{"kept", DefaultMaxBodySize, ""},
		{"too large", 1 << 20, "the response body is larger than MaxBodySize (1048576 bytes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "big.json")
			rec := NewRecorder(path, nil, MaxBodySize(tc.max))
			resp, err := (&http.Client{Transport: rec}).Get(srv.URL + "/big")
			require.NoError(t, err)
			// The client reads in small pieces and closes before EOF; it sees every byte.
			got, err := io.ReadAll(io.LimitReader(resp.Body, int64(len(big)-10)))
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, big[:len(big)-10], got)
			err = rec.Save()
			if tc.saveErr != "" {
				require.ErrorContains(t, err, tc.saveErr)
				require.NoFileExists(t, path)
				return
			}
			require.NoError(t, err)
			rep, err := NewReplayer(path)
			require.NoError(t, err)
			resp, err = (&http.Client{Transport: rep}).Get("https://bc.invalid/big")
			require.NoError(t, err)
			replayed, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, big, replayed, "Close read the rest of the body into the recording")
		})
	}
}

func TestRecorderSaveRefusesOpenBodies(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hello") }))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "open.json")
	rec := NewRecorder(path, nil)
	resp, err := (&http.Client{Transport: rec}).Get(srv.URL + "/open")
	require.NoError(t, err)
	require.EqualError(t, rec.Save(), "bctest: not saving "+path+": exchange 1 (GET https://bc.invalid/open): the response body was not read to the end or closed")
	require.NoError(t, resp.Body.Close())
	require.NoError(t, rec.Save())
}

// BenchmarkRecorderLargePage records a page of about 50 MB of customers, the
// largest body a Recorder keeps by default, read by the client as a stream.
func BenchmarkRecorderLargePage(b *testing.B) {
	var page bytes.Buffer
	page.WriteString(`{"@odata.context":"https://api.businesscentral.dynamics.com/v2.0/` + sessTenant + `/Production/api/v2.0/$metadata#companies(` + sessCompany + `)/customers","value":[`)
	for i := 0; page.Len() < DefaultMaxBodySize-1000; i++ {
		if i > 0 {
			page.WriteByte(',')
		}
		fmt.Fprintf(&page, `{"@odata.etag":"W/\"JzE5OzE=\"","id":"0b6b2c1e-0001-4f00-8000-%012d","number":"C%08d","displayName":"Customer %d","email":"c%d@example.com","balanceDue":%d.5}`, i, i, i, i, i)
	}
	page.WriteString(`]}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page.Bytes())
	}))
	b.Cleanup(srv.Close)
	b.SetBytes(int64(page.Len()))
	for b.Loop() {
		rec := NewRecorder(filepath.Join(b.TempDir(), "page.json"), nil, ScrubTenant(sessTenant))
		resp, err := (&http.Client{Transport: rec}).Get(srv.URL + "/v2.0/" + sessTenant + "/Production/api/v2.0/companies(" + sessCompany + ")/customers")
		require.NoError(b, err)
		_, err = io.Copy(io.Discard, resp.Body)
		require.NoError(b, err)
		require.NoError(b, resp.Body.Close())
		require.NoError(b, rec.Save())
	}
}
