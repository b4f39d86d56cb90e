// Package bctest is a fake Microsoft Dynamics 365 Business Central for tests,
// demos and benchmarks: an HTTP server that answers like BC online where it
// matters to a client — Entra-style client-credentials tokens and their
// errors, the standard API v2.0 (every entity set of the generated schema
// registry), custom API routes, OData $filter/$select/$expand/$orderby/$top/
// $skip with BC's refusals, server-driven paging with opaque $skiptoken
// nextLinks, ETags and If-Match, deep insert, bound actions and media — plus
// BC's limits (5 requests at once, a queue of 95, a request budget), a
// service-time model and injected faults.
//
//	srv := bctest.NewServer()
//	defer srv.Close()
//	c := srv.Client()
//	co := c.Company(srv.Tenant().Companies()[0].ID)
package bctest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/automation"
	"github.com/bcsdk/bc/bctest/internal/churn"
	"github.com/bcsdk/bc/bctest/internal/entra"
	"github.com/bcsdk/bc/bctest/internal/gate"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/serve"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/bcsdk/bc/bctest/internal/webhook"
)

// The credentials and environment the fake accepts unless told otherwise.
// The secret is a test value, not a real one.
const (
	TenantID     = "5e2c0d3a-7b41-4f6e-9c1d-2a8b4e6f0c13"
	ClientID     = "0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f0"
	ClientSecret = "bctest~fake-client-secret"
	Environment  = "Production"
)

// Server is a running fake BC. Its zero value is not usable; create it with
// NewServer (listening on loopback) or NewUnstartedServer + Handler (to
// serve it yourself).
type Server struct {
	cfg    config
	tenant *Tenant
	tn     *tenant.Tenant // the state behind tenant
	tokens *entra.Issuer
	limits *gate.Gate
	faults *gate.Injector
	churn  *churn.Churner
	stats  *counters
	// triggers are what AtRequest armed.
	triggers requestTriggers
	// automation is the state of the Automation API's background work.
	automation *automation.State
	// webhooks are the webhook subscriptions; stopWebhooks ends their feed
	// of changes.
	webhooks     *webhook.Hub
	stopWebhooks func()
	// core answers the requests let in.
	core *serve.Core

	http *httptest.Server
	// URL is the server's root, e.g. http://127.0.0.1:41234.
	URL string
}

// NewUnstartedServer builds a fake BC without starting it, as
// httptest.NewUnstartedServer does: serve its Handler yourself (on an
// address of your choice, as examples/fakebc does).
func NewUnstartedServer(opts ...Option) *Server {
	demo := DefaultDemo()
	cfg := config{
		tenantID: TenantID, clientID: ClientID, secret: ClientSecret, environment: Environment,
		app: DefaultApp(), tokenLifetime: time.Hour, demo: &demo, limits: DefaultLimits(), seed: 1,
		clock: systemClock{},
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{cfg: cfg, tenant: newTenant(cfg.seed, cfg.clock), stats: newCounters()}
	s.tn = s.tenant.t
	for _, api := range cfg.customAPIs {
		s.tn.AddRoute(api.path, api.svc)
	}
	s.tokens = entra.New(entra.Credentials{TenantID: cfg.tenantID, ClientID: cfg.clientID, Secret: cfg.secret}, cfg.tokenLifetime, cfg.app, cfg.clock, s.stats)
	s.limits = gate.New(cfg.limits, cfg.model, s.stats, cfg.clock)
	s.faults = gate.NewInjector(cfg.faults, cfg.model)
	s.churn = churn.New(cfg.churn, churnHost{s.tn})
	if cfg.demo != nil {
		loadDemo(s.tenant, *cfg.demo)
		fillJobTasks(s.tenant, cfg.demo.Seed)
	}
	s.startAutomation()
	s.startWebhooks()
	s.core = &serve.Core{Tenant: s.tn, Limits: s.limits, Faults: s.faults, Churn: s.churn,
		Automation: s.automation, Webhooks: s.webhooks, Meter: s.stats}
	return s
}

// NewServer starts a fake BC on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.http = httptest.NewServer(s.Handler())
	s.URL = s.http.URL
	return s
}

// Close stops the server started by NewServer.
func (s *Server) Close() {
	s.stopWebhooks()
	s.webhooks.Close()
	if s.http != nil {
		s.http.Close()
	}
}

// Handler serves the fake: the token endpoint at /{tenant}/oauth2/v2.0/token
// and BC at /v2.0/{tenant}/{environment}/api/….
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// BaseURL is the value for bc.WithBaseURL (and the sync's --base-url).
func (s *Server) BaseURL() string { return s.URL + "/v2.0" }

// TokenURL is the value for bc.WithTokenURL (and --token-url); "{tenant}" is
// replaced by the client.
func (s *Server) TokenURL() string { return s.URL + "/{tenant}/oauth2/v2.0/token" }

// Credentials returns the tenant id, client id and secret the fake accepts.
func (s *Server) Credentials() (tenantID, clientID, secret string) {
	return s.cfg.tenantID, s.cfg.clientID, s.cfg.secret
}

// Environment returns the environment name the fake serves.
func (s *Server) Environment() string { return s.cfg.environment }

// Tenant gives access to the fake's data.
func (s *Server) Tenant() *Tenant { return s.tenant }

// Client returns a bc.Client for this server with the accepted credentials.
// Extra options are applied after the defaults.
func (s *Server) Client(opts ...bc.Option) *bc.Client {
	ts := bc.ClientCredentials(s.cfg.tenantID, s.cfg.clientID, s.cfg.secret, bc.WithTokenURL(s.TokenURL()))
	all := append([]bc.Option{bc.WithBaseURL(s.BaseURL()), bc.WithTokenSource(ts)}, opts...)
	c, err := bc.NewClient(s.cfg.tenantID, s.cfg.environment, all...)
	if err != nil {
		panic(fmt.Sprintf("bctest: building a client: %v", err)) // only reachable with invalid extra options
	}
	return c
}

// SetApp changes how the app is set up, e.g. to unregister it mid-test.
func (s *Server) SetApp(a App) { s.tokens.SetApp(a) }

// SetFaults changes the injected faults.
func (s *Server) SetFaults(f Faults) { s.faults.Set(f) }

// SetChurn changes the data churn during paging.
func (s *Server) SetChurn(c Churn) { s.churn.Set(c) }

// ChurnDone returns what the churn has changed so far.
func (s *Server) ChurnDone() ChurnLog { return s.churn.Done() }

// churnHost is the core as the churn sees it.
type churnHost struct{ tn *tenant.Tenant }

func (h churnHost) NewGUID() string                     { return h.tn.NewGUID() }
func (h churnHost) NextVersion() int64                  { return h.tn.NextVersion() }
func (h churnHost) Touch(t *table.Table, vals []string) { h.tn.Touch(t, vals) }

// serve routes a request: token endpoint or BC.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// net/http would date the response by the system clock.
	w.Header().Set("Date", s.cfg.clock.Now().UTC().Format(http.TimeFormat))
	segs := protocol.SplitPath(r.URL.EscapedPath())
	switch {
	case len(segs) == 4 && segs[1] == "oauth2" && segs[2] == "v2.0" && segs[3] == "token":
		s.tokens.ServeToken(w, r, segs[0])
	case len(segs) >= 4 && segs[0] == "v2.0" && segs[3] == "api":
		s.serveBC(w, r, segs[1], segs[2], segs[4:])
	default:
		protocol.WriteError(w, &protocol.Error{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
			Message: "No HTTP resource was found that matches the request URI '" + r.URL.Path + "'."})
	}
}

// serveBC handles /v2.0/{tenant}/{env}/api/{route…}/{resource…}.
func (s *Server) serveBC(w http.ResponseWriter, r *http.Request, tenantID, env string, rest []string) {
	s.stats.requests.Add(1)
	s.triggers.count()
	principal, aerr := s.tokens.Authenticate(r, tenantID)
	if aerr != nil {
		s.stats.unauthorized.Add(1)
		protocol.WriteError(w, aerr)
		return
	}
	if !strings.EqualFold(env, s.cfg.environment) {
		protocol.WriteXMLError(w, &protocol.Error{Status: http.StatusNotFound, Code: "NoEnvironment",
			Message: "The environment '" + env + "' does not exist in this tenant."})
		return
	}
	route, resource, ok := s.splitRoute(rest)
	if !ok {
		protocol.WriteError(w, &protocol.Error{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
			Message: "No HTTP resource was found that matches the request URI '" + r.URL.Path + "'."})
		return
	}
	release, aerr := s.limits.Acquire(r.Context(), principal)
	if aerr != nil {
		protocol.WriteError(w, aerr)
		return
	}
	defer release()
	if len(resource) == 0 || resource[0] != "$batch" { // a batch takes the tenant's isolation lock itself
		s.tn.Isolation.RLock()
		defer s.tn.Isolation.RUnlock()
	}
	start := time.Now() // service time runs while the request holds a slot, not while it queues
	s.stats.inFlight(1)
	defer s.stats.inFlight(-1)

	fault := s.faults.Decide(r)
	if fault.Before != nil {
		s.stats.Fault(fault.Name)
		if fault.AfterWrite && r.Method != http.MethodGet {
			// BC ran the write; only the gateway gave up waiting for it.
			s.core.Serve(serve.Request{W: s.limits.Pace(discard{}, start, fault), R: r, Route: route, Principal: principal, App: s.tokens.App()}, resource)
		}
		pw := s.limits.Pace(w, start, fault)
		protocol.WriteError(pw, fault.Before)
		pw.Finish()
		return
	}
	pw := s.limits.Pace(w, start, fault)
	if route == AutomationRoute {
		s.automation.BeforeRequest(r.Method)
	}
	s.core.Serve(serve.Request{W: pw, R: r, Route: route, Principal: principal, App: s.tokens.App()}, resource)
	pw.Finish()
}

// discard is a ResponseWriter that drops what it is given.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// splitRoute separates the API route (api/v2.0 or api/pub/grp/ver) from the
// resource path below it.
func (s *Server) splitRoute(rest []string) (route string, resource []string, ok bool) {
	if len(rest) >= 1 && rest[0] == "v2.0" {
		return bc.StandardRoute, rest[1:], true
	}
	if len(rest) >= 3 {
		route = "api/" + rest[0] + "/" + rest[1] + "/" + rest[2]
		if _, known := s.tn.Route(route); known {
			return route, rest[3:], true
		}
	}
	return "", nil, false
}
