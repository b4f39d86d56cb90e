package bc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// DefaultScope is the OAuth scope of the Business Central API for the
// client-credentials grant.
const DefaultScope = "https://api.businesscentral.dynamics.com/.default"

// DefaultTokenURL is Entra's token endpoint; {tenant} is replaced by the tenant ID.
const DefaultTokenURL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"

// defaultEarlyRefresh renews tokens this long before they expire, so a token
// never expires during a long page download.
const defaultEarlyRefresh = 5 * time.Minute

// DefaultTokenTimeout bounds one token request, answer included, when
// neither WithTokenTimeout nor the WithTokenHTTPClient client sets a timeout.
// Entra answers in well under a second; without a bound, an endpoint that
// accepts the connection and never answers would hold every request that
// waits for the token, for as long as the caller's context allows.
const DefaultTokenTimeout = 30 * time.Second

// CredentialOption configures ClientCredentials.
type CredentialOption func(*credentialConfig)

type credentialConfig struct {
	tokenURL     string
	scopes       []string
	httpClient   *http.Client
	timeout      time.Duration // 0: the client's own, else DefaultTokenTimeout
	earlyRefresh time.Duration
}

// WithTokenURL overrides the token endpoint, e.g. for sovereign clouds or a
// test server. "{tenant}" in the URL is replaced by the tenant ID.
func WithTokenURL(u string) CredentialOption {
	return func(c *credentialConfig) { c.tokenURL = u }
}

// WithScopes overrides the scopes asked for (default DefaultScope), e.g. for
// an on-premises server with its own audience.
func WithScopes(scopes ...string) CredentialOption {
	return func(c *credentialConfig) { c.scopes = scopes }
}

// WithTokenHTTPClient sets the HTTP client used to reach the token endpoint.
func WithTokenHTTPClient(hc *http.Client) CredentialOption {
	return func(c *credentialConfig) { c.httpClient = hc }
}

// WithTokenTimeout bounds each token request, answer included (default: the
// WithTokenHTTPClient client's Timeout if it has one, else
// DefaultTokenTimeout). A request past it fails as ProblemUnreachable.
func WithTokenTimeout(d time.Duration) CredentialOption {
	return func(c *credentialConfig) { c.timeout = d }
}

// WithEarlyRefresh sets how long before expiry a cached token is renewed
// (default 5 minutes).
func WithEarlyRefresh(d time.Duration) CredentialOption {
	return func(c *credentialConfig) { c.earlyRefresh = d }
}

// ClientCredentials returns a token source for Entra's client-credentials grant
// with the three values a BC admin hands over: the tenant ID, the app's client
// ID and a client secret. Tokens are cached and renewed before they expire, one
// renewal at a time however many goroutines ask. Failures are *AuthError values
// that name the value or setup step to fix. The secret never appears in errors
// or logs.
//
// Inputs are checked when a token is first requested, so that the function can
// be used in expressions; ValidateTenantID and ValidateClientID check them eagerly.
func ClientCredentials(tenantID, clientID, clientSecret string, opts ...CredentialOption) oauth2.TokenSource {
	cfg := credentialConfig{tokenURL: DefaultTokenURL, scopes: []string{DefaultScope}, earlyRefresh: defaultEarlyRefresh}
	for _, o := range opts {
		o(&cfg)
	}
	src := &credentialSource{
		tenantID: tenantID,
		clientID: clientID,
		http:     tokenHTTPClient(cfg.httpClient),
		timeout:  tokenTimeout(cfg.timeout, cfg.httpClient),
		conf: clientcredentials.Config{
			ClientID:     clientID,
			ClientSecret: clientSecret,
			TokenURL:     strings.ReplaceAll(cfg.tokenURL, "{tenant}", url.PathEscape(tenantID)),
			Scopes:       cfg.scopes,
			AuthStyle:    oauth2.AuthStyleInParams,
		},
	}
	src.invalid = validateCredentials(tenantID, clientID, clientSecret, cfg.tokenURL)
	if cfg.timeout < 0 {
		src.invalid = &AuthError{Problem: ProblemUnknown, Description: fmt.Sprintf("WithTokenTimeout(%s): must be positive", cfg.timeout)}
	}
	return newTokenCache(src, cfg.earlyRefresh)
}

func validateCredentials(tenantID, clientID, secret, tokenURL string) error {
	if err := ValidateTenantID(tenantID); err != nil {
		return &AuthError{Problem: ProblemMalformedTenant, Description: err.Error()}
	}
	if err := ValidateClientID(clientID); err != nil {
		return &AuthError{Problem: ProblemMalformedClient, Description: err.Error()}
	}
	if strings.TrimSpace(secret) == "" {
		return &AuthError{Problem: ProblemMissingSecret, Description: "the client secret is empty"}
	}
	if err := ValidateTokenURL(tokenURL); err != nil {
		return &AuthError{Problem: ProblemNoTokenEndpoint, Description: err.Error()}
	}
	return nil
}

// ValidateTenantID accepts an Entra tenant ID (a GUID) or a verified domain
// such as contoso.onmicrosoft.com.
func ValidateTenantID(s string) error {
	switch {
	case s == "":
		return errors.New("the tenant ID is empty: give the Directory (tenant) ID from the app's overview page in Entra")
	case IsGUID(s):
		return nil
	case isDomain(s):
		return nil
	}
	return fmt.Errorf("the tenant ID %q is neither a GUID (8-4-4-4-12 hex digits) nor a domain name such as contoso.onmicrosoft.com", truncate(s, 60))
}

// ValidateClientID accepts an Entra application (client) ID, which is a GUID.
func ValidateClientID(s string) error {
	if s == "" {
		return errors.New("the client ID is empty: give the Application (client) ID from the app's overview page in Entra")
	}
	if !IsGUID(s) {
		return fmt.Errorf("the client ID %q is not a GUID (8-4-4-4-12 hex digits): give the Application (client) ID, not the app's name or the secret ID", truncate(s, 60))
	}
	return nil
}

// IsGUID reports whether s is a GUID in BC's 8-4-4-4-12 form.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func isDomain(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// credentialSource fetches a new token on every call; tokenCache caches it.
type credentialSource struct {
	tenantID, clientID string
	conf               clientcredentials.Config
	http               *http.Client // never follows redirects
	timeout            time.Duration
	invalid            error
}

// String never shows the secret, so printing the source with %v or %+v is safe.
func (s *credentialSource) String() string {
	return fmt.Sprintf("ClientCredentials(tenant=%s, client=%s, secret=redacted)", s.tenantID, s.clientID)
}

// GoString is String, for %#v.
func (s *credentialSource) GoString() string { return s.String() }

func (s *credentialSource) fetch(ctx context.Context) (*oauth2.Token, error) {
	if s.invalid != nil {
		return nil, s.invalid
	}
	attempt, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, s.http), s.timeout)
	defer cancel()
	tok, err := s.conf.Token(attempt)
	if err != nil && ctx.Err() == nil && attempt.Err() != nil {
		// oauth2 keeps only the text of the failure: tell the timeout from
		// here, where it is known.
		return nil, &AuthError{Problem: ProblemUnreachable, Err: err,
			Description: fmt.Sprintf("%s did not answer within %s (WithTokenTimeout)", hostOf(s.conf.TokenURL), s.timeout)}
	}
	if err != nil {
		return nil, tokenError(err, s.conf.TokenURL, s.conf.ClientSecret)
	}
	return tok, nil
}

// tokenCache caches a token and renews it early, one fetch at a time. It also
// adapts any oauth2.TokenSource given with WithTokenSource.
type tokenCache struct {
	fetch        func(context.Context) (*oauth2.Token, error)
	earlyRefresh time.Duration
	now          func() time.Time

	mu       sync.Mutex
	tok      *oauth2.Token
	margin   time.Duration // renew this long before tok expires
	fetches  int
	describe string
}

func newTokenCache(src *credentialSource, early time.Duration) *tokenCache {
	return &tokenCache{fetch: src.fetch, earlyRefresh: early, now: time.Now, describe: src.String()}
}

func wrapTokenSource(ts oauth2.TokenSource) *tokenCache {
	if tc, ok := ts.(*tokenCache); ok {
		return tc
	}
	return &tokenCache{
		fetch:        func(context.Context) (*oauth2.Token, error) { return ts.Token() },
		earlyRefresh: time.Minute,
		now:          time.Now,
		describe:     "token source",
	}
}

// Token implements oauth2.TokenSource.
func (c *tokenCache) Token() (*oauth2.Token, error) { return c.token(context.Background()) }

// String never shows a token or a secret.
func (c *tokenCache) String() string { return c.describe }

func (c *tokenCache) token(ctx context.Context) (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && c.fresh(c.tok) {
		return c.tok, nil
	}
	return c.fetchLocked(ctx)
}

// renew returns a token other than bad, which BC refused: the cached one if
// another request has renewed it already (fetched false), else a new one.
func (c *tokenCache) renew(ctx context.Context, bad *oauth2.Token) (tok *oauth2.Token, fetched bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && c.tok.AccessToken != bad.AccessToken && c.fresh(c.tok) {
		return c.tok, false, nil
	}
	c.tok = nil
	tok, err = c.fetchLocked(ctx)
	return tok, err == nil, err
}

func (c *tokenCache) fetchLocked(ctx context.Context) (*oauth2.Token, error) {
	tok, err := c.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("bc: the token source returned an empty token")
	}
	c.tok = tok
	c.fetches++
	// Renew early, but never so early that a short-lived token (a test
	// tenant's, a proxy's) is renewed on every call: at most a quarter of
	// its life before it ends.
	c.margin = c.earlyRefresh
	if life := tok.Expiry.Sub(c.now()); !tok.Expiry.IsZero() && life/4 < c.margin {
		c.margin = max(life/4, 0)
	}
	return tok, nil
}

func (c *tokenCache) fresh(t *oauth2.Token) bool {
	return t.Expiry.IsZero() || c.now().Add(c.margin).Before(t.Expiry)
}
