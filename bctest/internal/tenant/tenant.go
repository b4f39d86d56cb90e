// Package tenant holds the fake tenant's state: its API routes and their
// schemas, its companies, each company's tables per set and uploaded media,
// the version counter behind ETags, and the isolation lock an atomic $batch
// takes. It is separate so that the serving core and the fake's parts share
// one data model, while the public bctest.Tenant and bctest.Company stay thin
// handles over it.
package tenant

import (
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

// Tenant is the data of the fake BC. It is safe for concurrent use.
type Tenant struct {
	mu        sync.RWMutex
	routes    map[string]*schema.Service // API route path → schema
	companies []*Company
	rng       *rand.Rand
	version   atomic.Int64
	now       func() time.Time

	lmu       sync.RWMutex
	listeners map[int]func(table.Change)
	nextL     int

	// Isolation gives an atomic $batch the tenant to itself, as BC's
	// "Isolation: snapshot" does: the batch holds it exclusively, every
	// other request and every change made through the Tenant's methods
	// shares it. So every change heard while a batch holds it is the
	// batch's own, and can be undone.
	Isolation sync.RWMutex
}

// New returns a tenant serving the standard API, with no companies; seed
// makes its new ids reproducible and now is its clock.
func New(seed uint64, now func() time.Time) *Tenant {
	t := &Tenant{
		routes: map[string]*schema.Service{bc.StandardRoute: entities.Schema},
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		now:    now,
	}
	t.version.Store(1_000_000)
	return t
}

// Now is the tenant's clock.
func (t *Tenant) Now() time.Time { return t.now() }

// NextVersion returns a new row version, higher than every one before.
func (t *Tenant) NextVersion() int64 { return t.version.Add(1) }

// Version is the last version given out.
func (t *Tenant) Version() int64 { return t.version.Load() }

// RaiseVersion makes the next version follow v, if v is ahead.
func (t *Tenant) RaiseVersion(v int64) {
	if t.version.Load() < v {
		t.version.Store(v)
	}
}

// OnChange registers fn to hear about every change to a row; call the
// returned func to stop.
func (t *Tenant) OnChange(fn func(table.Change)) (stop func()) {
	t.lmu.Lock()
	defer t.lmu.Unlock()
	if t.listeners == nil {
		t.listeners = map[int]func(table.Change){}
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

func (t *Tenant) notify(c table.Change) {
	t.lmu.RLock()
	fns := make([]func(table.Change), 0, len(t.listeners))
	for _, fn := range t.listeners {
		fns = append(fns, fn)
	}
	t.lmu.RUnlock()
	for _, fn := range fns {
		fn(c)
	}
}

// AddRoute registers another API route (a custom API, the Automation API)
// and its schema; every company gets empty tables for its sets.
func (t *Tenant) AddRoute(path string, svc *schema.Service) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.routes[path] = svc
	for _, co := range t.companies {
		co.addRouteTables(path, svc)
	}
}

// Route returns the schema served at an API route.
func (t *Tenant) Route(path string) (*schema.Service, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	svc, ok := t.routes[path]
	return svc, ok
}

// AddCompany adds a company with the tables of every route.
func (t *Tenant) AddCompany(id, name, displayName string, created time.Time) *Company {
	co := &Company{tenant: t, id: id, name: name, displayName: displayName, created: created,
		tables: map[string]*table.Table{}, media: &Media{blobs: map[string]Blob{}}}
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
		if strings.EqualFold(co.id, id) {
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
	for _, co := range t.Companies() {
		if strings.EqualFold(co.ID(), idOrName) || co.Name() == idOrName {
			return co, true
		}
	}
	return nil, false
}

// FindCompany finds the company a companies(…) segment names: by id, or by
// name with companies(name='…').
func (t *Tenant) FindCompany(seg protocol.Segment) *Company {
	for _, co := range t.Companies() {
		switch {
		case seg.KeyArg == "name" && co.Name() == seg.Key:
			return co
		case seg.KeyArg == "" && strings.EqualFold(co.ID(), seg.Key):
			return co
		}
	}
	return nil
}

// NewGUID returns a new id from the tenant's seeded generator.
func (t *Tenant) NewGUID() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := t.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return protocol.GUID(b[:])
}
