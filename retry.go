package bc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// RetryPolicy decides how often and how long the client retries. BC asks clients
// to back off on 429 and honours Retry-After on 502/503; see
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamics-rate-limits
//
// What is retried is fixed because it follows from what BC did with the request:
//   - 429, 502, 503 for every method: BC did not execute the request;
//   - 408, 504 and failures without a response (connection reset, truncated body)
//     only for GET and HEAD, because a write may already have been executed;
//   - connection failures before the request was sent (dial errors) for every method.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first one included.
	MaxAttempts int
	// BaseDelay is the first backoff step; each retry doubles it, with full jitter.
	BaseDelay time.Duration
	// MaxDelay caps a single computed backoff wait.
	MaxDelay time.Duration
	// MaxRetryAfter caps how long a Retry-After header is honoured; a longer
	// request ends the retries with the error instead of sleeping.
	MaxRetryAfter time.Duration
	// MaxElapsed caps the total time spent waiting between attempts.
	MaxElapsed time.Duration
}

// DefaultRetryPolicy is used unless WithRetryPolicy says otherwise: 8 attempts,
// 500 ms doubling to at most 30 s per wait, Retry-After honoured up to 5 minutes,
// at most 10 minutes of waiting in total.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:   8,
		BaseDelay:     500 * time.Millisecond,
		MaxDelay:      30 * time.Second,
		MaxRetryAfter: 5 * time.Minute,
		MaxElapsed:    10 * time.Minute,
	}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1:
		return errors.New("bc: RetryPolicy.MaxAttempts must be at least 1")
	case p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 || p.MaxElapsed < 0:
		return errors.New("bc: RetryPolicy durations must not be negative")
	}
	return nil
}

// backoff is the wait before retry number n (0-based): full jitter over an
// exponentially growing, capped window.
func (p RetryPolicy) backoff(n int) time.Duration {
	window := p.BaseDelay
	for i := 0; i < n && window < p.MaxDelay; i++ {
		window *= 2
	}
	if window > p.MaxDelay {
		window = p.MaxDelay
	}
	if window <= 0 {
		return 0
	}
	return rand.N(window + 1)
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// idempotent reports whether a failure without a (complete) response may be
// retried for this method: BC may have executed a write whose answer was lost.
func idempotent(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// notSent reports whether err proves the request never reached BC, so that
// even a write may be sent again.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

// attempts tracks one logical request across its attempts.
type attempts struct {
	policy    RetryPolicy
	method    string
	count     int // attempts sent so far
	waited    time.Duration
	next      time.Duration
	reasons   []string // why attempts failed, oldest first
	lastBad   bool     // the latest attempt failed and its reason is the last of reasons
	throttled int      // attempts answered with 429
	stop      error    // why retrying ended early (Retry-After too long, waits too long)
}

// earlier returns the reasons of the attempts before the final one.
func (a *attempts) earlier() []string {
	if a.lastBad && len(a.reasons) > 0 {
		return a.reasons[:len(a.reasons)-1]
	}
	return a.reasons
}

// decide says whether to retry after an attempt that produced resp or err, and
// computes the wait. It never retries a context error, a permanent auth error
// or a write that BC may have executed.
func (a *attempts) decide(ctx context.Context, resp *http.Response, err error) (bool, error) {
	a.lastBad = false
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	var retryable bool
	switch {
	case err != nil:
		a.record(describeTransportError(err))
		var authErr *AuthError
		if errors.As(err, &authErr) {
			retryable = authErr.Temporary()
		} else {
			retryable = idempotent(a.method) || notSent(err)
		}
		if !retryable {
			return false, err
		}
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusBadGateway,
		resp.StatusCode == http.StatusServiceUnavailable:
		a.record(resp.Status)
		if resp.StatusCode == http.StatusTooManyRequests {
			a.throttled++
		}
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusGatewayTimeout:
		a.record(resp.Status)
		if !idempotent(a.method) {
			return false, nil
		}
	default:
		return false, nil
	}
	wait := a.policy.backoff(a.count - 1)
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			a.reasons[len(a.reasons)-1] += fmt.Sprintf(" (Retry-After %s)", ra)
			if ra > a.policy.MaxRetryAfter {
				a.stop = fmt.Errorf("BC asked to wait %s, more than RetryPolicy.MaxRetryAfter (%s)", ra, a.policy.MaxRetryAfter)
				return false, nil
			}
			wait = ra
		}
	}
	if a.count >= a.policy.MaxAttempts {
		return true, nil // retryablehttp stops at RetryMax and hands over what it has
	}
	if a.waited+wait > a.policy.MaxElapsed {
		a.stop = fmt.Errorf("retry waits would exceed RetryPolicy.MaxElapsed (%s)", a.policy.MaxElapsed)
		return false, nil
	}
	a.waited += wait
	a.next = wait
	return true, nil
}

func (a *attempts) record(reason string) {
	a.reasons = append(a.reasons, reason)
	a.lastBad = true
}

func describeTransportError(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		s = s[i+2:]
	}
	return s
}

// gate holds the client's shared concurrency budget: BC processes 5 requests
// per principal at once and queues the rest, answering 429 past the queue, so
// the client never has more in flight than the gate allows.
type gate struct {
	slots chan struct{}
	mu    sync.Mutex
	cur   int
	max   int
}

func newGate(n int) *gate { return &gate{slots: make(chan struct{}, n)} }

func (g *gate) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	g.cur++
	if g.cur > g.max {
		g.max = g.cur
	}
	g.mu.Unlock()
	return nil
}

func (g *gate) release() {
	g.mu.Lock()
	g.cur--
	g.mu.Unlock()
	<-g.slots
}

func (g *gate) maxInFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max
}

// budget is an optional sliding-window request budget (BC online: 6,000
// requests per principal per 5 minutes). Every attempt spends one request.
type budget struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	times []time.Time // ring of the last `limit` send times
	head  int
	n     int
}

func newBudget(limit int, window time.Duration) *budget {
	return &budget{limit: limit, window: window, now: time.Now, times: make([]time.Time, limit)}
}

// wait blocks until one more request fits in the window, then records it.
func (b *budget) wait(ctx context.Context) error {
	for {
		b.mu.Lock()
		now := b.now()
		if b.n < b.limit {
			b.times[(b.head+b.n)%b.limit] = now
			b.n++
			b.mu.Unlock()
			return nil
		}
		oldest := b.times[b.head]
		if d := oldest.Add(b.window).Sub(now); d > 0 {
			b.mu.Unlock()
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
			continue
		}
		b.times[b.head] = now
		b.head = (b.head + 1) % b.limit
		b.mu.Unlock()
		return nil
	}
}
