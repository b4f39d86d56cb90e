package bctest

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/internal/jsontext"
)

// fault is what the injector decided for one request.
type fault struct {
	name string
	// before is answered instead of executing the request (429, 503, 504 for
	// reads); for writes with afterWrite, the request runs first (504).
	before     *protocol.Error
	afterWrite bool
	// body is "reset" or "truncate" to cut a successful response.
	body string
}

type faultInjector struct {
	model ServiceModel

	mu  sync.Mutex
	cfg Faults
	rng *rand.Rand
}

func newFaultInjector(f Faults, m ServiceModel) *faultInjector {
	fi := &faultInjector{model: m}
	fi.set(f)
	return fi
}

func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.cfg = f
	fi.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x5851f42d4c957f2d))
}

func (fi *faultInjector) retryAfter() time.Duration {
	d := fi.cfg.RetryAfter
	if d <= 0 {
		d = time.Second
	}
	if fi.model.enabled() && fi.model.Scale < 1 {
		d = time.Duration(float64(d) * fi.model.Scale)
	}
	return d
}

// decide draws one fault (or none) for a request.
func (fi *faultInjector) decide(r *http.Request) fault {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	c := fi.cfg
	total := c.Throttle + c.ThrottleBare + c.Unavailable + c.GatewayTimeout + c.Reset + c.Truncate
	if total <= 0 {
		return fault{}
	}
	if !c.applies(r) {
		return fault{}
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
		return fault{name: "throttle", before: &protocol.Error{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests",
			Message: "Too many requests. Please retry later.", RetryAfter: fi.retryAfter()}}
	case pick(c.ThrottleBare):
		return fault{name: "throttle-bare", before: &protocol.Error{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests",
			Message: "Too many requests. Please retry later."}}
	case pick(c.Unavailable):
		return fault{name: "unavailable", before: &protocol.Error{Status: http.StatusServiceUnavailable, Code: "Internal_ServiceUnavailable",
			Message: "The service is temporarily unavailable.", RetryAfter: fi.retryAfter()}}
	case pick(c.GatewayTimeout):
		return fault{name: "gateway-timeout", afterWrite: true, before: &protocol.Error{Status: http.StatusGatewayTimeout, Code: "GatewayTimeout",
			Message: "The gateway did not receive a response in time."}}
	case pick(c.Reset):
		if r.Method == http.MethodGet {
			return fault{name: "reset", body: "reset"}
		}
	case pick(c.Truncate):
		if r.Method == http.MethodGet {
			return fault{name: "truncate", body: "truncate"}
		}
	}
	return fault{}
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

// takeEmptyListing reports whether EmptyListings answers this page of a
// collection, and counts it.
func (fi *faultInjector) takeEmptyListing(r *http.Request) bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.cfg.EmptyListings <= 0 || !fi.cfg.applies(r) {
		return false
	}
	fi.cfg.EmptyListings--
	return true
}

// emptyToken starts the $skiptoken of the empty pages EmptyNextLinks serves;
// the number after it makes each link new.
const emptyToken = "bctest-empty-"

// hostileLinks reports the nextLink faults in force.
func (fi *faultInjector) hostileLinks() (loop, empty bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg.LoopNextLink, fi.cfg.EmptyNextLinks
}

// ignoresPageSize reports whether IgnorePageSize is in force.
func (fi *faultInjector) ignoresPageSize() bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg.IgnorePageSize
}

// listingLink is the nextLink of a listing's page: BC's own while rows
// remain; after the last page, the one a hostile-link fault asks for.
func (c *reqContext) listingLink(more bool, last skipToken) string {
	if more {
		return c.nextLink(last)
	}
	switch loop, empty := c.srv.faults.hostileLinks(); {
	case loop:
		return c.linkWith("")
	case empty:
		return c.linkWith(emptyToken + "1")
	}
	return ""
}

// emptyPage serves an empty page if a fault asks for one: a page of
// EmptyNextLinks' endless run (a link to the next, or no link once the fault
// is off), or an EmptyListings glitch (no link).
func (c *reqContext) emptyPage(n *node, values url.Values) bool {
	link := ""
	if k, ok := strings.CutPrefix(values.Get("$skiptoken"), emptyToken); ok {
		if _, empty := c.srv.faults.hostileLinks(); empty {
			i, _ := strconv.Atoi(k)
			link = c.linkWith(emptyToken + strconv.Itoa(i+1))
		}
	} else if c.srv.faults.takeEmptyListing(c.r) {
		c.srv.stats.fault("empty-listing")
	} else {
		return false
	}
	c.writeJSONHeader(http.StatusOK)
	buf := []byte(`{"@odata.context":`)
	buf = jsontext.AppendString(buf, c.contextURL(c.contextFragment(n)))
	buf = append(buf, `,"value":[]`...)
	if link != "" {
		buf = append(buf, `,"@odata.nextLink":`...)
		buf = jsontext.AppendString(buf, link)
	}
	_, _ = c.w.Write(append(buf, '}'))
	c.srv.stats.pages.Add(1)
	return true
}
