package bctest

import (
	"slices"
	"sync"
)

// requestTriggers are the functions AtRequest armed, each counting down the
// BC requests still to come before it runs.
type requestTriggers struct {
	mu    sync.Mutex
	armed []*trigger
}

type trigger struct {
	left int
	f    func()
}

// AtRequest calls f as the n-th BC request from now arrives (token requests
// do not count; n below 1 means the next one), before the fake checks the
// request's token or serves it. f runs on that request's goroutine and the
// request waits for it, so a test can act at a chosen point of a client's
// work — end the tokens, change data, kill a process — instead of at a
// chosen moment. cancel disarms f and reports whether it had not run yet.
func (s *Server) AtRequest(n int, f func()) (cancel func() bool) {
	t := &trigger{left: max(n, 1), f: f}
	rt := &s.triggers
	rt.mu.Lock()
	rt.armed = append(rt.armed, t)
	rt.mu.Unlock()
	return func() bool {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		k := len(rt.armed)
		rt.armed = slices.DeleteFunc(rt.armed, func(x *trigger) bool { return x == t })
		return len(rt.armed) < k
	}
}

// count counts one BC request and runs the functions now due, in the order
// they were armed.
func (rt *requestTriggers) count() {
	rt.mu.Lock()
	var due []*trigger
	rt.armed = slices.DeleteFunc(rt.armed, func(t *trigger) bool {
		if t.left--; t.left > 0 {
			return false
		}
		due = append(due, t)
		return true
	})
	rt.mu.Unlock()
	for _, t := range due {
		t.f()
	}
}
