package synctest

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"sync"
)

// Principal is an (Entra tenant, client id) whose fake BC servers count the
// requests it has in flight across all of its environments. BC allows 5 at
// once per user or service principal; the tests and benchmarks of many
// tenants check, with MaxInFlight, that the sync's cap held.
type Principal struct {
	Entra, Client string

	mu            sync.Mutex
	inFlight, max int
}

// NewPrincipal returns a principal with random GUIDs: PostgreSQL advisory
// locks, which the jobs key on the principal, span the whole database, so
// fixed ids would make runs beside each other take turns.
func NewPrincipal() *Principal { return &Principal{Entra: randomGUID(), Client: randomGUID()} }

// Count wraps a fake's handler so that its requests count for p.
func (p *Principal) Count(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.inFlight++
		p.max = max(p.max, p.inFlight)
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.inFlight--
			p.mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

// MaxInFlight is the most requests p had in flight at once; reset starts
// the count over (for the next measured run).
func (p *Principal) MaxInFlight(reset bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.max
	if reset {
		p.max = 0
	}
	return m
}

func randomGUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
