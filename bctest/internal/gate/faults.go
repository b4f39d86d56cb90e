package gate

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
)

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

// Fault is what the injector decided for one request.
type Fault struct {
	Name string
	// before is answered instead of executing the request (429, 503, 504 for
	// reads); for writes with AfterWrite, the request runs first (504).
	Before     *protocol.Error
	AfterWrite bool
	// body is "reset" or "truncate" to cut a successful response.
	body string
}

// Injector decides the faults of requests.
type Injector struct {
	model ServiceModel

	mu  sync.Mutex
	cfg Faults
	rng *rand.Rand
}

// NewInjector returns an injector of f, whose Retry-After the model scales.
func NewInjector(f Faults, m ServiceModel) *Injector {
	fi := &Injector{model: m}
	fi.Set(f)
	return fi
}

// Set changes the faults.
func (fi *Injector) Set(f Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.cfg = f
	fi.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x5851f42d4c957f2d))
}

func (fi *Injector) retryAfter() time.Duration {
	d := fi.cfg.RetryAfter
	if d <= 0 {
		d = time.Second
	}
	if fi.model.enabled() && fi.model.Scale < 1 {
		d = time.Duration(float64(d) * fi.model.Scale)
	}
	return d
}

// Decide draws one fault (or none) for a request.
func (fi *Injector) Decide(r *http.Request) Fault {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	c := fi.cfg
	total := c.Throttle + c.ThrottleBare + c.Unavailable + c.GatewayTimeout + c.Reset + c.Truncate
	if total <= 0 {
		return Fault{}
	}
	if !c.applies(r) {
		return Fault{}
	}
	x := fi.rng.Float64()
	pick := func(rate float64) bool {
		if x < rate {
			return true
		}
		x -= rate
		return false
	}
	switch {
	case pick(c.Throttle):
		return Fault{Name: "throttle", Before: &protocol.Error{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests",
			Message: "Too many requests. Please retry later.", RetryAfter: fi.retryAfter()}}
	case pick(c.ThrottleBare):
		return Fault{Name: "throttle-bare", Before: &protocol.Error{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests",
			Message: "Too many requests. Please retry later."}}
	case pick(c.Unavailable):
		return Fault{Name: "unavailable", Before: &protocol.Error{Status: http.StatusServiceUnavailable, Code: "Internal_ServiceUnavailable",
			Message: "The service is temporarily unavailable.", RetryAfter: fi.retryAfter()}}
	case pick(c.GatewayTimeout):
		return Fault{Name: "gateway-timeout", AfterWrite: true, Before: &protocol.Error{Status: http.StatusGatewayTimeout, Code: "GatewayTimeout",
			Message: "The gateway did not receive a response in time."}}
	case pick(c.Reset):
		if r.Method == http.MethodGet {
			return Fault{Name: "reset", body: "reset"}
		}
	case pick(c.Truncate):
		if r.Method == http.MethodGet {
			return Fault{Name: "truncate", body: "truncate"}
		}
	}
	return Fault{}
}

// applies reports whether OnlyPaths lets faults touch r.
func (f *Faults) applies(r *http.Request) bool {
	if len(f.OnlyPaths) == 0 {
		return true
	}
	for _, p := range f.OnlyPaths {
		if strings.Contains(r.URL.Path, p) {
			return true
		}
	}
	return false
}

// TakeEmptyListing reports whether EmptyListings answers this page of a
// collection, and counts it.
func (fi *Injector) TakeEmptyListing(r *http.Request) bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.cfg.EmptyListings <= 0 || !fi.cfg.applies(r) {
		return false
	}
	fi.cfg.EmptyListings--
	return true
}

// EmptyToken starts the $skiptoken of the empty pages EmptyNextLinks serves;
// the number after it makes each link new.
const EmptyToken = "bctest-empty-"

// HostileLinks reports the nextLink faults in force.
func (fi *Injector) HostileLinks() (loop, empty bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg.LoopNextLink, fi.cfg.EmptyNextLinks
}

// IgnoresPageSize reports whether IgnorePageSize is in force.
func (fi *Injector) IgnoresPageSize() bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg.IgnorePageSize
}
