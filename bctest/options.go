package bctest

import (
	"time"

	"github.com/bcsdk/bc/schema"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	tenantID, clientID, secret, environment string
	app                                     App
	tokenLifetime                           time.Duration
	demo                                    *DemoConfig
	limits                                  Limits
	model                                   ServiceModel
	faults                                  Faults
	churn                                   Churn
	customAPIs                              []customAPI
	seed                                    uint64
	webhooks                                Webhooks
	clock                                   Clock
}

type customAPI struct {
	path string
	svc  *schema.Service
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

// Limits are BC's per-principal request limits. The zero value means no
// limits; DefaultLimits are BC online's.
type Limits struct {
	// Concurrency is how many requests are processed at once (BC: 5).
	Concurrency int
	// Queue is how many more may wait for a slot before 429 (BC: 95).
	Queue int
	// Budget is how many requests fit in Window before 429 (BC: 6,000 per 5 minutes).
	Budget int
	Window time.Duration
	// RetryAfter is sent with limit 429s when positive.
	RetryAfter time.Duration
}

// DefaultLimits are BC online's documented per-user limits.
func DefaultLimits() Limits {
	return Limits{Concurrency: 5, Queue: 95, Budget: 6000, Window: 5 * time.Minute}
}

// ServiceModel is how long the fake takes to serve a request: a fixed cost
// per request plus the time to stream the body at a per-call transfer rate.
// BC documents about 2 MB/s per call; the base cost covers query planning
// and the network round trip. Scale multiplies every duration, so
// benchmarks can run a full model in seconds (Scale 0.01) or at real speed
// (Scale 1). The zero value serves as fast as it can.
type ServiceModel struct {
	Base           time.Duration
	BytesPerSecond float64
	Scale          float64
}

// RealBC is the model at BC online's published rates: 2 MB/s per call and
// 100 ms per request.
func RealBC() ServiceModel {
	return ServiceModel{Base: 100 * time.Millisecond, BytesPerSecond: 2e6, Scale: 1}
}

func (m ServiceModel) enabled() bool { return m.Scale > 0 && (m.Base > 0 || m.BytesPerSecond > 0) }

// serviceTime is the modelled time of a response of n bytes, before scaling.
func (m ServiceModel) serviceTime(n int) time.Duration {
	d := m.Base
	if m.BytesPerSecond > 0 {
		d += time.Duration(float64(n) / m.BytesPerSecond * float64(time.Second))
	}
	return d
}

// Faults injects failures at the given rates (0..1), decided by a seeded
// random source so a run can be repeated. Writes answered with 429 or 503
// are not executed, as in BC; a 504 for a write is sent after executing it,
// the ambiguous case a client must not retry.
type Faults struct {
	Seed uint64
	// Throttle answers 429 with Retry-After; ThrottleBare without it.
	Throttle, ThrottleBare float64
	// Unavailable answers 503 (with Retry-After, as BC documents).
	Unavailable float64
	// GatewayTimeout answers 504.
	GatewayTimeout float64
	// Reset drops the connection after part of a 200 body.
	Reset float64
	// Truncate ends a 200 body early as if it were complete.
	Truncate float64
	// RetryAfter is the Retry-After sent with injected 429 and 503 faults, in
	// whole seconds rounded down (default 1 s, scaled by the service model's
	// Scale when one is set); a sub-second value sends "Retry-After: 0".
	RetryAfter time.Duration
	// OnlyPaths limits faults to requests whose path contains one of these
	// (EmptyListings too).
	OnlyPaths []string
	// LoopNextLink gives the last page of every listing a nextLink back to
	// its first page (the request without $skiptoken): a client that follows
	// nextLinks blindly reads the collection forever.
	LoopNextLink bool
	// EmptyNextLinks gives the last page of every listing a nextLink to an
	// empty page, which links to another empty page with a new $skiptoken,
	// without end.
	EmptyNextLinks bool
	// IgnorePageSize serves pages of BC's largest size, 20,000 rows,
	// whatever odata.maxpagesize asks: a client must refuse a page with
	// more rows than it asked for.
	IgnorePageSize bool
	// EmptyListings answers the next EmptyListings pages of collections
	// with `{"value":[]}` and no nextLink, a glitch that makes a listing
	// look complete while it lacks rows; each page answered so counts one.
	EmptyListings int
}

// Churn changes data while clients page through it: after every Every-th page
// served for a set in Sets, it inserts, updates and deletes rows of that set.
type Churn struct {
	Every                     int
	Inserts, Updates, Deletes int
	Sets                      []string
}

// WithCredentials sets the tenant, client id and secret the fake accepts
// (defaults: TenantID, ClientID, ClientSecret).
func WithCredentials(tenantID, clientID, secret string) Option {
	return func(c *config) { c.tenantID, c.clientID, c.secret = tenantID, clientID, secret }
}

// WithEnvironment sets the environment name (default "Production").
func WithEnvironment(name string) Option { return func(c *config) { c.environment = name } }

// WithApp sets how the app is set up (default DefaultApp()).
func WithApp(a App) Option { return func(c *config) { c.app = a } }

// WithTokenLifetime sets how long issued tokens live (default 1 hour), so
// tests can make them expire mid-run.
func WithTokenLifetime(d time.Duration) Option { return func(c *config) { c.tokenLifetime = d } }

// WithDemo fills the tenant with the deterministic demo data (the default
// is DefaultDemo()).
func WithDemo(d DemoConfig) Option { return func(c *config) { c.demo = &d } }

// WithEmptyTenant starts without companies or data; add them through
// Server.Tenant().
func WithEmptyTenant() Option { return func(c *config) { c.demo = nil } }

// WithLimits sets the request limits (default DefaultLimits()).
func WithLimits(l Limits) Option { return func(c *config) { c.limits = l } }

// WithServiceModel sets the service-time model (default: none).
func WithServiceModel(m ServiceModel) Option { return func(c *config) { c.model = m } }

// WithFaults injects faults from the start; Server.SetFaults changes them later.
func WithFaults(f Faults) Option { return func(c *config) { c.faults = f } }

// WithChurn changes data while clients page.
func WithChurn(ch Churn) Option { return func(c *config) { c.churn = ch } }

// WithCustomAPI serves a custom API route (/api/{publisher}/{group}/{version})
// described by svc; every company gets empty tables for its sets.
func WithCustomAPI(publisher, group, version string, svc *schema.Service) Option {
	return func(c *config) {
		c.customAPIs = append(c.customAPIs, customAPI{path: "api/" + publisher + "/" + group + "/" + version, svc: svc})
	}
}

// WithSeed seeds the ids the fake generates for new rows (default 1).
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithWebhooks sets the timings and limits of webhook subscriptions (default
// DefaultWebhooks(), BC online's); zero fields keep BC's values.
func WithWebhooks(w Webhooks) Option { return func(c *config) { c.webhooks = w } }
