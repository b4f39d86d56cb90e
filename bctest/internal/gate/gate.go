// Package gate is what stands between a BC request and the fake's OData
// core: BC's per-principal limits (5 requests at once, a queue of 95, a
// request budget; beyond them 429), the service-time model that paces each
// answer, and the injected faults (429, 503, 504, cut bodies, hostile
// nextLinks). It is separate because none of it depends on what is served:
// the core asks Acquire for a slot, Decide for a fault, and writes its
// answer through Pace's Writer.
package gate

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
)

// Gate enforces BC's per-principal limits: Concurrency requests processed
// at once, Queue more waiting, a request budget per window; beyond that, 429.
// It also owns the service-time model, which paces every answer.
type Gate struct {
	cfg   Limits
	model ServiceModel
	meter Meter
	clock Clock // dates the budget window; the service model runs on real time

	mu         sync.Mutex
	principals map[string]*principalState
}

type principalState struct {
	slots   chan struct{}
	waiting int
	window  []time.Time // send times within the budget window
}

// New returns the gate of a server.
func New(l Limits, m ServiceModel, meter Meter, clock Clock) *Gate {
	return &Gate{cfg: l, model: m, meter: meter, clock: clock, principals: map[string]*principalState{}}
}

func (l *Gate) state(p string) *principalState {
	l.mu.Lock()
	defer l.mu.Unlock()
	ps, ok := l.principals[p]
	if !ok {
		ps = &principalState{}
		if l.cfg.Concurrency > 0 {
			ps.slots = make(chan struct{}, l.cfg.Concurrency)
		}
		l.principals[p] = ps
	}
	return ps
}

func (l *Gate) tooMany(msg string) *protocol.Error {
	e := &protocol.Error{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests", Message: msg}
	if l.cfg.RetryAfter > 0 {
		e.RetryAfter = l.cfg.RetryAfter
	}
	return e
}

// Acquire admits a request or refuses it with 429. release must be called
// when the response is complete.
func (l *Gate) Acquire(ctx context.Context, principal string) (release func(), aerr *protocol.Error) {
	ps := l.state(principal)
	now := l.clock.Now()
	l.mu.Lock()
	if l.cfg.Budget > 0 && l.cfg.Window > 0 {
		cut := 0
		for cut < len(ps.window) && now.Sub(ps.window[cut]) >= l.cfg.Window {
			cut++
		}
		ps.window = ps.window[cut:]
		if len(ps.window) >= l.cfg.Budget {
			l.mu.Unlock()
			l.meter.Throttled()
			return nil, l.tooMany("The request rate limit for this user has been exceeded. Please retry later.")
		}
		ps.window = append(ps.window, now)
	}
	if ps.slots == nil {
		l.mu.Unlock()
		return func() {}, nil
	}
	select {
	case ps.slots <- struct{}{}:
		l.mu.Unlock()
		return func() { <-ps.slots }, nil
	default:
	}
	if ps.waiting >= l.cfg.Queue {
		l.mu.Unlock()
		l.meter.Throttled()
		return nil, l.tooMany("The maximum number of concurrent and queued requests for this user has been reached. Please retry later.")
	}
	ps.waiting++
	l.meter.Queued()
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		ps.waiting--
		l.mu.Unlock()
	}()
	select {
	case ps.slots <- struct{}{}:
		return func() { <-ps.slots }, nil
	case <-ctx.Done():
		return nil, &protocol.Error{Status: http.StatusServiceUnavailable, Code: "Application_Canceled", Message: "The request was canceled while queued."}
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

// Clock is the fake's time, which dates the budget window.
type Clock interface{ Now() time.Time }

// Meter counts what the gate does, for the server's statistics.
type Meter interface {
	Throttled()        // a request refused by the limits
	Queued()           // a request that waited for a slot
	Fault(name string) // an injected fault
	// Served accounts one answer: its body's size and modelled service time.
	Served(bytes int, serviceTime time.Duration)
}
