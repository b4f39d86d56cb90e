package record

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// writeRecording saves exchanges as a recording file and returns its path.
func writeRecording(t *testing.T, exchanges ...exchange) string {
	t.Helper()
	data, err := encodeRecording(recording{Format: recordingFormat, Exchanges: exchanges})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "rec.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

func jsonExchange(method, url string, status int, body string) exchange {
	return exchange{
		Request:  recordedRequest{Method: method, URL: url},
		Response: &recordedResponse{Status: status, Header: fixtureHeader{"Content-Type": {"application/json"}}, payload: payload{Body: json.RawMessage(body)}},
	}
}

// get sends a request through rt and returns the status and body.
func get(t *testing.T, rt http.RoundTripper, method, url, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

const customersURL = "https://bc.invalid/v2.0/" + FakeTenantID + "/sandbox/api/v2.0/companies(00000000-0000-0000-c0c0-39c6ad03aa84)/customers"

func TestReplayerMatching(t *testing.T) {
	t.Parallel()
	path := writeRecording(t,
		jsonExchange("GET", customersURL+"?$top=2&$select=id,number", 429, `{"error":{"code":"Application_TooManyRequests","message":"slow down"}}`),
		jsonExchange("GET", customersURL+"?$top=2&$select=id,number", 200, `{"value":[1]}`),
		jsonExchange("GET", customersURL+"?$top=3", 200, `{"value":[2]}`),
	)
	rep, err := NewReplayer(path)
	require.NoError(t, err)
	require.Equal(t, []string{
		"#1 GET " + customersURL + "?$top=2&$select=id,number",
		"#2 GET " + customersURL + "?$top=2&$select=id,number",
		"#3 GET " + customersURL + "?$top=3",
	}, rep.Unused())

	// The real tenant, environment and company id, another host, the query in
	// another order and encoding: it is the same request.
	real := "https://api.businesscentral.dynamics.com/v2.0/" + sessTenant + "/Production/api/v2.0/companies(" + sessCompany + ")/customers"
	status, body := get(t, rep, "GET", real+"?%24select=id%2Cnumber&%24top=2", "")
	require.Equal(t, 429, status)
	require.JSONEq(t, `{"error":{"code":"Application_TooManyRequests","message":"slow down"}}`, body)
	status, body = get(t, rep, "GET", real+"?$select=id,number&$top=2", "")
	require.Equal(t, 200, status)
	require.Equal(t, `{"value":[1]}`, body)
	require.Equal(t, []string{"#3 GET " + customersURL + "?$top=3"}, rep.Unused())

	// A third identical request: the recording has only two answers.
	status, body = get(t, rep, "GET", customersURL+"?$top=2&$select=id,number", "")
	require.Equal(t, http.StatusNotImplemented, status)
	want := "bctest: GET " + customersURL + "?$top=2&$select=id,number was answered all 2 times it was recorded in " + path + "; this is request 3"
	require.JSONEq(t, `{"error":{"code":"NoRecordedExchange","message":`+quote(want)+`}}`, body)

	// A request never recorded: the error names it and the closest recording.
	status, body = get(t, rep, "GET", customersURL+"?$top=4", "")
	require.Equal(t, http.StatusNotImplemented, status)
	want2 := "bctest: no exchange recorded in " + path + " matches GET " + customersURL + "?$top=4; the closest recorded request is GET " + customersURL + "?$top=3"
	require.JSONEq(t, `{"error":{"code":"NoRecordedExchange","message":`+quote(want2)+`}}`, body)
	require.Equal(t, []string{want, want2}, rep.Unmatched())
	require.Equal(t, []string{"#3 GET " + customersURL + "?$top=3"}, rep.Unused())
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestReplayerMatchBody(t *testing.T) {
	t.Parallel()
	post := func(body string, status int, answer string) exchange {
		e := jsonExchange("POST", customersURL, status, answer)
		e.Request.payload = payload{Body: json.RawMessage(body)}
		return e
	}
	path := writeRecording(t,
		post(`{"displayName":"A","email":"a@example.com"}`, 201, `{"number":"C1"}`),
		post(`{"displayName":"B"}`, 201, `{"number":"C2"}`),
	)
	rep, err := NewReplayer(path, MatchBody())
	require.NoError(t, err)
	// JSON bodies match by value, not by key order or spacing.
	status, body := get(t, rep, "POST", customersURL, `{"displayName":"B"}`)
	require.Equal(t, 201, status)
	require.Equal(t, `{"number":"C2"}`, body)
	status, body = get(t, rep, "POST", customersURL, `{ "email": "a@example.com", "displayName": "A" }`)
	require.Equal(t, 201, status)
	require.Equal(t, `{"number":"C1"}`, body)

	status, body = get(t, rep, "POST", customersURL, `{"displayName":"C"}`)
	require.Equal(t, http.StatusNotImplemented, status)
	require.Contains(t, body, `matches POST `+customersURL+` with body {\"displayName\":\"C\"}; the closest recorded request is POST `+customersURL+` with body {\"displayName\":\"B\"}`)

	// Without MatchBody the body is ignored and the answers come in order.
	rep, err = NewReplayer(path)
	require.NoError(t, err)
	_, body = get(t, rep, "POST", customersURL, `{"displayName":"C"}`)
	require.Equal(t, `{"number":"C1"}`, body)
}

func TestReplayerTokens(t *testing.T) {
	t.Parallel()
	tokenURL := "https://login.invalid/" + FakeTenantID + "/oauth2/v2.0/token"
	companies := "https://bc.invalid/v2.0/" + FakeTenantID + "/sandbox/api/v2.0/companies"
	for _, tc := range []struct {
		name      string
		exchanges []exchange
	}{
		{"recorded", []exchange{
			jsonExchange("POST", tokenURL, 200, `{"token_type":"Bearer","expires_in":3599,"access_token":"REDACTED"}`),
			jsonExchange("GET", companies, 200, `{"value":[]}`),
		}},
		{"made up", []exchange{jsonExchange("GET", companies, 200, `{"value":[]}`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep, err := NewReplayer(writeRecording(t, tc.exchanges...))
			require.NoError(t, err)
			hc := &http.Client{Transport: rep}
			for range 2 { // two clients, two token requests; the recording has at most one
				ts := bc.ClientCredentials(sessTenant, sessClient, "any secret", bc.WithTokenURL(FakeTokenURL), bc.WithTokenHTTPClient(hc))
				tok, err := ts.Token()
				require.NoError(t, err)
				require.Equal(t, Redacted, tok.AccessToken)
			}
			c, err := bc.NewClient(sessTenant, "Production", bc.WithHTTPClient(hc), bc.WithBaseURL(FakeBaseURL),
				bc.WithTokenSource(bc.ClientCredentials(sessTenant, sessClient, "any secret", bc.WithTokenURL(FakeTokenURL), bc.WithTokenHTTPClient(hc))))
			require.NoError(t, err)
			list, err := c.Companies().List(nil).Collect(t.Context())
			require.NoError(t, err)
			require.Empty(t, list)
			require.Empty(t, rep.Unused())
		})
	}
}

// TestReplayerUnmatchedThroughClient shows what a test using the SDK sees for
// a request that was not recorded: an APIError at once, no retries.
func TestReplayerUnmatchedThroughClient(t *testing.T) {
	t.Parallel()
	rep, err := NewReplayer(sessionGolden)
	require.NoError(t, err)
	c := sessionClient(t, rep, FakeBaseURL, FakeTokenURL)
	_, err = sets.For(c.Company(sessCompany)).Vendors().List(nil).Collect(t.Context())
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusNotImplemented, apiErr.StatusCode)
	require.Equal(t, "NoRecordedExchange", apiErr.Code)
	require.Equal(t, 1, apiErr.Attempts)
	require.Equal(t, "bctest: no exchange recorded in "+sessionGolden+" matches GET https://bc.invalid/v2.0/"+FakeTenantID+
		"/Production/api/v2.0/companies(00000000-0000-0000-c0c0-39c6ad03aa84)/vendors; the closest recorded request is GET https://bc.invalid/v2.0/"+
		FakeTenantID+"/sandbox/api/v2.0/companies(00000000-0000-0000-c0c0-39c6ad03aa84)/customers(99999999-9999-4999-8999-999999999999)", apiErr.Message)
}

func TestReplayerReplaysFailures(t *testing.T) {
	t.Parallel()
	cut := jsonExchange("GET", customersURL, 200, `{}`)
	cut.Response.payload = newPayload([]byte(`{"value":[`), true)
	cut.Response.BodyError = io.ErrUnexpectedEOF.Error()
	path := writeRecording(t,
		exchange{Request: recordedRequest{Method: "GET", URL: customersURL}, Error: "read tcp: connection reset by peer"},
		cut,
		jsonExchange("GET", customersURL, 200, `{"value":[]}`),
	)
	rep, err := NewReplayer(path, KeepRetryAfter())
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), "GET", customersURL, nil)
	require.NoError(t, err)
	_, err = rep.RoundTrip(req)
	require.EqualError(t, err, "read tcp: connection reset by peer")
	resp, err := rep.RoundTrip(req)
	require.NoError(t, err)
	_, err = io.ReadAll(resp.Body)
	require.True(t, errors.Is(err, io.ErrUnexpectedEOF), "got %v", err)
	status, _ := get(t, rep, "GET", customersURL, "")
	require.Equal(t, 200, status)
}

func TestReplayerRetryAfter(t *testing.T) {
	t.Parallel()
	throttled := jsonExchange("GET", customersURL, 429, `{}`)
	throttled.Response.Header["Retry-After"] = []string{"30"}
	path := writeRecording(t, throttled)
	for _, tc := range []struct {
		opts []ReplayOption
		want string
	}{{nil, "0"}, {[]ReplayOption{KeepRetryAfter()}, "30"}} {
		rep, err := NewReplayer(path, tc.opts...)
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(t.Context(), "GET", customersURL, nil)
		require.NoError(t, err)
		resp, err := rep.RoundTrip(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, tc.want, resp.Header.Get("Retry-After"))
		require.Equal(t, "2", resp.Header.Get("Content-Length"))
	}
}

func TestNewReplayerErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	for _, tc := range []struct {
		path, err string
	}{
		{filepath.Join(dir, "missing.json"), "no such file or directory"},
		{write("bad.json", "{"), "reading the recording"},
		{write("format.json", `{"format":"cassette/2","exchanges":[]}`), `is not a recording of format "bctest-recording/1" (it says "cassette/2")`},
		{write("empty.json", `{"format":"bctest-recording/1","exchanges":[{"request":{"method":"GET","url":"https://bc.invalid/"}}]}`), "exchange 1 has neither a response nor an error"},
	} {
		_, err := NewReplayer(tc.path)
		require.ErrorContains(t, err, tc.err)
	}
}

func TestMatchKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, want string }{
		{"https://x/v2.0/" + sessTenant + "/Production/api/v2.0/companies?$top=1&$filter=a%20eq%201",
			"GET /v2.0/" + FakeTenantID + "/{environment}/api/v2.0/companies?%24filter=a+eq+1&%24top=1"},
		{"https://x/v2.0/Production/api/v2.0/companies", "GET /v2.0/{environment}/api/v2.0/companies"},
		{"https://x/v2.0/contoso.com/api/v2.0/companies", "GET /v2.0/" + FakeTenantID + "/api/v2.0/companies"},
		{"https://x/contoso.com/oauth2/v2.0/token", "GET /" + FakeTenantID + "/oauth2/v2.0/token"},
		{"https://x:7048/BC/api/v2.0/companies(1)/items", "GET /BC/api/v2.0/companies(1)/items"},
	} {
		require.Equal(t, tc.want, matchKey("GET", tc.url, nil, false), tc.url)
	}
	require.Equal(t, matchKey("POST", "https://x/a", []byte(`{"b":1,"a":[1,2]}`), true), matchKey("POST", "https://y/a", []byte(`{"a":[1,2], "b":1}`), true))
	require.NotEqual(t, matchKey("POST", "https://x/a", []byte(`{"a":1}`), true), matchKey("POST", "https://x/a", []byte(`{"a":2}`), true))
	require.Equal(t, 3, editDistance("kitten", "sitting"))
}
