// Package entra is the fake BC's Microsoft Entra: the client-credentials
// token endpoint with Entra's error answers (AADSTS codes), JWT-shaped
// tokens signed per server, and BC's check of the bearer token against the
// app's setup (App). It is separate because it is its own service: the
// fake's core only asks Authenticate who is calling.
package entra

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/protocol"
)

// Issuer plays Microsoft Entra's token endpoint and BC's check of the
// bearer token. Tokens are JWT-shaped (the doctor reads their roles) and
// signed with a per-server key so forged ones are refused.
type Issuer struct {
	tenantID, clientID, secret string
	lifetime                   time.Duration
	key                        []byte
	meter                      Meter
	clock                      Clock

	mu     sync.RWMutex
	app    App
	issued []string
	// expiredThrough is the sequence number (claim uti) of the last token
	// ExpireTokens ended early.
	expiredThrough int
}

// App describes how the client app is set up on the Entra and BC side. The
// zero value is not useful; DefaultApp is a healthy setup, and tests switch
// one field off to play a setup mistake.
type App struct {
	// Roles are the application permissions granted with admin consent; they
	// appear in the token's roles claim. Without API.ReadWrite.All BC rejects
	// the token.
	Roles []string
	// Registered: the app is on BC's "Microsoft Entra Applications" page.
	Registered bool
	// Enabled: its State there is Enabled.
	Enabled bool
	// PermissionSets assigned to the app in BC. Without D365 AUTOMATION the
	// Automation API refuses it.
	PermissionSets []string
	// DeniedSets are entity sets the permission sets do not cover: reading
	// them fails with BC's "the current permissions prevented the action".
	DeniedSets []string
	// SecretExpired makes the token endpoint answer AADSTS7000222.
	SecretExpired bool
	// Disabled makes the token endpoint answer AADSTS7000112 (disabled in Entra).
	Disabled bool
}

// DefaultApp is a correctly set-up app: both roles consented, registered and
// enabled in BC with D365 AUTOMATION.
func DefaultApp() App {
	return App{
		Roles:          []string{"API.ReadWrite.All", "Automation.ReadWrite.All"},
		Registered:     true,
		Enabled:        true,
		PermissionSets: []string{"D365 AUTOMATION", "D365 BUS FULL ACCESS"},
	}
}

// Clock is the fake's time, which dates tokens and error answers.
type Clock interface{ Now() time.Time }

// Meter counts tokens, for the server's statistics.
type Meter interface {
	TokenIssued()
	TokenExpired() // a request refused for an expired token
}

// Credentials are what the token endpoint accepts.
type Credentials struct{ TenantID, ClientID, Secret string }

// New returns the issuer of a server: it accepts creds, issues tokens of
// lifetime and checks them against app.
func New(creds Credentials, lifetime time.Duration, app App, clock Clock, meter Meter) *Issuer {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &Issuer{tenantID: creds.TenantID, clientID: creds.ClientID, secret: creds.Secret, lifetime: lifetime, key: key, app: app, clock: clock, meter: meter}
}

// SetApp changes the app's setup.
func (ti *Issuer) SetApp(a App) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	ti.app = a
}

// App is the app's setup now.
func (ti *Issuer) App() App {
	ti.mu.RLock()
	defer ti.mu.RUnlock()
	return ti.app
}

// claims are the parts of an Entra access token the fake uses.
type claims struct {
	Aud   string   `json:"aud"`
	Iss   string   `json:"iss"`
	Tid   string   `json:"tid"`
	AppID string   `json:"appid"`
	Roles []string `json:"roles,omitempty"`
	Iat   int64    `json:"iat"`
	Nbf   int64    `json:"nbf"`
	Exp   int64    `json:"exp"`
	// Uti numbers the tokens in the order issued (Entra's is an opaque id).
	Uti int `json:"uti,string"`
}

// entraError writes Entra's error JSON for a token request.
func (ti *Issuer) entraError(w http.ResponseWriter, status int, oauthErr string, code int, desc string) {
	trace, corr := protocol.NewID(), protocol.NewID()
	now := ti.clock.Now().UTC().Format("2006-01-02 15:04:05Z")
	body := map[string]any{
		"error":             oauthErr,
		"error_description": fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", code, desc, trace, corr, now),
		"error_codes":       []int{code},
		"timestamp":         now,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", code),
	}
	// Entra separates the trace lines with CRLF.
	body["error_description"] = strings.Replace(strings.Replace(strings.Replace(body["error_description"].(string),
		" Trace ID:", "\r\nTrace ID:", 1), " Correlation ID:", "\r\nCorrelation ID:", 1), " Timestamp:", "\r\nTimestamp:", 1)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// ServeToken answers POST /{tenant}/oauth2/v2.0/token like Entra.
func (ti *Issuer) ServeToken(w http.ResponseWriter, r *http.Request, tenant string) {
	if r.Method != http.MethodPost {
		ti.entraError(w, http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts POST requests.")
		return
	}
	if err := r.ParseForm(); err != nil {
		ti.entraError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
		return
	}
	app := ti.App()
	f := r.PostForm
	clientID, secret := f.Get("client_id"), f.Get("client_secret")
	switch {
	case bc.ValidateTenantID(tenant) != nil:
		ti.entraError(w, http.StatusBadRequest, "invalid_request", 900023, fmt.Sprintf("Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", tenant))
	case !strings.EqualFold(tenant, ti.tenantID):
		ti.entraError(w, http.StatusBadRequest, "invalid_request", 90002, fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
	case f.Get("grant_type") != "client_credentials":
		ti.entraError(w, http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
	case !strings.EqualFold(clientID, ti.clientID):
		ti.entraError(w, http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.", clientID))
	case app.Disabled:
		ti.entraError(w, http.StatusBadRequest, "unauthorized_client", 7000112, fmt.Sprintf("Application '%s'(bctest) is disabled.", clientID))
	case secret == "":
		ti.entraError(w, http.StatusBadRequest, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	case app.SecretExpired && secret == ti.secret:
		ti.entraError(w, http.StatusUnauthorized, "invalid_client", 7000222, fmt.Sprintf("The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app.", clientID))
	case secret != ti.secret:
		ti.entraError(w, http.StatusUnauthorized, "invalid_client", 7000215, fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID))
	case !validScope(f.Get("scope")):
		ti.entraError(w, http.StatusBadRequest, "invalid_scope", 1002012, fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", f.Get("scope")))
	default:
		tok := ti.issue(app)
		ti.meter.TokenIssued()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		secs := int(ti.lifetime / time.Second)
		_ = json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": tok})
	}
}

func validScope(s string) bool {
	return s == bc.DefaultScope || s == "https://api.businesscentral.dynamics.com//.default"
}

func (ti *Issuer) issue(app App) string {
	now := ti.clock.Now()
	ti.mu.Lock()
	seq := len(ti.issued) + 1
	ti.issued = append(ti.issued, "") // reserved; filled in below
	ti.mu.Unlock()
	c := claims{Uti: seq,
		Aud: "https://api.businesscentral.dynamics.com", Iss: "https://sts.windows.net/" + ti.tenantID + "/",
		Tid: ti.tenantID, AppID: ti.clientID, Roles: app.Roles,
		Iat: now.Unix(), Nbf: now.Unix(), Exp: now.Add(ti.lifetime).Unix(),
	}
	header := b64(`{"alg":"HS256","typ":"JWT"}`)
	payload, _ := json.Marshal(c)
	unsigned := header + "." + b64(string(payload))
	tok := unsigned + "." + ti.sign(unsigned)
	ti.mu.Lock()
	ti.issued[seq-1] = tok
	ti.mu.Unlock()
	return tok
}

func (ti *Issuer) sign(s string) string {
	m := hmac.New(sha256.New, ti.key)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func invalidCredentials() *protocol.Error {
	return &protocol.Error{Status: http.StatusUnauthorized, Code: "Authentication_InvalidCredentials", Message: "The server has rejected the client credentials."}
}

// Authenticate checks the bearer token of a BC request and returns the
// principal (the app id) the limits apply to.
func (ti *Issuer) Authenticate(r *http.Request, tenant string) (string, *protocol.Error) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return "", invalidCredentials()
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || !hmac.Equal([]byte(parts[2]), []byte(ti.sign(parts[0]+"."+parts[1]))) {
		return "", invalidCredentials()
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c claims
	if err != nil || json.Unmarshal(raw, &c) != nil {
		return "", invalidCredentials()
	}
	ti.mu.RLock()
	ended := c.Uti <= ti.expiredThrough
	ti.mu.RUnlock()
	if ended || ti.clock.Now().Unix() >= c.Exp {
		ti.meter.TokenExpired()
		return "", &protocol.Error{Status: http.StatusUnauthorized, Code: "Authentication_InvalidCredentials", Message: "The access token has expired."}
	}
	if !strings.EqualFold(c.Tid, tenant) {
		return "", invalidCredentials()
	}
	app := ti.App()
	if !app.Registered || !app.Enabled || !slices.Contains(c.Roles, "API.ReadWrite.All") && !slices.Contains(c.Roles, "Automation.ReadWrite.All") {
		return "", invalidCredentials()
	}
	return c.AppID, nil
}

// ExpireAll ends every token issued so far, as if their lifetime had run out.
func (ti *Issuer) ExpireAll() {
	ti.mu.Lock()
	ti.expiredThrough = len(ti.issued)
	ti.mu.Unlock()
}

// Issued returns every token issued so far.
func (ti *Issuer) Issued() []string {
	ti.mu.RLock()
	defer ti.mu.RUnlock()
	var out []string
	for _, tok := range ti.issued {
		if tok != "" { // "" is a token being issued right now
			out = append(out, tok)
		}
	}
	return out
}
