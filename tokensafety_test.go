package bc

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// echoSecret has characters that form encoding changes, so both its raw
// and its encoded spelling are checked.
const echoSecret = "Q7x8Q~a+b/c=d.secret_value-0123456789"

func TestPlainHTTPTokenURLIsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	_, err := ClientCredentials(testTenant, testClient, testSecret, WithTokenURL("http://login.example.com/{tenant}/oauth2/v2.0/token")).Token()
	var ae *AuthError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, ProblemNoTokenEndpoint, ae.Problem)
	require.Equal(t, "the token URL http://login.example.com/{tenant}/oauth2/v2.0/token uses plain http, which would send the client secret in clear text: use https (plain http is accepted only to a loopback host)", ae.Description)
	for _, good := range []string{DefaultTokenURL, "http://127.0.0.1:8080/t", "http://localhost/t", "http://[::1]:9/t"} {
		require.NoError(t, ValidateTokenURL(good), good)
	}
	require.EqualError(t, ValidateTokenURL("login.example.com/token"), `the token URL "login.example.com/token" is not an absolute http(s) URL: give one such as `+DefaultTokenURL)
}

func TestTokenEndpointRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		writeRaw(w, 200, `{"token_type":"Bearer","expires_in":3599,"access_token":"stolen"}`)
	}))
	t.Cleanup(target.Close)
	var calls atomic.Int32
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Redirect(w, r, target.URL+"/token", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(endpoint.Close)

	c, mux, _ := setup(t, WithTokenSource(ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(endpoint.URL+"/token"))))
	mux.HandleFunc(apiPrefix+"/thing", ok)
	_, err := doRaw(t, c, http.MethodGet)
	var ae *AuthError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, ProblemNoTokenEndpoint, ae.Problem)
	require.Equal(t, endpoint.URL+"/token answered 307 Temporary Redirect, a redirect to "+target.URL+"/token, which was not followed (it would send the client secret there): configure the token URL the endpoint really has", ae.Description)
	require.Equal(t, int32(1), calls.Load(), "a redirect is final: the token request is not retried")
	require.Zero(t, elsewhere.Load(), "the secret never reaches the redirect target")
}

func TestTokenRequestIsRetriedOnlyOnRetryableAnswers(t *testing.T) {
	t.Parallel()
	transient := `{"error":"temporarily_unavailable","error_description":"AADSTS90055: Too many requests.","error_codes":[90055]}`
	tests := []struct {
		status    int
		body      string
		wantCalls int32
	}{
		{400, `{"error":"invalid_request"}`, 1},
		{400, transient, 1}, // a transient code in a final status
		{401, `{"error":"invalid_client"}`, 1},
		{403, `<html>forbidden</html>`, 1},
		{404, `not found`, 1},
		{407, `proxy authentication required`, 1},
		{408, `timeout`, 2},
		{429, transient, 2},
		{503, `busy`, 2},
	}
	for _, tt := range tests {
		ts := newTokenServer(t)
		ts.fail = func(url.Values) (int, string) {
			if ts.calls.Load() == 1 {
				return tt.status, tt.body
			}
			return 0, ""
		}
		c, mux, _ := setup(t, WithTokenSource(ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(ts.url()))))
		mux.HandleFunc(apiPrefix+"/thing", ok)
		_, err := doRaw(t, c, http.MethodGet)
		require.Equal(t, tt.wantCalls == 1, err != nil, "%d: %v", tt.status, err)
		require.Equal(t, tt.wantCalls, ts.calls.Load(), "%d %s", tt.status, tt.body)
	}
}

func TestTokenErrorsNeverRepeatTheSecret(t *testing.T) {
	t.Parallel()
	answers := map[string]func(form string) string{
		"plain echo": func(form string) string { return form },
		"echo past the excerpt's cut": func(form string) string {
			return strings.Repeat("x", 190) + form
		},
		"echo in the description": func(form string) string {
			return `{"error":"invalid_request","error_description":"AADSTS900144: got ` + form + `","error_codes":[900144],"trace_id":"` + form + `"}`
		},
		"decoded and JSON-escaped": func(string) string {
			return `{"error":"x","error_description":"secret \u0051` + echoSecret[1:] + `","correlation_id":"` + echoSecret + `"}`
		},
	}
	for name, answer := range answers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				form, _ := io.ReadAll(r.Body)
				writeRaw(w, 400, answer(string(form)))
			}))
			t.Cleanup(srv.Close)
			_, err := ClientCredentials(testTenant, testClient, echoSecret, WithTokenURL(srv.URL+"/token")).Token()
			var ae *AuthError
			require.ErrorAs(t, err, &ae)
			requireNoSecret(t, ae, echoSecret)
		})
	}
}

// requireNoSecret checks every string an AuthError shows, raw and form
// encoded.
func requireNoSecret(t *testing.T, ae *AuthError, secret string) {
	t.Helper()
	for _, s := range []string{ae.Error(), ae.Code, ae.OAuthError, ae.Description, ae.TraceID, ae.CorrelationID} {
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			require.NotContains(t, s, form)
		}
	}
}
