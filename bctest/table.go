package bctest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/schema"
)

// A table holds the rows of one entity set in one company. Rows are kept in
// "wire text" form, aligned with the entity type's properties: each value is
// the JSON token without quotes (strings and GUIDs as they are, decimals like
// 413.28, dates 2025-05-08). The column's type says whether it is quoted when
// encoded. Rows are kept in the order BC would return them without $orderby
// (insertion order, which for G/L entries is entryNumber order); that order
// is what $skiptoken positions refer to, so rows inserted while a client
// pages appear in later pages, as in BC.
//
// A table can also hold millions of virtual rows (G/L entries) that are
// derived from their index on demand and never materialised; changes to them
// are kept in an overlay.
type table struct {
	set    schema.EntitySet
	typ    *schema.EntityType
	cols   []column
	colIdx map[string]int
	key    int   // index of the (first) key column
	keys   []int // every key column, in key order; more than one for a composite key
	// parent is the column holding the parent's id for sets that BC lists only
	// under a parent (dimensionSetLines); -1 otherwise. Keys are unique only
	// within a parent there.
	parent int

	mu      sync.RWMutex
	rows    []*row          // materialised rows in seq order, deleted ones removed
	byKey   map[string]*row // key (and parent) → row
	nextSeq int64

	gen   int64 // bumped by every change, to invalidate indexes
	idxMu sync.Mutex
	idx   map[int]map[string][]*row
	idxAt map[int]int64

	// changed, when set, hears about every change after it is made.
	changed func(kind string, old, new *row)

	virtual      VirtualRows
	vOverride    map[int]*row // virtual rows changed since generation
	vOverrideIdx []int        // keys of vOverride, sorted
	vDeleted     map[int]bool
}

// row is one entity. seq orders rows; version drives the ETag.
type row struct {
	seq     int64
	version int64
	vals    []string
}

// column is one property of a table.
type column struct {
	name   string
	kind   filter.Kind
	enum   []string
	quoted bool // encoded as a JSON string
	prop   schema.Property
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

func newTable(set schema.EntitySet, typ *schema.EntityType, svc *schema.Service) *table {
	t := &table{set: set, typ: typ, colIdx: map[string]int{}, byKey: map[string]*row{}, key: -1, parent: -1, nextSeq: 1}
	for _, p := range typ.Properties {
		if p.IsStream() || p.Collection || p.IsComplex() {
			continue
		}
		c := column{name: p.Name, prop: p}
		c.kind, c.quoted = kindOf(p)
		if p.IsEnum() {
			if e, ok := svc.EnumType(p.EnumName()); ok {
				for _, m := range e.Members {
					c.enum = append(c.enum, m.Name)
				}
			}
		}
		t.colIdx[p.Name] = len(t.cols)
		t.cols = append(t.cols, c)
	}
	if len(typ.Key) > 0 {
		t.key = t.colIdx[typ.Key[0]]
	}
	for _, k := range typ.Key {
		t.keys = append(t.keys, t.colIdx[k])
	}
	if set.Name == "dimensionSetLines" {
		t.parent = t.colIdx["parentId"]
	}
	return t
}

func kindOf(p schema.Property) (filter.Kind, bool) {
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

// emptyValue is BC's value for a property nobody set: "" for text, the zero
// GUID, 0, false, 0001-01-01, the first enum member.
func (c column) emptyValue() string {
	switch c.kind {
	case filter.GUID:
		return zeroGUID
	case filter.Date:
		return "0001-01-01"
	case filter.DateTime:
		return "0001-01-01T00:00:00Z"
	case filter.Decimal, filter.Int:
		return "0"
	case filter.Bool:
		return "false"
	case filter.Enum:
		if len(c.enum) > 0 {
			return c.enum[0]
		}
	}
	return ""
}

const zeroGUID = "00000000-0000-0000-0000-000000000000"

func (t *table) resolver() filter.Resolver {
	return func(name string) (filter.Field, bool) {
		i, ok := t.colIdx[name]
		if !ok {
			return filter.Field{}, false
		}
		c := t.cols[i]
		return filter.Field{Name: c.name, Index: i, Kind: c.kind, Enum: c.enum}, true
	}
}

func (t *table) rowKey(vals []string) string {
	k := vals[t.key]
	if len(t.keys) > 1 {
		parts := make([]string, len(t.keys))
		for i, c := range t.keys {
			parts[i] = vals[c]
		}
		k = compositeKey(parts)
	}
	if t.parent >= 0 {
		k = vals[t.parent] + "/" + k
	}
	return normKey(k)
}

// normKey makes GUID keys case-insensitive, as BC's are: it lower-cases
// ASCII letters only, and returns k itself when it has none.
func normKey(k string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, k)
}

// size is the number of live rows.
func (t *table) size() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := len(t.rows)
	if t.virtual != nil {
		n += t.virtual.Len() - len(t.vDeleted)
	}
	return n
}

// insert appends a row; vals must be complete. It fails on a duplicate key.
func (t *table) insert(vals []string, version int64) (*row, error) {
	r, err := t.insertLocked(vals, version)
	if err == nil && t.changed != nil {
		t.changed(ChangeCreated, nil, r)
	}
	return r, err
}

func (t *table) insertLocked(vals []string, version int64) (*row, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.rowKey(vals)
	if _, dup := t.byKey[k]; dup {
		return nil, fmt.Errorf("an entity with key %s already exists", vals[t.key])
	}
	if t.virtual != nil {
		if _, ok := t.virtual.Find(vals[t.key]); ok {
			return nil, fmt.Errorf("an entity with key %s already exists", vals[t.key])
		}
	}
	r := &row{seq: t.nextSeq, version: version, vals: vals}
	t.nextSeq++
	t.gen++
	t.rows = append(t.rows, r)
	t.byKey[k] = r
	return r, nil
}

// lookup finds a row by key (and parent for child sets). Virtual rows are
// materialised into a copy.
func (t *table) lookup(parent, key string) (*row, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.lookupLocked(parent, key)
}

func (t *table) lookupLocked(parent, key string) (*row, bool) {
	k := key
	if t.parent >= 0 {
		k = parent + "/" + key
	}
	if r, ok := t.byKey[normKey(k)]; ok {
		return r, true
	}
	if t.virtual != nil {
		if i, ok := t.virtual.Find(key); ok && !t.vDeleted[i] {
			if r, ok := t.vOverride[i]; ok {
				return r, true
			}
			return t.virtualRow(i), true
		}
	}
	return nil, false
}

func (t *table) virtualRow(i int) *row {
	return &row{seq: int64(i) - int64(t.virtual.Len()), version: int64(i) + 1, vals: t.virtual.Row(i, make([]string, len(t.cols)))}
}

// replace stores new values for an existing row under a new version.
func (t *table) replace(old *row, vals []string, version int64) *row {
	nr := t.replaceLocked(old, vals, version)
	if t.changed != nil {
		t.changed(ChangeUpdated, old, nr)
	}
	return nr
}

func (t *table) replaceLocked(old *row, vals []string, version int64) *row {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	nr := &row{seq: old.seq, version: version, vals: vals}
	if old.seq <= 0 && t.virtual != nil {
		i := int(old.seq + int64(t.virtual.Len()))
		if t.vOverride == nil {
			t.vOverride = map[int]*row{}
		}
		if _, seen := t.vOverride[i]; !seen {
			at := sort.SearchInts(t.vOverrideIdx, i)
			t.vOverrideIdx = append(t.vOverrideIdx[:at], append([]int{i}, t.vOverrideIdx[at:]...)...)
		}
		t.vOverride[i] = nr
		return nr
	}
	i := t.indexOfSeq(old.seq)
	if i >= 0 {
		t.rows[i] = nr
		t.byKey[t.rowKey(vals)] = nr
	}
	return nr
}

// remove deletes a row.
func (t *table) remove(old *row) {
	t.removeLocked(old)
	if t.changed != nil {
		t.changed(ChangeDeleted, old, nil)
	}
}

func (t *table) removeLocked(old *row) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	if old.seq <= 0 && t.virtual != nil {
		i := int(old.seq + int64(t.virtual.Len()))
		if t.vDeleted == nil {
			t.vDeleted = map[int]bool{}
		}
		t.vDeleted[i] = true
		return
	}
	if i := t.indexOfSeq(old.seq); i >= 0 {
		t.rows = append(t.rows[:i], t.rows[i+1:]...)
		delete(t.byKey, t.rowKey(old.vals))
	}
}

func (t *table) indexOfSeq(seq int64) int {
	i := sort.Search(len(t.rows), func(i int) bool { return t.rows[i].seq >= seq })
	if i < len(t.rows) && t.rows[i].seq == seq {
		return i
	}
	return -1
}

// scan calls fn for the rows with seq > after (beginning: math.MinInt64), in
// seq order, until fn returns false. Virtual rows (seq ≤ 0) come first. Generated virtual rows
// are visited only within the index range [lo, hi) the filter allows
// (virtualBounds); changed virtual rows are always visited because their
// values may now match. The caller holds t.mu.RLock.
func (t *table) scan(after int64, lo, hi int, fn func(r *row) bool) {
	if t.virtual != nil && after < 0 {
		n := t.virtual.Len()
		start := 0
		if after >= -int64(n) {
			start = int(after+int64(n)) + 1
		}
		i, end := max(start, lo), min(n, hi)
		k := sort.SearchInts(t.vOverrideIdx, start)
		buf := &row{}
		vals := make([]string, len(t.cols))
		for i < end || k < len(t.vOverrideIdx) {
			var next int
			switch {
			case k < len(t.vOverrideIdx) && (i >= end || t.vOverrideIdx[k] <= i):
				next = t.vOverrideIdx[k]
				k++
				if next == i {
					i++
				}
			default:
				next = i
				i++
			}
			if t.vDeleted[next] {
				continue
			}
			r, ok := t.vOverride[next]
			if !ok {
				*buf = row{seq: int64(next) - int64(n), version: int64(next) + 1, vals: t.virtual.Row(next, vals)}
				r = buf
			}
			if !fn(r) {
				return
			}
		}
		after = 0
	}
	i := sort.Search(len(t.rows), func(i int) bool { return t.rows[i].seq > after })
	for ; i < len(t.rows); i++ {
		if !fn(t.rows[i]) {
			return
		}
	}
}

// scanReverse is scan in descending seq order: rows with seq < before.
func (t *table) scanReverse(before int64, lo, hi int, fn func(r *row) bool) {
	i := sort.Search(len(t.rows), func(i int) bool { return t.rows[i].seq >= before }) - 1
	for ; i >= 0; i-- {
		if !fn(t.rows[i]) {
			return
		}
	}
	if t.virtual == nil {
		return
	}
	n := t.virtual.Len()
	start := n - 1
	if before <= 0 {
		start = int(before+int64(n)) - 1
	}
	vals := make([]string, len(t.cols))
	buf := &row{}
	k := sort.SearchInts(t.vOverrideIdx, start+1) - 1
	i, floor := min(start, hi-1), max(lo, 0)
	for i >= floor || k >= 0 {
		var next int
		switch {
		case k >= 0 && (i < floor || t.vOverrideIdx[k] >= i):
			next = t.vOverrideIdx[k]
			k--
			if next == i {
				i--
			}
		default:
			next = i
			i--
		}
		if next > start || t.vDeleted[next] {
			continue
		}
		r, ok := t.vOverride[next]
		if !ok {
			*buf = row{seq: int64(next) - int64(n), version: int64(next) + 1, vals: t.virtual.Row(next, vals)}
			r = buf
		}
		if !fn(r) {
			return
		}
	}
}

// virtualBounds turns a filter's range on monotonic columns into an index
// range [lo, hi) of virtual rows that can match; rows outside cannot.
func (t *table) virtualBounds(f *filter.Filter) (lo, hi int) {
	n := t.virtual.Len()
	lo, hi = 0, n
	if f == nil {
		return lo, hi
	}
	vals := make([]string, len(t.cols))
	for _, c := range t.cols {
		if !t.virtual.Monotonic(c.name) {
			continue
		}
		min, max := f.Range(c.name)
		ci := t.colIdx[c.name]
		if min.Set {
			// first index whose value is ≥ (or >) the bound
			l := sort.Search(n, func(i int) bool {
				cmp := compareWire(c.kind, t.virtual.Row(i, vals)[ci], min.Value)
				return cmp > 0 || cmp == 0 && min.Inclusive
			})
			lo = maxInt(lo, l)
		}
		if max.Set {
			h := sort.Search(n, func(i int) bool {
				cmp := compareWire(c.kind, t.virtual.Row(i, vals)[ci], max.Value)
				return cmp > 0 || cmp == 0 && !max.Inclusive
			})
			hi = minInt(hi, h)
		}
	}
	return lo, hi
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// compareWire orders two wire-text values of a column kind.
func compareWire(k filter.Kind, a, b string) int {
	switch k {
	case filter.Int:
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case filter.Decimal:
		return compareDecimalText(a, b)
	case filter.DateTime:
		return compareDateTimeText(a, b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rowsWhere returns the materialised rows whose column equals v (GUIDs and
// codes compared case-insensitively), through an index rebuilt after changes.
func (t *table) rowsWhere(column, v string) []*row {
	ci, ok := t.colIdx[column]
	if !ok {
		return nil
	}
	t.idxMu.Lock()
	defer t.idxMu.Unlock()
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.idx == nil {
		t.idx, t.idxAt = map[int]map[string][]*row{}, map[int]int64{}
	}
	m, built := t.idx[ci]
	if !built || t.idxAt[ci] != t.gen {
		m = make(map[string][]*row, len(t.rows))
		for _, r := range t.rows {
			k := normKey(r.vals[ci])
			m[k] = append(m[k], r)
		}
		t.idx[ci], t.idxAt[ci] = m, t.gen
	}
	found := m[normKey(v)]
	out := make([]*row, len(found))
	for i, r := range found {
		out[i] = copyRow(r)
	}
	return out
}
