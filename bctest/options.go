package bctest

import (
	"time"

	"github.com/bcsdk/bc/bctest/internal/churn"
	"github.com/bcsdk/bc/bctest/internal/entra"
	"github.com/bcsdk/bc/bctest/internal/gate"
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

// App describes how the client app is set up on the Entra and BC side:
// Roles consented, Registered and Enabled in BC, PermissionSets,
// DeniedSets, SecretExpired, Disabled. The zero value is not useful;
// DefaultApp is a healthy setup, and tests switch one field off to play a
// setup mistake.
type App = entra.App

// DefaultApp is a correctly set-up app: both roles consented, registered and
// enabled in BC with D365 AUTOMATION.
func DefaultApp() App { return entra.DefaultApp() }

// Limits are BC's per-principal request limits: Concurrency requests at
// once (BC: 5), Queue more waiting (95), Budget requests per Window (6,000
// per 5 minutes), RetryAfter on the 429s. The zero value means no limits;
// DefaultLimits are BC online's.
type Limits = gate.Limits

// DefaultLimits are BC online's documented per-user limits.
func DefaultLimits() Limits { return gate.DefaultLimits() }

// ServiceModel is how long the fake takes to serve a request: Base per
// request plus the body at BytesPerSecond, every duration times Scale. The
// zero value serves as fast as it can.
type ServiceModel = gate.ServiceModel

// RealBC is the model at BC online's published rates: 2 MB/s per call and
// 100 ms per request.
func RealBC() ServiceModel { return gate.RealBC() }

// Faults injects failures at rates (0..1) from a seeded random source:
// Throttle/ThrottleBare (429), Unavailable (503), GatewayTimeout (504,
// after a write ran), Reset and Truncate (cut bodies), and the listing
// faults LoopNextLink, EmptyNextLinks, IgnorePageSize and EmptyListings,
// limited to OnlyPaths when set.
type Faults = gate.Faults

// Churn changes data while clients page through it: after every Every-th
// page served for a set in Sets, it inserts (Inserts), updates (Updates)
// and deletes (Deletes) rows of that set.
type Churn = churn.Config

// ChurnLog lists what the churn changed, for assertions.
type ChurnLog = churn.Log

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
