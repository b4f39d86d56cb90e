package bctest

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/schema"
)

// Company is one company of the fake tenant.
type Company struct {
	tenant      *Tenant
	ID          string
	Name        string
	DisplayName string
	created     time.Time

	mu     sync.RWMutex
	tables map[string]*table.Table // "route/set" → table
	media  *mediaStore
}

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
			co.tenant.notify(Change{Route: route, CompanyID: co.ID, Set: name, Key: t.RowKey(r.Vals), Kind: kind, t: t, old: old, new: nw})
		}
		co.tables[path+"/"+set.Name] = t
	}
}

func (co *Company) table(route, set string) (*table.Table, bool) {
	co.mu.RLock()
	defer co.mu.RUnlock()
	t, ok := co.tables[route+"/"+set]
	return t, ok
}

func (co *Company) std(set string) (*table.Table, error) {
	t, ok := co.table(bc.StandardRoute, set)
	if !ok {
		return nil, fmt.Errorf("bctest: no entity set %q in the standard API", set)
	}
	return t, nil
}

// Insert adds a row to a standard API set and returns it in wire text.
// Values may be Go values (string, numbers, bool, decimal.Decimal,
// entities.Date, time.Time, enum strings) or wire text; properties left out
// get BC's empty values. A missing GUID key gets a new id, and
// lastModifiedDateTime is set to now.
func (co *Company) Insert(set string, values map[string]any) (map[string]string, error) {
	return co.InsertInto(bc.StandardRoute, set, values)
}

// InsertInto is Insert for another API route (a custom API).
func (co *Company) InsertInto(route, set string, values map[string]any) (map[string]string, error) {
	co.tenant.isolation.RLock()
	defer co.tenant.isolation.RUnlock()
	t, ok := co.table(route, set)
	if !ok {
		return nil, fmt.Errorf("bctest: no entity set %q on route %s", set, route)
	}
	vals, err := co.tenant.buildRow(t, nil, values)
	if err != nil {
		return nil, err
	}
	r, err := t.Insert(vals, co.tenant.version.Add(1))
	if err != nil {
		return nil, err
	}
	return t.Record(r), nil
}

// Update changes the given properties of the row with that key (for child
// sets such as dimensionSetLines, "parentId/id") and bumps its version and
// lastModifiedDateTime.
func (co *Company) Update(set, key string, values map[string]any) (map[string]string, error) {
	co.tenant.isolation.RLock()
	defer co.tenant.isolation.RUnlock()
	t, err := co.std(set)
	if err != nil {
		return nil, err
	}
	parent, k := table.SplitChildKey(t, key)
	old, ok := t.Lookup(parent, k)
	if !ok {
		return nil, fmt.Errorf("bctest: %s has no row %s", set, key)
	}
	vals, err := co.tenant.buildRow(t, old.Vals, values)
	if err != nil {
		return nil, err
	}
	return t.Record(t.Replace(old, vals, co.tenant.version.Add(1))), nil
}

// Delete removes the row with that key.
func (co *Company) Delete(set, key string) error {
	co.tenant.isolation.RLock()
	defer co.tenant.isolation.RUnlock()
	t, err := co.std(set)
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
	t, err := co.std(set)
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

// Count returns the number of rows of a standard set.
func (co *Company) Count(set string) int {
	t, err := co.std(set)
	if err != nil {
		return 0
	}
	return t.Size()
}

// Each calls fn with every row of a standard set in BC's order, in wire text,
// until fn returns false. Virtual rows are generated one at a time, so it
// works for millions of rows. fn runs under the set's read lock: it must not
// read or change the same set.
func (co *Company) Each(set string, fn func(map[string]string) bool) {
	_ = co.EachIn(bc.StandardRoute, set, fn)
}

// EachIn is Each for a set of another API route (a custom API).
func (co *Company) EachIn(route, set string, fn func(map[string]string) bool) error {
	t, ok := co.table(route, set)
	if !ok {
		return fmt.Errorf("bctest: no entity set %q on route %s", set, route)
	}
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	t.Scan(math.MinInt64, 0, math.MaxInt, func(r *table.Row) bool { return fn(t.Record(r)) })
	return nil
}

// SetVirtual makes a standard set serve generated rows (see VirtualRows).
func (co *Company) SetVirtual(set string, v VirtualRows) error {
	t, err := co.std(set)
	if err != nil {
		return err
	}
	t.Mu.Lock()
	defer t.Mu.Unlock()
	t.SetVirtual(v)
	return nil
}

// Columns returns the property names of a set's rows, in wire order.
func (co *Company) Columns(set string) []string {
	t, err := co.std(set)
	if err != nil {
		return nil
	}
	names := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		names[i] = c.Name
	}
	return names
}

// EachChild calls fn with every row reached through the navigation nav of
// every row of set (a G/L entry's dimensionSetLines, an invoice's lines), in
// wire text, with the parent's key. Generated children of virtual rows are
// included.
func (co *Company) EachChild(set, nav string, fn func(parentKey string, child map[string]string) bool) error {
	t, err := co.std(set)
	if err != nil {
		return err
	}
	np := findNav(t.Type, nav)
	if np == nil || len(np.Constraints) == 0 {
		return fmt.Errorf("bctest: %s has no navigation %q", set, nav)
	}
	child, ok := co.table(bc.StandardRoute, setOfType(co.tenant.routes[bc.StandardRoute], np.Type))
	if !ok {
		return fmt.Errorf("bctest: no entity set serves %s", np.Type)
	}
	var parents []*table.Row
	t.Mu.RLock()
	t.Scan(math.MinInt64, 0, math.MaxInt, func(r *table.Row) bool { parents = append(parents, table.CopyRow(r)); return true })
	t.Mu.RUnlock()
	for _, p := range parents {
		n := &node{co: co, t: child, parent: p, via: np, ptable: t}
		var rows []*table.Row
		if vc, ok := t.Virtual.(VirtualChildren); ok && p.Seq <= 0 {
			for _, vals := range vc.Children(nav, int(p.Seq+int64(t.Virtual.Len()))) {
				rows = append(rows, &table.Row{Vals: vals, Version: p.Version})
			}
		} else {
			rows = child.RowsWhere(np.Constraints[0].ReferencedProperty, p.Vals[t.ColIdx[np.Constraints[0].Property]])
		}
		for _, r := range rows {
			if !n.children(r) {
				continue
			}
			if !fn(p.Vals[t.Key], child.Record(r)) {
				return nil
			}
		}
	}
	return nil
}

// VirtualRows generates rows from their index, for tables too big to hold:
// millions of G/L entries per company cost no memory until they are served.
type VirtualRows interface {
	// Len is the number of generated rows.
	Len() int
	// Row writes the wire-text values of row i into dst (len(dst) == number of
	// properties) and returns it.
	Row(i int, dst []string) []string
	// Monotonic reports whether a column's values never decrease as i grows,
	// so a range filter on it can be answered by binary search.
	Monotonic(column string) bool
	// Find returns the index of the row with the given key.
	Find(key string) (int, bool)
}
