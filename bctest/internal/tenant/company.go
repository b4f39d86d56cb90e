package tenant

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/schema"
)

// Company is one company of the tenant: its identity and, per API route and
// set, its table.
type Company struct {
	tenant  *Tenant
	id      string
	created time.Time

	mu          sync.RWMutex
	name        string
	displayName string
	tables      map[string]*table.Table // "route/set" → table
	media       *Media
}

// ID is the company's id; it never changes.
func (co *Company) ID() string { return co.id }

// Name is the company's name.
func (co *Company) Name() string {
	co.mu.RLock()
	defer co.mu.RUnlock()
	return co.name
}

// DisplayName is the company's display name.
func (co *Company) DisplayName() string {
	co.mu.RLock()
	defer co.mu.RUnlock()
	return co.displayName
}

// Rename changes the company's name and display name.
func (co *Company) Rename(name, displayName string) {
	co.mu.Lock()
	defer co.mu.Unlock()
	co.name, co.displayName = name, displayName
}

// Created is when the company was created.
func (co *Company) Created() time.Time { return co.created }

// Tenant is the tenant the company belongs to.
func (co *Company) Tenant() *Tenant { return co.tenant }

// Media is the company's uploaded stream content.
func (co *Company) Media() *Media { return co.media }

func (co *Company) addRouteTables(path string, svc *schema.Service) {
	co.mu.Lock()
	defer co.mu.Unlock()
	for _, set := range svc.EntitySets {
		if set.Name == "companies" || set.Name == "subscriptions" {
			continue
		}
		typ, ok := svc.EntityType(set.EntityType)
		if !ok {
			continue
		}
		t := table.New(set, typ, svc)
		route, name := path, set.Name
		t.Changed = func(kind string, old, nw *table.Row) {
			r := nw
			if r == nil {
				r = old
			}
			co.tenant.notify(table.Change{Route: route, CompanyID: co.id, Set: name, Key: t.RowKey(r.Vals), Kind: kind, Table: t, Old: old, New: nw})
		}
		co.tables[path+"/"+set.Name] = t
	}
}

// Table returns the table of a set on an API route.
func (co *Company) Table(route, set string) (*table.Table, bool) {
	co.mu.RLock()
	defer co.mu.RUnlock()
	t, ok := co.tables[route+"/"+set]
	return t, ok
}

// UseTable makes the company serve t for a set on an API route (tables the
// Automation API shares between companies).
func (co *Company) UseTable(route, set string, t *table.Table) {
	co.mu.Lock()
	defer co.mu.Unlock()
	co.tables[route+"/"+set] = t
}

// Std returns the table of a standard API set.
func (co *Company) Std(set string) (*table.Table, error) {
	t, ok := co.Table(bc.StandardRoute, set)
	if !ok {
		return nil, fmt.Errorf("bctest: no entity set %q in the standard API", set)
	}
	return t, nil
}

// Insert adds a row built from values (see BuildRow) to a set and returns it
// in wire text.
func (co *Company) Insert(route, set string, values map[string]any) (map[string]string, error) {
	co.tenant.Isolation.RLock()
	defer co.tenant.Isolation.RUnlock()
	t, ok := co.Table(route, set)
	if !ok {
		return nil, fmt.Errorf("bctest: no entity set %q on route %s", set, route)
	}
	vals, err := co.tenant.BuildRow(t, nil, values)
	if err != nil {
		return nil, err
	}
	r, err := t.Insert(vals, co.tenant.NextVersion())
	if err != nil {
		return nil, err
	}
	return t.Record(r), nil
}

// Update changes the given properties of a standard set's row.
func (co *Company) Update(set, key string, values map[string]any) (map[string]string, error) {
	co.tenant.Isolation.RLock()
	defer co.tenant.Isolation.RUnlock()
	t, err := co.Std(set)
	if err != nil {
		return nil, err
	}
	parent, k := table.SplitChildKey(t, key)
	old, ok := t.Lookup(parent, k)
	if !ok {
		return nil, fmt.Errorf("bctest: %s has no row %s", set, key)
	}
	vals, err := co.tenant.BuildRow(t, old.Vals, values)
	if err != nil {
		return nil, err
	}
	return t.Record(t.Replace(old, vals, co.tenant.NextVersion())), nil
}

// Delete removes a standard set's row.
func (co *Company) Delete(set, key string) error {
	co.tenant.Isolation.RLock()
	defer co.tenant.Isolation.RUnlock()
	t, err := co.Std(set)
	if err != nil {
		return err
	}
	parent, k := table.SplitChildKey(t, key)
	old, ok := t.Lookup(parent, k)
	if !ok {
		return fmt.Errorf("bctest: %s has no row %s", set, key)
	}
	t.Remove(old)
	return nil
}

// Get returns one row of a standard set in wire text.
func (co *Company) Get(set, key string) (map[string]string, bool) {
	t, err := co.Std(set)
	if err != nil {
		return nil, false
	}
	parent, k := table.SplitChildKey(t, key)
	r, ok := t.Lookup(parent, k)
	if !ok {
		return nil, false
	}
	return t.Record(r), true
}

// Each calls fn with every row of a set in BC's order, in wire text, until
// fn returns false, under the set's read lock.
func (co *Company) Each(route, set string, fn func(map[string]string) bool) error {
	t, ok := co.Table(route, set)
	if !ok {
		return fmt.Errorf("bctest: no entity set %q on route %s", set, route)
	}
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	t.Scan(math.MinInt64, 0, math.MaxInt, func(r *table.Row) bool { return fn(t.Record(r)) })
	return nil
}
