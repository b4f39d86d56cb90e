package bctest

import (
	"crypto/sha1"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
)

// Tenant is the data of the fake BC: its companies and, per company and API
// route, the rows of every entity set. It is safe for concurrent use; tests
// read and change it while a client is paging.
type Tenant struct{ t *tenant.Tenant }

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
}

// OnChange registers fn to hear about every change; call the returned func
// to stop.
func (t *Tenant) OnChange(fn func(Change)) (stop func()) {
	return t.t.OnChange(func(c table.Change) {
		fn(Change{Route: c.Route, CompanyID: c.CompanyID, Set: c.Set, Key: c.Key, Kind: c.Kind})
	})
}

func newTenant(seed uint64, clock Clock) *Tenant { return &Tenant{tenant.New(seed, clock.Now)} }

// AddCompany adds a company with a deterministic id derived from its name.
// Names may hold quotes, slashes and non-ASCII letters, as BC allows.
func (t *Tenant) AddCompany(name string) *Company {
	sum := sha1.Sum([]byte("bctest company " + name))
	return handle(t.t.AddCompany(protocol.GUID(sum[:16]), name, "", time.Date(2024, 1, 15, 8, 30, 0, 0, time.UTC)))
}

// RemoveCompany deletes a company and all its data.
func (t *Tenant) RemoveCompany(id string) bool { return t.t.RemoveCompany(id) }

// Companies returns the companies in creation order.
func (t *Tenant) Companies() []*Company {
	cos := t.t.Companies()
	out := make([]*Company, len(cos))
	for i, co := range cos {
		out[i] = handle(co)
	}
	return out
}

// Company finds a company by id (case-insensitive) or exact name.
func (t *Tenant) Company(idOrName string) (*Company, bool) {
	co, ok := t.t.Company(idOrName)
	if !ok {
		return nil, false
	}
	return handle(co), true
}
