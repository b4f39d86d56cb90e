package bctest

import (
	"crypto/sha1"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
	"github.com/shopspring/decimal"
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

// AddCompany adds a company with a deterministic id derived from its name.
// Names may hold quotes, slashes and non-ASCII letters, as BC allows.
func (t *Tenant) AddCompany(name string) *Company {
	sum := sha1.Sum([]byte("bctest company " + name))
	return t.addCompany(&Company{ID: guidFromBytes(sum[:16]), Name: name, created: time.Date(2024, 1, 15, 8, 30, 0, 0, time.UTC)})
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

// buildRow converts values onto base (or empty values) for table t.
func (tn *Tenant) buildRow(t *table.Table, base []string, values map[string]any) ([]string, error) {
	vals := make([]string, len(t.Cols))
	if base != nil {
		copy(vals, base)
	} else {
		for i, c := range t.Cols {
			vals[i] = c.EmptyValue()
		}
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		i, ok := t.ColIdx[name]
		if !ok {
			return nil, fmt.Errorf("bctest: %s has no property %q", t.Set.Name, name)
		}
		w, err := wireText(t.Cols[i], values[name])
		if err != nil {
			return nil, fmt.Errorf("bctest: %s.%s: %w", t.Set.Name, name, err)
		}
		vals[i] = w
	}
	if base == nil && t.Key >= 0 && t.Cols[t.Key].Kind == filter.GUID && (vals[t.Key] == "" || vals[t.Key] == table.ZeroGUID) {
		vals[t.Key] = tn.newGUID()
	}
	if i, ok := t.ColIdx["lastModifiedDateTime"]; ok && t.Cols[i].Kind == filter.DateTime {
		if _, given := values["lastModifiedDateTime"]; !given {
			vals[i] = table.FormatDateTime(tn.now())
		}
	}
	return vals, nil
}

func (tn *Tenant) newGUID() string {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := tn.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return guidFromBytes(b[:])
}

func guidFromBytes(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// wireText renders a Go value as the wire text of a column.
func wireText(c table.Column, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return c.EmptyValue(), nil
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case decimal.Decimal:
		return x.String(), nil
	case entities.Date:
		return x.String(), nil
	case time.Time:
		if c.Kind == filter.Date {
			return x.Format(time.DateOnly), nil
		}
		return table.FormatDateTime(x), nil
	case fmt.Stringer:
		return x.String(), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'f', -1, 64), nil
	case reflect.String:
		return rv.String(), nil
	}
	return "", fmt.Errorf("unsupported value type %T", v)
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
