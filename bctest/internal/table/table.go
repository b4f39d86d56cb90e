// Package table holds the fake's rows: one Table per entity set and
// company, in wire text, with the scans the OData serving pages through.
package table

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/schema"
)

// The kinds of change a Table reports to Changed, named as BC's webhook
// notifications name them.
const (
	Created = "created"
	Updated = "updated"
	Deleted = "deleted"
)

// A Table holds the rows of one entity set in one company. Rows are kept in
// "wire text" form, aligned with the entity type's properties: each value is
// the JSON token without quotes (strings and GUIDs as they are, decimals like
// 413.28, dates 2025-05-08). The column's type says whether it is quoted when
// encoded. Rows are kept in the order BC would return them without $orderby
// (insertion order, which for G/L entries is entryNumber order); that order
// is what $skiptoken positions refer to, so rows inserted while a client
// pages appear in later pages, as in BC.
//
// A Table can also hold millions of virtual rows (G/L entries) that are
// derived from their index on demand and never materialised; changes to them
// are kept in an overlay.
type Table struct {
	Set    schema.EntitySet
	Type   *schema.EntityType
	Cols   []Column
	ColIdx map[string]int
	Key    int   // index of the (first) key column
	Keys   []int // every key column, in key order; more than one for a composite key
	// Parent is the column holding the Parent's id for sets that BC lists only
	// under a Parent (dimensionSetLines); -1 otherwise. Keys are unique only
	// within a Parent there.
	Parent int

	Mu      sync.RWMutex
	Rows    []*Row          // materialised rows in seq order, deleted ones removed
	byKey   map[string]*Row // key (and parent) → row
	nextSeq int64

	gen   int64 // bumped by every change, to invalidate indexes
	idxMu sync.Mutex
	idx   map[int]map[string][]*Row
	idxAt map[int]int64

	// Changed, when set, hears about every change after it is made.
	Changed func(kind string, old, new *Row)

	Virtual      Virtual
	vOverride    map[int]*Row // virtual rows changed since generation
	vOverrideIdx []int        // keys of vOverride, sorted
	vDeleted     map[int]bool
}

// Row is one entity. seq orders rows; version drives the ETag.
type Row struct {
	Seq     int64
	Version int64
	Vals    []string
}

// Column is one property of a table.
type Column struct {
	Name   string
	Kind   filter.Kind
	Enum   []string
	Quoted bool // encoded as a JSON string
	Prop   schema.Property
}

// Virtual generates rows from their index (bctest.VirtualRows is the same
// interface, with its documentation):
type Virtual interface {
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

// VirtualChildren lets virtual rows have generated children too
// (bctest.VirtualChildren is the same interface).
type VirtualChildren interface {
	Children(nav string, i int) [][]string
}

func New(set schema.EntitySet, typ *schema.EntityType, svc *schema.Service) *Table {
	t := &Table{Set: set, Type: typ, ColIdx: map[string]int{}, byKey: map[string]*Row{}, Key: -1, Parent: -1, nextSeq: 1}
	for _, p := range typ.Properties {
		if p.IsStream() || p.Collection || p.IsComplex() {
			continue
		}
		c := Column{Name: p.Name, Prop: p}
		c.Kind, c.Quoted = KindOf(p)
		if p.IsEnum() {
			if e, ok := svc.EnumType(p.EnumName()); ok {
				for _, m := range e.Members {
					c.Enum = append(c.Enum, m.Name)
				}
			}
		}
		t.ColIdx[p.Name] = len(t.Cols)
		t.Cols = append(t.Cols, c)
	}
	if len(typ.Key) > 0 {
		t.Key = t.ColIdx[typ.Key[0]]
	}
	for _, k := range typ.Key {
		t.Keys = append(t.Keys, t.ColIdx[k])
	}
	if set.Name == "dimensionSetLines" {
		t.Parent = t.ColIdx["parentId"]
	}
	return t
}

func KindOf(p schema.Property) (filter.Kind, bool) {
	if p.IsEnum() {
		return filter.Enum, true
	}
	switch p.Type {
	case "Edm.Guid":
		return filter.GUID, true
	case "Edm.Date":
		return filter.Date, true
	case "Edm.DateTimeOffset":
		return filter.DateTime, true
	case "Edm.Decimal", "Edm.Double", "Edm.Single":
		return filter.Decimal, false
	case "Edm.Int32", "Edm.Int64", "Edm.Int16", "Edm.Byte":
		return filter.Int, false
	case "Edm.Boolean":
		return filter.Bool, false
	}
	return filter.String, true
}

// EmptyValue is BC's value for a property nobody set: "" for text, the zero
// GUID, 0, false, 0001-01-01, the first enum member.
func (c Column) EmptyValue() string {
	switch c.Kind {
	case filter.GUID:
		return ZeroGUID
	case filter.Date:
		return "0001-01-01"
	case filter.DateTime:
		return "0001-01-01T00:00:00Z"
	case filter.Decimal, filter.Int:
		return "0"
	case filter.Bool:
		return "false"
	case filter.Enum:
		if len(c.Enum) > 0 {
			return c.Enum[0]
		}
	}
	return ""
}

const ZeroGUID = "00000000-0000-0000-0000-000000000000"

func (t *Table) Resolver() filter.Resolver {
	return func(name string) (filter.Field, bool) {
		i, ok := t.ColIdx[name]
		if !ok {
			return filter.Field{}, false
		}
		c := t.Cols[i]
		return filter.Field{Name: c.Name, Index: i, Kind: c.Kind, Enum: c.Enum}, true
	}
}

func (t *Table) RowKey(vals []string) string {
	k := vals[t.Key]
	if len(t.Keys) > 1 {
		parts := make([]string, len(t.Keys))
		for i, c := range t.Keys {
			parts[i] = vals[c]
		}
		k = CompositeKey(parts)
	}
	if t.Parent >= 0 {
		k = vals[t.Parent] + "/" + k
	}
	return FoldKey(k)
}

// FoldKey makes GUID keys case-insensitive, as BC's are: it lower-cases
// ASCII letters only, and returns k itself when it has none.
func FoldKey(k string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, k)
}

// Size is the number of live rows.
func (t *Table) Size() int {
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	n := len(t.Rows)
	if t.Virtual != nil {
		n += t.Virtual.Len() - len(t.vDeleted)
	}
	return n
}

// Insert appends a row; vals must be complete. It fails on a duplicate key.
func (t *Table) Insert(vals []string, version int64) (*Row, error) {
	r, err := t.insertLocked(vals, version)
	if err == nil && t.Changed != nil {
		t.Changed(Created, nil, r)
	}
	return r, err
}

func (t *Table) insertLocked(vals []string, version int64) (*Row, error) {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	k := t.RowKey(vals)
	if _, dup := t.byKey[k]; dup {
		return nil, fmt.Errorf("an entity with key %s already exists", vals[t.Key])
	}
	if t.Virtual != nil {
		if _, ok := t.Virtual.Find(vals[t.Key]); ok {
			return nil, fmt.Errorf("an entity with key %s already exists", vals[t.Key])
		}
	}
	r := &Row{Seq: t.nextSeq, Version: version, Vals: vals}
	t.nextSeq++
	t.gen++
	t.Rows = append(t.Rows, r)
	t.byKey[k] = r
	return r, nil
}

// Lookup finds a row by key (and parent for child sets). Virtual rows are
// materialised into a copy.
func (t *Table) Lookup(parent, key string) (*Row, bool) {
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	return t.lookupLocked(parent, key)
}

func (t *Table) lookupLocked(parent, key string) (*Row, bool) {
	k := key
	if t.Parent >= 0 {
		k = parent + "/" + key
	}
	if r, ok := t.byKey[FoldKey(k)]; ok {
		return r, true
	}
	if t.Virtual != nil {
		if i, ok := t.Virtual.Find(key); ok && !t.vDeleted[i] {
			if r, ok := t.vOverride[i]; ok {
				return r, true
			}
			return t.virtualRow(i), true
		}
	}
	return nil, false
}

func (t *Table) virtualRow(i int) *Row {
	return &Row{Seq: int64(i) - int64(t.Virtual.Len()), Version: int64(i) + 1, Vals: t.Virtual.Row(i, make([]string, len(t.Cols)))}
}

// Replace stores new values for an existing row under a new version.
func (t *Table) Replace(old *Row, vals []string, version int64) *Row {
	nr := t.ReplaceLocked(old, vals, version)
	if t.Changed != nil {
		t.Changed(Updated, old, nr)
	}
	return nr
}

func (t *Table) ReplaceLocked(old *Row, vals []string, version int64) *Row {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	t.gen++
	nr := &Row{Seq: old.Seq, Version: version, Vals: vals}
	if old.Seq <= 0 && t.Virtual != nil {
		i := int(old.Seq + int64(t.Virtual.Len()))
		if t.vOverride == nil {
			t.vOverride = map[int]*Row{}
		}
		if _, seen := t.vOverride[i]; !seen {
			at := sort.SearchInts(t.vOverrideIdx, i)
			t.vOverrideIdx = append(t.vOverrideIdx[:at], append([]int{i}, t.vOverrideIdx[at:]...)...)
		}
		t.vOverride[i] = nr
		return nr
	}
	i := t.indexOfSeq(old.Seq)
	if i >= 0 {
		t.Rows[i] = nr
		t.byKey[t.RowKey(vals)] = nr
	}
	return nr
}

// Remove deletes a row.
func (t *Table) Remove(old *Row) {
	t.RemoveLocked(old)
	if t.Changed != nil {
		t.Changed(Deleted, old, nil)
	}
}

func (t *Table) RemoveLocked(old *Row) {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	t.gen++
	if old.Seq <= 0 && t.Virtual != nil {
		i := int(old.Seq + int64(t.Virtual.Len()))
		if t.vDeleted == nil {
			t.vDeleted = map[int]bool{}
		}
		t.vDeleted[i] = true
		return
	}
	if i := t.indexOfSeq(old.Seq); i >= 0 {
		t.Rows = append(t.Rows[:i], t.Rows[i+1:]...)
		delete(t.byKey, t.RowKey(old.Vals))
	}
}

func SplitChildKey(t *Table, key string) (parent, k string) {
	if t.Parent >= 0 {
		if p, k, ok := strings.Cut(key, "/"); ok {
			return p, k
		}
	}
	return "", key
}

// RestoreLocked puts a removed row back where it was, without notifying.
func (t *Table) RestoreLocked(r *Row) {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	t.gen++
	if r.Seq <= 0 && t.Virtual != nil {
		delete(t.vDeleted, int(r.Seq+int64(t.Virtual.Len())))
		return
	}
	i := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Seq >= r.Seq })
	t.Rows = slices.Insert(t.Rows, i, r)
	t.byKey[t.RowKey(r.Vals)] = r
}

func CopyRow(r *Row) *Row {
	return &Row{Seq: r.Seq, Version: r.Version, Vals: slices.Clone(r.Vals)}
}

// SetVirtual makes v the table's virtual rows, forgetting changes to the
// previous ones.
func (t *Table) SetVirtual(v Virtual) {
	t.Virtual, t.vOverride, t.vOverrideIdx, t.vDeleted = v, nil, nil, nil
}
