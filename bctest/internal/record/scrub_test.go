package record

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRecorderScrubs checks each scrubbing rule on one exchange whose every
// part carries something to remove.
func TestRecorderScrubs(t *testing.T) {
	t.Parallel()
	const (
		domain  = "contoso.onmicrosoft.com"
		secret  = "p@ss\"word<1>"
		company = "E802E7D1-5408-F011-9AFA-6045BDABB318"
		jwt     = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "ARRAffinity=abc123")
		w.Header().Set("request-id", "a1b2c3d4-0000-4000-8000-000000000001")
		w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="https://login.microsoftonline.com/`+domain+`/oauth2/authorize"`)
		body, _ := json.Marshal(map[string]any{
			"@odata.context": "https://api.businesscentral.dynamics.com/v2.0/" + domain + "/Contoso-UAT/api/v2.0/$metadata#companies",
			"value":          []any{map[string]any{"id": strings.ToLower(company), "name": "said " + secret, "note": "token " + jwt}},
		})
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)

	path := filepath.Join(t.TempDir(), "scrub.json")
	rec := NewRecorder(path, nil, Redact(secret), ScrubTenant(domain), ScrubEnvironment())
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/v2.0/"+domain+"/Contoso-UAT/api/v2.0/companies?access_token="+jwt+"&$top=1", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+jwt)
	req.Header.Set("Cookie", "session=s3")
	req.Header.Set("client-request-id", "not recorded")
	resp, err := (&http.Client{Transport: rec}).Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	require.NoError(t, rec.Save())

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var got recording
	require.NoError(t, json.Unmarshal(data, &got))
	require.Len(t, got.Exchanges, 1)
	fake := fakeCompanyID(company)
	require.JSONEq(t, `{"@odata.context":"https://bc.invalid/v2.0/`+FakeTenantID+`/sandbox/api/v2.0/$metadata#companies",`+
		`"value":[{"id":"`+fake+`","name":"said REDACTED","note":"token REDACTED"}]}`, string(got.Exchanges[0].Response.Body))
	got.Exchanges[0].Response.Body = nil
	require.Equal(t, []exchange{{
		Request: recordedRequest{
			Method: "GET",
			URL:    "https://bc.invalid/v2.0/" + FakeTenantID + "/sandbox/api/v2.0/companies?access_token=REDACTED&$top=1",
			Header: fixtureHeader{"Authorization": {"Bearer REDACTED"}, "Cookie": {"REDACTED"}},
		},
		Response: &recordedResponse{
			Status: 200,
			Header: fixtureHeader{
				"Content-Type":     {"application/json"},
				"Request-Id":       {zeroCorrelationID},
				"Set-Cookie":       {"REDACTED"},
				"Www-Authenticate": {`Bearer authorization_uri="https://login.invalid/` + FakeTenantID + `/oauth2/authorize"`},
			},
		},
	}}, got.Exchanges)
	require.Regexp(t, `^00000000-0000-0000-c0c0-[0-9a-f]{12}$`, fake)
	require.Equal(t, fake, fakeCompanyID(strings.ToLower(company)), "the fake does not depend on case")
	require.Equal(t, fake, fakeCompanyID(fake), "a fake maps to itself")
}

func TestScrubberTokenEndpoint(t *testing.T) {
	t.Parallel()
	sc := newScrubber(nil, nil, false)
	u := sc.url("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token")
	require.Equal(t, "https://login.invalid/"+FakeTenantID+"/oauth2/v2.0/token", u)
	body, text, _ := sc.body([]byte("client_assertion=abc&client_assertion_type=urn%3Ajwt&client_id=my-app&client_secret=x%2By&grant_type=client_credentials&scope=s"),
		"application/x-www-form-urlencoded", false)
	require.True(t, text)
	require.Equal(t, "client_assertion=REDACTED&client_assertion_type=urn%3Ajwt&client_id="+FakeClientID+"&client_secret=REDACTED&grant_type=client_credentials&scope=s", string(body))
	body, _, _ = sc.body([]byte(`{"token_type":"Bearer","access_token":"opaque-token","refresh_token":"r","expires_in":3599}`), "application/json", false)
	require.Equal(t, `{"token_type":"Bearer","access_token":"REDACTED","refresh_token":"REDACTED","expires_in":3599}`, string(body))
	// The tenant learned from the token URL is scrubbed everywhere from then on.
	require.Equal(t, "tenant "+FakeTenantID, sc.text("tenant CONTOSO.com"))
	// Entra's error trace lines.
	require.Equal(t, `Trace ID: `+zeroCorrelationID+"\r\nCorrelation ID: "+zeroCorrelationID,
		sc.text("Trace ID: 0d7c3b1e-1111-4222-8333-444455556666\r\nCorrelation ID: 1d7c3b1e-1111-4222-8333-444455556666"))
	require.Empty(t, sc.leak([]byte(`{"ok":true}`)))
	require.Equal(t, "the tenant id", sc.leak([]byte("x contoso.com y")))
	require.Equal(t, "a JWT", sc.leak([]byte("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")))
}

func TestScrubberKeepsBinaryBodies(t *testing.T) {
	t.Parallel()
	sc := newScrubber([]string{"s3cret"}, []string{sessTenant}, false)
	pdf := append([]byte("%PDF-1.7\xff\xfe "+sessTenant+" "), []byte("s3cret")...)
	out, text, _ := sc.body(pdf, "application/pdf", false)
	require.False(t, text)
	require.Equal(t, append([]byte("%PDF-1.7\xff\xfe "+sessTenant+" "), []byte(Redacted)...), out)
}
