package bc

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// DefaultBaseURL is BC online's API host; the client appends /{tenant}/{environment}.
const DefaultBaseURL = "https://api.businesscentral.dynamics.com/v2.0"

// DefaultMaxConcurrency is BC online's per-principal limit of requests processed
// at once; more are queued by BC and past 100 answered with 429.
const DefaultMaxConcurrency = 5

// Version is the SDK version sent in the User-Agent.
const Version = "0.1.0"

const defaultUserAgent = "bcsdk-go/" + Version + " (+https://github.com/bcsdk/bc)"

// Client talks to one Business Central environment. It is safe for concurrent
// use; all its requests share one concurrency gate, one retry policy and one
// token cache. Create it with NewClient.
type Client struct {
	tenantID, environment string
	root                  *url.URL // service root: {base}/{tenant}/{environment}
	http                  *http.Client
	tokens                *tokenCache
	userAgent             string
	logger                *slog.Logger
	retry                 RetryPolicy
	readOnlyIntent        bool
	gate                  *gate
	stats                 *counters
	maxValueSize          int
	maxResponseSize       int64
}

// Option configures a Client. Options are applied in order; a failing option
// makes NewClient return its error.
type Option func(*clientConfig) error

type clientConfig struct {
	tokens          oauth2.TokenSource
	noAuth          bool
	httpClient      *http.Client
	baseURL         string
	serviceRoot     string
	userAgent       string
	logger          *slog.Logger
	maxConcurrency  int
	retry           RetryPolicy
	readOnlyIntent  bool
	budgetLimit     int
	budgetWindow    time.Duration
	headerTimeout   time.Duration
	idleTimeout     time.Duration
	maxValueSize    int
	maxResponseSize int64
}

// WithTokenSource sets the credentials: bc.ClientCredentials(…) or any
// oauth2.TokenSource. Tokens are cached by the client; a 401 from BC forces a
// refresh and a retry, at most twice (see authTransport).
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *clientConfig) error {
		if ts == nil {
			return errors.New("bc: WithTokenSource(nil)")
		}
		c.tokens = ts
		return nil
	}
}

// WithoutAuth sends requests without a bearer token, for servers that
// authenticate otherwise (an on-premises server behind a gateway, a
// transport that adds credentials itself).
func WithoutAuth() Option {
	return func(c *clientConfig) error { c.noAuth = true; return nil }
}

// WithHTTPClient sets the HTTP client. Its transport is wrapped (concurrency
// gate, auth), never replaced; its timeout, cookie jar and redirect policy are kept.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *clientConfig) error {
		if hc == nil {
			return errors.New("bc: WithHTTPClient(nil)")
		}
		c.httpClient = hc
		return nil
	}
}

// WithBaseURL sets the API host for BC online-style routing (default
// DefaultBaseURL); the client appends /{tenant}/{environment}. Use it for
// other clouds and test servers.
func WithBaseURL(u string) Option {
	return func(c *clientConfig) error {
		if _, err := parseRootURL(u); err != nil {
			return fmt.Errorf("bc: WithBaseURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithServiceRoot sets the complete URL under which /api/… lives, with no
// tenant or environment appended: for on-premises servers, e.g.
// https://bc.contoso.com:7048/BC.
func WithServiceRoot(u string) Option {
	return func(c *clientConfig) error {
		if _, err := parseRootURL(u); err != nil {
			return fmt.Errorf("bc: WithServiceRoot: %w", err)
		}
		c.serviceRoot = u
		return nil
	}
}

// WithUserAgent puts a product token in front of the SDK's User-Agent, so BC's
// telemetry can tell the calling application apart.
func WithUserAgent(product string) Option {
	return func(c *clientConfig) error {
		if strings.ContainsAny(product, "\r\n") {
			return errors.New("bc: WithUserAgent: the product token must be one line")
		}
		c.userAgent = strings.TrimSpace(product)
		return nil
	}
}

// WithLogger sets the logger for request, retry and token events (default:
// discard). Tokens, secrets and request bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *clientConfig) error {
		if l == nil {
			return errors.New("bc: WithLogger(nil)")
		}
		c.logger = l
		return nil
	}
}

// WithMaxConcurrency sets how many requests the client keeps in flight at
// once (default 5, BC's per-principal limit). Every request of the client,
// from every goroutine, shares this gate.
func WithMaxConcurrency(n int) Option {
	return func(c *clientConfig) error {
		if n < 1 {
			return fmt.Errorf("bc: WithMaxConcurrency(%d): must be at least 1", n)
		}
		c.maxConcurrency = n
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *clientConfig) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithReadOnlyIntent sets whether GET requests carry
// "Data-Access-Intent: ReadOnly" (default true), which lets BC serve reads from
// a read-only replica and spares the primary database. Turn it off when a read
// must see a write made just before it.
func WithReadOnlyIntent(on bool) Option {
	return func(c *clientConfig) error { c.readOnlyIntent = on; return nil }
}

// WithRequestBudget limits attempts to limit per sliding window (BC online
// allows 6,000 per principal per 5 minutes), so a long job slows down instead
// of being answered with 429.
func WithRequestBudget(limit int, window time.Duration) Option {
	return func(c *clientConfig) error {
		if limit < 1 || window <= 0 {
			return fmt.Errorf("bc: WithRequestBudget(%d, %s): limit and window must be positive", limit, window)
		}
		c.budgetLimit, c.budgetWindow = limit, window
		return nil
	}
}

// WithResponseHeaderTimeout sets how long each attempt waits for the response
// headers after sending the request (default DefaultResponseHeaderTimeout,
// 11 minutes: longer than BC's own 10-minute limit). An attempt that times out
// fails with a *StallError, retried for GET and HEAD only.
func WithResponseHeaderTimeout(d time.Duration) Option {
	return func(c *clientConfig) error {
		if d <= 0 {
			return fmt.Errorf("bc: WithResponseHeaderTimeout(%s): must be positive", d)
		}
		c.headerTimeout = d
		return nil
	}
}

// WithIdleReadTimeout sets how long a read of a response body may wait for its
// next byte (default DefaultIdleReadTimeout, 2 minutes). A body that stalls
// fails with a *StallError; a page read by the client is then retried for GET
// and HEAD only.
func WithIdleReadTimeout(d time.Duration) Option {
	return func(c *clientConfig) error {
		if d <= 0 {
			return fmt.Errorf("bc: WithIdleReadTimeout(%s): must be positive", d)
		}
		c.idleTimeout = d
		return nil
	}
}

// NewClient returns a client for one environment ("Production", "Sandbox", …)
// of one tenant. It performs no I/O.
func NewClient(tenantID, environment string, opts ...Option) (*Client, error) {
	cfg := clientConfig{
		baseURL:         DefaultBaseURL,
		maxConcurrency:  DefaultMaxConcurrency,
		retry:           DefaultRetryPolicy(),
		readOnlyIntent:  true,
		headerTimeout:   DefaultResponseHeaderTimeout,
		idleTimeout:     DefaultIdleReadTimeout,
		logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		maxValueSize:    DefaultMaxValueSize,
		maxResponseSize: DefaultMaxResponseSize,
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	var root *url.URL
	if cfg.serviceRoot != "" {
		root, _ = parseRootURL(cfg.serviceRoot)
	} else {
		if err := ValidateTenantID(tenantID); err != nil {
			return nil, fmt.Errorf("bc: %w", err)
		}
		if err := validateEnvironment(environment); err != nil {
			return nil, err
		}
		root, _ = parseRootURL(cfg.baseURL)
		root = root.JoinPath(tenantID, environment)
	}
	if cfg.tokens == nil && !cfg.noAuth {
		return nil, errNoTokenSource
	}

	c := &Client{
		tenantID:        tenantID,
		environment:     environment,
		root:            root,
		logger:          cfg.logger,
		retry:           cfg.retry,
		readOnlyIntent:  cfg.readOnlyIntent,
		gate:            newGate(cfg.maxConcurrency),
		stats:           &counters{},
		userAgent:       defaultUserAgent,
		maxValueSize:    cfg.maxValueSize,
		maxResponseSize: cfg.maxResponseSize,
	}
	if cfg.userAgent != "" {
		c.userAgent = cfg.userAgent + " " + defaultUserAgent
	}
	base := http.DefaultTransport
	hc := &http.Client{}
	if cfg.httpClient != nil {
		*hc = *cfg.httpClient
		if hc.Transport != nil {
			base = hc.Transport
		}
	}
	base = &stallTransport{base: base, header: cfg.headerTimeout, idle: cfg.idleTimeout}
	var rt http.RoundTripper = &limitTransport{base: base, gate: c.gate, stats: c.stats}
	if cfg.budgetLimit > 0 {
		rt.(*limitTransport).budget = newBudget(cfg.budgetLimit, cfg.budgetWindow)
	}
	if !cfg.noAuth {
		c.tokens = wrapTokenSource(cfg.tokens)
		rt = &authTransport{base: rt, tokens: c.tokens, host: root.Host, stats: c.stats}
	}
	hc.Transport = rt
	c.http = hc
	return c, nil
}

func parseRootURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	switch {
	case err != nil:
		return nil, err
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%q: the scheme must be https (or http for a local test server)", s)
	case u.Host == "":
		return nil, fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return nil, fmt.Errorf("%q must not carry credentials", redactURL(s))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q must not have a query or fragment", s)
	}
	return u, nil
}

func validateEnvironment(env string) error {
	if env == "" {
		return errors.New(`bc: the environment name is empty: give the name shown in the BC admin center, e.g. "Production"`)
	}
	for _, r := range env {
		if !(r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') || len(env) > 50 {
			return fmt.Errorf("bc: the environment name %q is not valid: use letters, digits, '-' and '_' as in the BC admin center", truncate(env, 60))
		}
	}
	return nil
}

// TenantID returns the tenant the client was created for.
func (c *Client) TenantID() string { return c.tenantID }

// Environment returns the environment name the client was created for.
func (c *Client) Environment() string { return c.environment }

// ServiceRoot returns the URL under which the /api/… routes live.
func (c *Client) ServiceRoot() string { return c.root.String() }

// Logger returns the client's logger.
func (c *Client) Logger() *slog.Logger { return c.logger }

// Token returns the client's current bearer token, fetching one if needed. It
// is meant for tools that inspect the token (e.g. its roles); never log it.
func (c *Client) Token() (*oauth2.Token, error) {
	if c.tokens == nil {
		return nil, errors.New("bc: the client has no token source")
	}
	return c.tokens.Token()
}

// Stats returns running totals of the client's requests.
func (c *Client) Stats() Stats {
	return Stats{
		Requests:        c.stats.requests.Load(),
		Attempts:        c.stats.attempts.Load(),
		Retries:         c.stats.retries.Load(),
		Throttled:       c.stats.throttled.Load(),
		ServerErrors:    c.stats.serverErrors.Load(),
		TransportErrors: c.stats.transportErrors.Load(),
		ForcedRefreshes: c.stats.forcedRefreshes.Load(),
		MaxInFlight:     c.gate.maxInFlight(),
	}
}

// redactURL drops user info and the values of query parameters that could
// carry credentials from a URL before it is logged or put in an error.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			switch strings.ToLower(k) {
			case "access_token", "client_secret", "code", "sig", "signature", "token", "validationtoken":
				q[k] = []string{"redacted"}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}
