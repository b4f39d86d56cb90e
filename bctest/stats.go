package bctest

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

type counters struct {
	requests, unauthorized, tokens, expiredTokens atomic.Int64
	rows, pages, bytes, serviceNanos              atomic.Int64
	limitThrottled, queued                        atomic.Int64
	ignoredLambdas, writes                        atomic.Int64
	cur, max                                      atomic.Int64

	mu     sync.Mutex
	faults map[string]int64
	log    []string
	logOn  bool
}

func newCounters() *counters { return &counters{faults: map[string]int64{}} }

// Fault counts an injected fault; counters is the gate's Meter.
func (c *counters) Fault(name string) {
	c.mu.Lock()
	c.faults[name]++
	c.mu.Unlock()
}

func (c *counters) TokenIssued()  { c.tokens.Add(1) }
func (c *counters) TokenExpired() { c.expiredTokens.Add(1) }
func (c *counters) Throttled()    { c.limitThrottled.Add(1) }
func (c *counters) Queued()       { c.queued.Add(1) }

func (c *counters) Served(bytes int, serviceTime time.Duration) {
	c.serviceNanos.Add(int64(serviceTime))
	c.bytes.Add(int64(bytes))
}

func (c *counters) inFlight(d int64) {
	n := c.cur.Add(d)
	for {
		m := c.max.Load()
		if n <= m || c.max.CompareAndSwap(m, n) {
			return
		}
	}
}

// Page, Wrote, IgnoredLambda and Request make counters the OData core's Meter.
func (c *counters) Page(rows int) {
	c.rows.Add(int64(rows))
	c.pages.Add(1)
}

func (c *counters) Wrote()         { c.writes.Add(1) }
func (c *counters) IgnoredLambda() { c.ignoredLambdas.Add(1) }

func (c *counters) Request(line string) {
	c.mu.Lock()
	if c.logOn {
		c.log = append(c.log, line)
	}
	c.mu.Unlock()
}

// Stats are the fake's counters since it started (or since ResetStats).
type Stats struct {
	// Requests is every BC request received (token requests excluded).
	Requests int64
	// Unauthorized is the requests answered 401.
	Unauthorized int64
	// Tokens is the tokens issued; ExpiredTokens the requests made with an expired one.
	Tokens, ExpiredTokens int64
	// Rows and Pages served by collection reads; Bytes of response bodies.
	Rows, Pages, Bytes int64
	// Writes is POST/PATCH/DELETE/action requests executed.
	Writes int64
	// Throttled is 429s caused by the limits (not injected faults).
	Throttled int64
	// Queued is requests that had to wait for a processing slot.
	Queued int64
	// MaxInFlight is the most requests processed at once.
	MaxInFlight int64
	// Faults counts injected faults by kind (throttle, throttle-bare,
	// unavailable, gateway-timeout, reset, truncate).
	Faults map[string]int64
	// IgnoredLambdas counts filters with any/all, which BC silently ignores.
	IgnoredLambdas int64
	// ServiceTime is the modelled service time of every response.
	ServiceTime time.Duration
	// Floor is ServiceTime divided by the concurrency limit: no client can
	// finish the same work faster.
	Floor time.Duration
}

// FaultTotal is the number of injected faults of every kind.
func (s Stats) FaultTotal() int64 {
	var n int64
	for _, v := range s.Faults {
		n += v
	}
	return n
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	c := s.stats
	c.mu.Lock()
	faults := make(map[string]int64, len(c.faults))
	for k, v := range c.faults {
		faults[k] = v
	}
	c.mu.Unlock()
	return Stats{
		Requests: c.requests.Load(), Unauthorized: c.unauthorized.Load(), Tokens: c.tokens.Load(),
		ExpiredTokens: c.expiredTokens.Load(), Rows: c.rows.Load(), Pages: c.pages.Load(), Bytes: c.bytes.Load(),
		Writes: c.writes.Load(), Throttled: c.limitThrottled.Load(), Queued: c.queued.Load(), MaxInFlight: c.max.Load(),
		Faults: faults, IgnoredLambdas: c.ignoredLambdas.Load(),
		ServiceTime: time.Duration(c.serviceNanos.Load()), Floor: time.Duration(c.serviceNanos.Load() / int64(max(s.cfg.limits.Concurrency, 1))),
	}
}

// ResetStats zeroes the counters (not the data).
func (s *Server) ResetStats() {
	old := s.stats
	old.mu.Lock()
	logOn := old.logOn
	old.mu.Unlock()
	for _, a := range []*atomic.Int64{&old.requests, &old.unauthorized, &old.tokens, &old.expiredTokens, &old.rows, &old.pages,
		&old.bytes, &old.serviceNanos, &old.limitThrottled, &old.queued, &old.ignoredLambdas, &old.writes, &old.max} {
		a.Store(0)
	}
	old.mu.Lock()
	old.faults = map[string]int64{}
	old.log = nil
	old.logOn = logOn
	old.mu.Unlock()
}

// RecordRequests turns on (or off) a log of "METHOD path?query" lines of BC
// requests, for tests that assert exactly what a client asked for.
func (s *Server) RecordRequests(on bool) {
	s.stats.mu.Lock()
	s.stats.logOn = on
	s.stats.mu.Unlock()
}

// Requests returns the recorded request lines in arrival order.
func (s *Server) Requests() []string {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return append([]string(nil), s.stats.log...)
}

// FaultKinds returns the names of fault kinds seen so far, sorted.
func (s Stats) FaultKinds() []string {
	var names []string
	for k := range s.Faults {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
