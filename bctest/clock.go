package bctest

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is the fake's time. It dates everything the fake does by the clock:
// token issue and expiry, the Date header of every response, Entra's error
// timestamps, the lastModifiedDateTime of inserted and updated rows, the
// request budget's window, webhook subscriptions' expiry and the waits
// before notifications and their retries. Only the service-time model
// (ServiceModel) runs on real time, because it paces real transfers.
//
// The default is the system clock; give a *ManualClock with WithClock to
// make time move only when a test says so.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed on this
	// clock; stop cancels the call and reports whether it did.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// WithClock makes the fake tell time by c (default: the system clock).
func WithClock(c Clock) Option { return func(cfg *config) { cfg.clock = c } }

// systemClock is real time.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// ManualClock is a Clock that moves only when Advance or Set move it. It also
// has After, so the same clock can drive the fake and a bc.Renewer
// (bc.RenewerClock): it satisfies bc.Clock. The zero value is not usable;
// create it with NewManualClock. It is safe for concurrent use.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*manualTimer
	changed chan struct{} // closed and replaced whenever timers is added to
}

type manualTimer struct {
	at   time.Time
	fire func(now time.Time)
}

// NewManualClock returns a clock standing at start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start, changed: make(chan struct{})}
}

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and fires, in time order, every timer
// and After channel that falls due.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	to := c.now.Add(d)
	c.mu.Unlock()
	c.Set(to)
}

// Set moves the clock to t (never backwards: an earlier t is ignored) and
// fires what falls due, like Advance.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	if t.Before(c.now) {
		c.mu.Unlock()
		return
	}
	c.now = t
	var due []*manualTimer
	c.timers = slices.DeleteFunc(c.timers, func(m *manualTimer) bool {
		if m.at.After(t) {
			return false
		}
		due = append(due, m)
		return true
	})
	c.mu.Unlock()
	slices.SortStableFunc(due, func(a, b *manualTimer) int { return a.at.Compare(b.at) })
	for _, m := range due {
		m.fire(t)
	}
}

// After returns a channel that receives the clock's time once d has passed.
func (c *ManualClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.add(d, func(now time.Time) { ch <- now })
	return ch
}

// AfterFunc calls f in its own goroutine once d has passed.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) (stop func() bool) {
	m := c.add(d, func(time.Time) { go f() })
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		n := len(c.timers)
		c.timers = slices.DeleteFunc(c.timers, func(x *manualTimer) bool { return x == m })
		return len(c.timers) < n
	}
}

// add registers a timer; one that is due already fires at once.
func (c *ManualClock) add(d time.Duration, fire func(time.Time)) *manualTimer {
	c.mu.Lock()
	m := &manualTimer{at: c.now.Add(d), fire: fire}
	if d <= 0 {
		now := c.now
		c.mu.Unlock()
		fire(now)
		return m
	}
	c.timers = append(c.timers, m)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	return m
}

// Waiters is the number of After channels and AfterFunc timers not yet due.
func (c *ManualClock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// BlockUntil waits until at least n After channels or AfterFunc timers are
// pending — say, until a goroutine under test has gone back to waiting on the
// clock — or ctx ends, whose error it then returns.
func (c *ManualClock) BlockUntil(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		have, changed := len(c.timers), c.changed
		c.mu.Unlock()
		if have >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
