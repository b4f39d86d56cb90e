package entra

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/stretchr/testify/require"
)

const (
	tenantID = "11111111-1111-1111-1111-111111111111"
	clientID = "22222222-2222-2222-2222-222222222222"
	secret   = "s3cret-value"
	other    = "99999999-9999-9999-9999-999999999999"
)

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

type countingMeter struct{ issued, expired int }

func (m *countingMeter) TokenIssued()  { m.issued++ }
func (m *countingMeter) TokenExpired() { m.expired++ }

func newIssuer(app App) (*Issuer, *fakeClock, *countingMeter) {
	clk := &fakeClock{now: time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)}
	m := &countingMeter{}
	return New(Credentials{TenantID: tenantID, ClientID: clientID, Secret: secret}, time.Hour, app, clk, m), clk, m
}

func form(client, sec string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {sec}, "scope": {bc.DefaultScope}}
}

func token(ti *Issuer, tenant string, f url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/"+url.PathEscape(tenant)+"/oauth2/v2.0/token", strings.NewReader(f.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	ti.ServeToken(w, r, tenant)
	return w
}

func TestServeTokenRefusesLikeEntra(t *testing.T) {
	t.Parallel()
	with := func(k, v string) url.Values {
		f := form(clientID, secret)
		f.Set(k, v)
		return f
	}
	for _, tc := range []struct {
		name     string
		tenant   string
		form     url.Values
		app      func(*App)
		status   int
		oauthErr string
		code     int
		desc     string
	}{
		{"tenant not a GUID or domain", "not a tenant", form(clientID, secret), nil, 400, "invalid_request", 900023,
			"Specified tenant identifier 'not a tenant' is neither a valid DNS name, nor a valid external domain."},
		{"unknown tenant", other, form(clientID, secret), nil, 400, "invalid_request", 90002,
			"Tenant '" + other + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."},
		{"wrong grant", tenantID, with("grant_type", "password"), nil, 400, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type."},
		{"unknown client", tenantID, form(other, secret), nil, 400, "unauthorized_client", 700016,
			"Application with identifier '" + other + "' was not found in the directory 'Contoso'."},
		{"disabled in Entra", tenantID, form(clientID, secret), func(a *App) { a.Disabled = true }, 400, "unauthorized_client", 7000112,
			"Application '" + clientID + "'(bctest) is disabled."},
		{"no secret", tenantID, form(clientID, ""), nil, 400, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'."},
		{"expired secret", tenantID, form(clientID, secret), func(a *App) { a.SecretExpired = true }, 401, "invalid_client", 7000222,
			"The provided client secret keys for app '" + clientID + "' are expired."},
		{"wrong secret", tenantID, form(clientID, "wrong"), nil, 401, "invalid_client", 7000215,
			"Invalid client secret provided."},
		{"scope without /.default", tenantID, with("scope", "https://api.businesscentral.dynamics.com"), nil, 400, "invalid_scope", 1002012,
			"The provided value for scope https://api.businesscentral.dynamics.com is not valid."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := DefaultApp()
			if tc.app != nil {
				tc.app(&app)
			}
			ti, _, m := newIssuer(app)
			w := token(ti, tc.tenant, tc.form)
			require.Equal(t, tc.status, w.Code)
			require.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
				Codes       []int  `json:"error_codes"`
				Timestamp   string `json:"timestamp"`
				TraceID     string `json:"trace_id"`
				URI         string `json:"error_uri"`
			}
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
			require.Equal(t, tc.oauthErr, body.Error)
			require.Equal(t, []int{tc.code}, body.Codes)
			first, _, _ := strings.Cut(body.Description, "\r\n")
			require.True(t, strings.HasPrefix(first, "AADSTS"+itoa(tc.code)+": "+tc.desc), first)
			require.Contains(t, body.Description, "\r\nTrace ID: "+body.TraceID+"\r\nCorrelation ID: ")
			require.True(t, strings.HasSuffix(body.Description, "\r\nTimestamp: 2026-12-08 01:00:00Z"), body.Description)
			require.Equal(t, "2026-12-08 01:00:00Z", body.Timestamp)
			require.Equal(t, "https://login.microsoftonline.com/error?code="+itoa(tc.code), body.URI)
			require.Zero(t, m.issued)
			require.Empty(t, ti.Issued())
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestServeTokenOnlyAcceptsPost(t *testing.T) {
	t.Parallel()
	ti, _, _ := newIssuer(DefaultApp())
	w := httptest.NewRecorder()
	ti.ServeToken(w, httptest.NewRequest(http.MethodGet, "/"+tenantID+"/oauth2/v2.0/token", nil), tenantID)
	require.Equal(t, http.StatusMethodNotAllowed, w.Code)
	require.Contains(t, w.Body.String(), `"error_codes":[900561]`)
}

func issue(t *testing.T, ti *Issuer) (string, map[string]any) {
	t.Helper()
	w := token(ti, tenantID, form(clientID, secret))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var body map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
	return body["access_token"].(string), body
}

func bearer(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/v2.0/"+tenantID+"/production/api/v2.0/companies", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func TestIssuedTokensAuthenticateUntilTheyExpire(t *testing.T) {
	t.Parallel()
	ti, clk, m := newIssuer(DefaultApp())
	tok, body := issue(t, ti)
	require.Equal(t, "Bearer", body["token_type"])
	require.Equal(t, 3600.0, body["expires_in"])
	require.Equal(t, 3600.0, body["ext_expires_in"])
	require.Equal(t, 1, m.issued)
	require.Equal(t, []string{tok}, ti.Issued())

	// The tenant id is matched without regard to case, like Entra's.
	p, aerr := ti.Authenticate(bearer(tok), strings.ToUpper(tenantID))
	require.Nil(t, aerr)
	require.Equal(t, clientID, p)

	clk.now = clk.now.Add(time.Hour - time.Second)
	_, aerr = ti.Authenticate(bearer(tok), tenantID)
	require.Nil(t, aerr, "valid up to its last second")
	clk.now = clk.now.Add(time.Second)
	_, aerr = ti.Authenticate(bearer(tok), tenantID)
	require.NotNil(t, aerr)
	require.Equal(t, 401, aerr.Status)
	require.Equal(t, "Authentication_InvalidCredentials", aerr.Code)
	require.Equal(t, "The access token has expired.", aerr.Message)
	require.Equal(t, 1, m.expired)
}

func TestExpireAllEndsOnlyTokensIssuedSoFar(t *testing.T) {
	t.Parallel()
	ti, _, m := newIssuer(DefaultApp())
	old, _ := issue(t, ti)
	ti.ExpireAll()
	fresh, _ := issue(t, ti)
	_, aerr := ti.Authenticate(bearer(old), tenantID)
	require.Equal(t, "The access token has expired.", aerr.Message)
	_, aerr = ti.Authenticate(bearer(fresh), tenantID)
	require.Nil(t, aerr)
	require.Equal(t, 1, m.expired)
}

func TestAuthenticateRefusesForgedAndMisconfigured(t *testing.T) {
	t.Parallel()
	ti, _, _ := newIssuer(DefaultApp())
	tok, _ := issue(t, ti)
	otherIssuer, _, _ := newIssuer(DefaultApp())
	foreign, _ := issue(t, otherIssuer)
	head, rest, _ := strings.Cut(tok, ".")
	_, sig, _ := strings.Cut(rest, ".")
	tampered := head + "." + b64(`{"tid":"`+tenantID+`","appid":"x","roles":["API.ReadWrite.All"],"exp":9999999999}`) + "." + sig

	refused := func(t *testing.T, r *http.Request, tenant string) {
		t.Helper()
		p, aerr := ti.Authenticate(r, tenant)
		require.Empty(t, p)
		require.NotNil(t, aerr)
		require.Equal(t, 401, aerr.Status)
		require.Equal(t, "Authentication_InvalidCredentials", aerr.Code)
		require.Equal(t, "The server has rejected the client credentials.", aerr.Message)
	}
	noHeader := bearer(tok)
	noHeader.Header.Del("Authorization")
	refused(t, noHeader, tenantID)
	refused(t, bearer("not-a-jwt"), tenantID)
	refused(t, bearer(foreign), tenantID)
	refused(t, bearer(tampered), tenantID)
	refused(t, bearer(tok), other)

	for name, off := range map[string]func(*App){
		"not registered in BC": func(a *App) { a.Registered = false },
		"disabled in BC":       func(a *App) { a.Enabled = false },
	} {
		t.Run(name, func(t *testing.T) {
			app := DefaultApp()
			off(&app)
			ti.SetApp(app)
			defer ti.SetApp(DefaultApp())
			refused(t, bearer(tok), tenantID)
		})
	}

	// A token minted without either API role is refused; one with only the
	// Automation role is accepted.
	for _, tc := range []struct {
		roles []string
		ok    bool
	}{{nil, false}, {[]string{"Automation.ReadWrite.All"}, true}, {[]string{"API.ReadWrite.All"}, true}} {
		app := DefaultApp()
		app.Roles = tc.roles
		ti2, _, _ := newIssuer(app)
		tok2, _ := issue(t, ti2)
		_, aerr := ti2.Authenticate(bearer(tok2), tenantID)
		require.Equal(t, tc.ok, aerr == nil, "roles %v", tc.roles)
	}
}
