package bctest

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
)

// limiter enforces BC's per-principal limits: Concurrency requests processed
// at once, Queue more waiting, a request budget per window; beyond that, 429.
// It also owns the service-time model and adds up the modelled time of every
// response, from which the floor (Σ service time / concurrency) follows.
type limiter struct {
	cfg   Limits
	model ServiceModel
	stats *counters
	clock Clock // dates the budget window; the service model runs on real time

	mu         sync.Mutex
	principals map[string]*principalState
}

type principalState struct {
	slots   chan struct{}
	waiting int
	window  []time.Time // send times within the budget window
}

func newLimiter(l Limits, m ServiceModel, st *counters, clock Clock) *limiter {
	return &limiter{cfg: l, model: m, stats: st, clock: clock, principals: map[string]*principalState{}}
}

func (l *limiter) state(p string) *principalState {
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

func (l *limiter) tooMany(msg string) *protocol.Error {
	e := &protocol.Error{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests", Message: msg}
	if l.cfg.RetryAfter > 0 {
		e.RetryAfter = l.cfg.RetryAfter
	}
	return e
}

// acquire admits a request or refuses it with 429. release must be called
// when the response is complete.
func (l *limiter) acquire(ctx context.Context, principal string) (release func(), aerr *protocol.Error) {
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
			l.stats.limitThrottled.Add(1)
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
		l.stats.limitThrottled.Add(1)
		return nil, l.tooMany("The maximum number of concurrent and queued requests for this user has been reached. Please retry later.")
	}
	ps.waiting++
	l.stats.queued.Add(1)
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

// floor is the fake's lower bound on the wall time of the work it served:
// the modelled service time of every response divided by the concurrency.
func (l *limiter) floor() time.Duration {
	n := l.cfg.Concurrency
	if n <= 0 {
		n = 1
	}
	return time.Duration(l.stats.serviceNanos.Load() / int64(n))
}

// pacedWriter writes a response in chunks, no faster than the service model
// allows: nothing before the base cost has passed, then BytesPerSecond. It
// also cuts the body when a Reset or Truncate fault was chosen.
type pacedWriter struct {
	w       http.ResponseWriter
	l       *limiter
	start   time.Time
	fault   fault
	buf     []byte
	written int
	cut     bool
	status  int
}

const chunkSize = 32 << 10

func (l *limiter) pace(w http.ResponseWriter, start time.Time, f fault) *pacedWriter {
	return &pacedWriter{w: w, l: l, start: start, fault: f}
}

func (p *pacedWriter) Header() http.Header { return p.w.Header() }

func (p *pacedWriter) WriteHeader(status int) {
	if p.status != 0 {
		return
	}
	p.status = status
	if status != http.StatusOK {
		p.fault.body = "" // body faults only hit successful reads
	}
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.WriteHeader(http.StatusOK)
	}
	if p.cut {
		return len(b), nil
	}
	p.buf = append(p.buf, b...)
	for len(p.buf) >= chunkSize && !p.cut {
		p.flush(chunkSize)
	}
	return len(b), nil
}

// flush sends the first n buffered bytes, after waiting for the model.
func (p *pacedWriter) flush(n int) {
	if p.fault.body != "" {
		p.cutBody(n)
		return
	}
	p.wait(p.written + n)
	if p.written == 0 {
		p.w.WriteHeader(p.status)
	}
	_, _ = p.w.Write(p.buf[:n])
	p.written += n
	p.buf = append(p.buf[:0], p.buf[n:]...)
	if f, ok := p.w.(http.Flusher); ok {
		f.Flush()
	}
}

// cutBody sends half of the pending bytes, then truncates the body or drops
// the connection.
func (p *pacedWriter) cutBody(n int) {
	half := max(1, n/2)
	p.wait(p.written + half)
	if p.written == 0 {
		p.w.Header().Del("Content-Length")
		p.w.WriteHeader(p.status)
	}
	_, _ = p.w.Write(p.buf[:half])
	p.written += half
	p.cut = true
	p.l.stats.fault(p.fault.name)
	p.buf = p.buf[:0]
	if f, ok := p.w.(http.Flusher); ok {
		f.Flush()
	}
	if p.fault.body == "reset" {
		p.account()
		panic(http.ErrAbortHandler) // net/http closes the connection mid-body
	}
}

func (p *pacedWriter) wait(bytes int) {
	m := p.l.model
	if !m.enabled() {
		return
	}
	target := p.start.Add(time.Duration(float64(m.serviceTime(bytes)) * m.Scale))
	if d := time.Until(target); d > 0 {
		time.Sleep(d)
	}
}

// finish sends what is left and accounts the response's service time.
func (p *pacedWriter) finish() {
	if p.status == 0 {
		p.WriteHeader(http.StatusNoContent)
	}
	switch {
	case p.cut:
	case len(p.buf) > 0:
		p.flush(len(p.buf))
	default:
		p.wait(p.written)
		if p.written == 0 {
			p.w.WriteHeader(p.status)
		}
	}
	p.account()
}

func (p *pacedWriter) account() {
	m := p.l.model
	if m.enabled() {
		p.l.stats.serviceNanos.Add(int64(float64(m.serviceTime(p.written)) * m.Scale))
	}
	p.l.stats.bytes.Add(int64(p.written))
}
