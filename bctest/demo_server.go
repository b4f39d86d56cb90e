package bctest

import (
	"fmt"
	"sync"
	"time"
)

// NewDemoServer starts a fake BC serving the demo tenant d and the demo's
// custom API (jobTasks at JobTasksRoute): what the sync's --demo and the
// fakebc command run against. opts come after and may add to it.
func NewDemoServer(d DemoConfig, opts ...Option) *Server {
	all := append([]Option{WithDemo(d), WithCustomAPI("bcsdk", "demo", "v1.0", JobTasksAPI())}, opts...)
	return NewServer(all...)
}

// PlayDemoUser plays a user of the demo tenant, so that a watcher has
// changes to see: every interval (on the server's clock) it adds a
// customer to the first company and renames another, and calls report
// with the company's name, or with the error when a change failed. It
// returns the function that stops it, which waits for a change under way.
func (s *Server) PlayDemoUser(every time.Duration, report func(company string, err error)) (stop func()) {
	var mu sync.Mutex
	stopped := false
	var cancel func() bool
	n := 0
	var step func()
	step = func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		n++
		co := s.Tenant().Companies()[0]
		report(co.Name, editDemoCustomers(co, n))
		cancel = s.cfg.clock.AfterFunc(every, step)
	}
	mu.Lock()
	cancel = s.cfg.clock.AfterFunc(every, step)
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		cancel()
	}
}

// editDemoCustomers is the demo user's n-th change: a new customer, and
// the first customer renamed.
func editDemoCustomers(co *Company, n int) error {
	if _, err := co.Insert("customers", map[string]any{"number": fmt.Sprintf("DEMO-%d", n), "displayName": fmt.Sprintf("Demo customer %d", n)}); err != nil {
		return err
	}
	var first string
	co.Each("customers", func(r map[string]string) bool { first = r["id"]; return false })
	if first == "" {
		return nil
	}
	_, err := co.Update("customers", first, map[string]any{"displayName": fmt.Sprintf("Renamed in the demo (%d)", n)})
	return err
}
