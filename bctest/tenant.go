package bctest

import (
	"crypto/sha1"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

// Tenant is the data of the fake BC: its companies and, per company and API
// route, the rows of every entity set. It is safe for concurrent use; tests
// read and change it while a client is paging.
type Tenant struct {
	routes map[string]*schema.Service // API route path → schema

	mu        sync.RWMutex
	companies []*Company
	rng       *rand.Rand
	version   atomic.Int64
	now       func() time.Time

	lmu       sync.RWMutex
	listeners map[int]func(Change)
	nextL     int

	// isolation gives an atomic $batch the tenant to itself, as BC's
	// "Isolation: snapshot" does: the batch holds it exclusively, every
	// other request and every change made through the Tenant's methods
	// shares it. So every change heard while a batch holds it is the
	// batch's own, and can be undone.
	isolation sync.RWMutex
}

// The kinds of Change, named as BC's webhook notifications name them.
const (
	ChangeCreated = table.Created
	ChangeUpdated = table.Updated
	ChangeDeleted = table.Deleted
)

// Change is a change to one row of the fake: through the API, the Tenant's
// methods or churn. Listeners (webhook notifications, tests) hear about it
// after it is made.
type Change struct {
	Route, CompanyID, Set string
	// Key is the row's key (for child sets, "parentId/id").
	Key  string
	Kind string
	// old and new are the row before and after (nil when absent), for the
	// fake's own use (undoing an atomic $batch).
	t        *table.Table
	old, new *table.Row
}

// internal is the change as the fake's parts hear it.
func (c Change) internal() table.Change {
	return table.Change{Route: c.Route, CompanyID: c.CompanyID, Set: c.Set, Kind: c.Kind, Table: c.t, Old: c.old, New: c.new}
}

// OnChange registers fn to hear about every change; call the returned func
// to stop.
func (t *Tenant) OnChange(fn func(Change)) (stop func()) {
	t.lmu.Lock()
	defer t.lmu.Unlock()
	if t.listeners == nil {
		t.listeners = map[int]func(Change){}
	}
	id := t.nextL
	t.nextL++
	t.listeners[id] = fn
	return func() {
		t.lmu.Lock()
		defer t.lmu.Unlock()
		delete(t.listeners, id)
	}
}

func (t *Tenant) notify(c Change) {
	t.lmu.RLock()
	fns := make([]func(Change), 0, len(t.listeners))
	for _, fn := range t.listeners {
		fns = append(fns, fn)
	}
	t.lmu.RUnlock()
	for _, fn := range fns {
		fn(c)
	}
}

func newTenant(seed uint64, clock Clock) *Tenant {
	t := &Tenant{
		routes: map[string]*schema.Service{bc.StandardRoute: entities.Schema},
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		now:    clock.Now,
	}
	t.version.Store(1_000_000)
	return t
}

// addRoute registers another API route (a custom API, the Automation API)
// and its schema; every company gets empty tables for its sets.
func (t *Tenant) addRoute(path string, svc *schema.Service) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.routes[path] = svc
	for _, co := range t.companies {
		co.addRouteTables(path, svc)
	}
}

// AddCompany adds a company with a deterministic id derived from its name.
// Names may hold quotes, slashes and non-ASCII letters, as BC allows.
func (t *Tenant) AddCompany(name string) *Company {
	sum := sha1.Sum([]byte("bctest company " + name))
	return t.addCompany(&Company{ID: protocol.GUID(sum[:16]), Name: name, created: time.Date(2024, 1, 15, 8, 30, 0, 0, time.UTC)})
}

// addCompany gives co the tables of every route and adds it to the tenant.
func (t *Tenant) addCompany(co *Company) *Company {
	co.tenant, co.tables, co.media = t, map[string]*table.Table{}, &mediaStore{blobs: map[string]blob{}}
	t.mu.Lock()
	defer t.mu.Unlock()
	for path, svc := range t.routes {
		co.addRouteTables(path, svc)
	}
	t.companies = append(t.companies, co)
	return co
}

// RemoveCompany deletes a company and all its data.
func (t *Tenant) RemoveCompany(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, co := range t.companies {
		if strings.EqualFold(co.ID, id) {
			t.companies = append(t.companies[:i], t.companies[i+1:]...)
			return true
		}
	}
	return false
}

// Companies returns the companies in creation order.
func (t *Tenant) Companies() []*Company {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]*Company(nil), t.companies...)
}

// Company finds a company by id (case-insensitive) or exact name.
func (t *Tenant) Company(idOrName string) (*Company, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, co := range t.companies {
		if strings.EqualFold(co.ID, idOrName) || co.Name == idOrName {
			return co, true
		}
	}
	return nil, false
}
