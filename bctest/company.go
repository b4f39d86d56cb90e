package bctest

import (
	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/serve"
	"github.com/bcsdk/bc/bctest/internal/tenant"
)

// Company is one company of the fake tenant. ID, Name and DisplayName are
// as they were when the Tenant handed it out (the Automation API can rename
// a company; ask the Tenant again to see it).
type Company struct {
	ID          string
	Name        string
	DisplayName string
	co          *tenant.Company
}

func handle(co *tenant.Company) *Company {
	return &Company{ID: co.ID(), Name: co.Name(), DisplayName: co.DisplayName(), co: co}
}

// Insert adds a row to a standard API set and returns it in wire text.
// Values may be Go values (string, numbers, bool, decimal.Decimal,
// entities.Date, time.Time, enum strings) or wire text; properties left out
// get BC's empty values. A missing GUID key gets a new id, and
// lastModifiedDateTime is set to now.
func (co *Company) Insert(set string, values map[string]any) (map[string]string, error) {
	return co.co.Insert(bc.StandardRoute, set, values)
}

// InsertInto is Insert for another API route (a custom API).
func (co *Company) InsertInto(route, set string, values map[string]any) (map[string]string, error) {
	return co.co.Insert(route, set, values)
}

// Update changes the given properties of the row with that key (for child
// sets such as dimensionSetLines, "parentId/id") and bumps its version and
// lastModifiedDateTime.
func (co *Company) Update(set, key string, values map[string]any) (map[string]string, error) {
	return co.co.Update(set, key, values)
}

// Delete removes the row with that key.
func (co *Company) Delete(set, key string) error { return co.co.Delete(set, key) }

// Get returns one row of a standard set in wire text.
func (co *Company) Get(set, key string) (map[string]string, bool) { return co.co.Get(set, key) }

// Count returns the number of rows of a standard set.
func (co *Company) Count(set string) int {
	t, err := co.co.Std(set)
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
	_ = co.co.Each(bc.StandardRoute, set, fn)
}

// EachIn is Each for a set of another API route (a custom API).
func (co *Company) EachIn(route, set string, fn func(map[string]string) bool) error {
	return co.co.Each(route, set, fn)
}

// SetVirtual makes a standard set serve generated rows (see VirtualRows).
func (co *Company) SetVirtual(set string, v VirtualRows) error {
	t, err := co.co.Std(set)
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
	t, err := co.co.Std(set)
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
	return serve.EachChild(co.co, set, nav, fn)
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

// VirtualChildren lets virtual rows have generated children too (the
// dimensionSetLines of millions of G/L entries).
type VirtualChildren interface {
	Children(nav string, i int) [][]string
}
