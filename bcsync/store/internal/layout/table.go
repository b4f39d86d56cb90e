package layout

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bcsync/store"
)

// Names the layout reserves.
const (
	CompanyIDCol = "companyId"
	// DeletedCol is the column Reconcile adds when it marks rows instead of
	// deleting them.
	DeletedCol = "_deleted"
)

// BookTables are the sync's bookkeeping tables, described like output tables
// so every store creates, checks and (JSONL) publishes them the same way.
// _runs.id is assigned by the store.
var BookTables = []*store.Table{
	{Name: "_runs", Key: []string{"id"}, Columns: []store.Column{
		{Name: "id", Type: store.Int}, {Name: "started", Type: store.DateTime}, {Name: "serverStart", Type: store.DateTime}, {Name: "finished", Type: store.DateTime},
		{Name: "mode", Type: store.Text}, {Name: "status", Type: store.Text}, {Name: "plan", Type: store.Text}}},
	{Name: "_watermarks", Key: []string{"companyId", "set"}, Columns: []store.Column{
		{Name: "companyId", Type: store.Text}, {Name: "set", Type: store.Text}, {Name: "at", Type: store.DateTime}}},
	{Name: "_counts", Key: []string{"runId", "companyId", "set"}, Columns: []store.Column{
		{Name: "runId", Type: store.Int}, {Name: "companyId", Type: store.Text}, {Name: "set", Type: store.Text},
		{Name: "inserted", Type: store.Int}, {Name: "updated", Type: store.Int}, {Name: "unchanged", Type: store.Int}, {Name: "deleted", Type: store.Int},
		{Name: "requests", Type: store.Int}, {Name: "retries", Type: store.Int}, {Name: "throttled", Type: store.Int}, {Name: "durationMs", Type: store.Int}}},
	{Name: "_errors", Key: []string{"runId", "companyId", "set"}, Columns: []store.Column{
		{Name: "runId", Type: store.Int}, {Name: "companyId", Type: store.Text}, {Name: "set", Type: store.Text}, {Name: "message", Type: store.Text}}},
	{Name: "_checkpoints", Key: []string{"runId", "companyId", "set", "partition"}, Columns: []store.Column{
		{Name: "runId", Type: store.Int}, {Name: "companyId", Type: store.Text}, {Name: "set", Type: store.Text}, {Name: "partition", Type: store.Text},
		{Name: "next", Type: store.Text}, {Name: "done", Type: store.Bool}, {Name: "rows", Type: store.Int}}},
	{Name: SourceTable, Key: []string{"tenant", "environment", "serviceRoot"}, Columns: []store.Column{
		{Name: "tenant", Type: store.Text}, {Name: "environment", Type: store.Text}, {Name: "serviceRoot", Type: store.Text}}},
}

// bookNames lists the bookkeeping tables for error messages.
func bookNames() string {
	names := make([]string, len(BookTables))
	for i, t := range BookTables {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// ForeignSchemaError explains a bookkeeping table the sync did not create.
func ForeignSchemaError(where, table string, have []string, want *store.Table) error {
	wantNames := make([]string, len(want.Columns))
	for i, c := range want.Columns {
		wantNames[i] = c.Name
	}
	return fmt.Errorf("%s: table %q has columns (%s) but the sync expects (%s): use another destination, or drop the sync's tables (%s) to start over",
		where, table, strings.Join(have, ", "), strings.Join(wantNames, ", "), bookNames())
}

// SameColumns reports whether have holds exactly the columns of t.
func SameColumns(have []string, t *store.Table) bool {
	if len(have) != len(t.Columns) {
		return false
	}
	for _, c := range t.Columns {
		if !Contains(have, c.Name) {
			return false
		}
	}
	return true
}

func Contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Resolved is a Table checked against the layout rules, with the positions of
// its key, parent and companyId columns resolved.
type Resolved struct {
	Table      *store.Table
	KeyIdx     []int
	ParentIdx  int // -1 when t.Parent is ""
	CompanyIdx int // -1 when t has no companyId column
	// ModifiedIdx is the lastModifiedDateTime column (store.ModifiedCol),
	// -1 when t has none.
	ModifiedIdx int
	// sig identifies the column set (names and types) for statement caches.
	Sig string
}

// Resolve validates t and returns its Resolved.
func Resolve(t *store.Table) (*Resolved, error) {
	if t == nil {
		return nil, errors.New("store: nil table")
	}
	if t.Name == "" || strings.ContainsRune(t.Name, 0) {
		return nil, fmt.Errorf("store: invalid table name %q", t.Name)
	}
	for _, b := range BookTables {
		if t.Name == b.Name {
			return nil, fmt.Errorf("store: table name %q is reserved for the sync's bookkeeping", t.Name)
		}
	}
	if len(t.Columns) == 0 {
		return nil, fmt.Errorf("store: table %q has no columns", t.Name)
	}
	if len(t.Key) == 0 {
		return nil, fmt.Errorf("store: table %q has no key", t.Name)
	}
	rt := &Resolved{Table: t, ParentIdx: -1, CompanyIdx: -1, ModifiedIdx: -1}
	var sig strings.Builder
	pos := make(map[string]int, len(t.Columns))
	for i, c := range t.Columns {
		if c.Name == "" || strings.ContainsRune(c.Name, 0) {
			return nil, fmt.Errorf("store: table %q: invalid column name %q", t.Name, c.Name)
		}
		if c.Name == DeletedCol {
			return nil, fmt.Errorf("store: table %q: column name %q is reserved for delete marks", t.Name, c.Name)
		}
		if c.Type < store.Text || c.Type > store.Float {
			return nil, fmt.Errorf("store: table %q: column %q has unknown type %d", t.Name, c.Name, c.Type)
		}
		if _, dup := pos[c.Name]; dup {
			return nil, fmt.Errorf("store: table %q: duplicate column %q", t.Name, c.Name)
		}
		pos[c.Name] = i
		sig.WriteString(c.Name)
		sig.WriteByte(0)
		sig.WriteByte(byte('a' + c.Type))
	}
	for _, k := range t.Key {
		i, ok := pos[k]
		if !ok {
			return nil, fmt.Errorf("store: table %q: key column %q is not a column", t.Name, k)
		}
		if Contains(t.Key[:len(rt.KeyIdx)], k) {
			return nil, fmt.Errorf("store: table %q: key column %q repeated", t.Name, k)
		}
		rt.KeyIdx = append(rt.KeyIdx, i)
	}
	if t.Parent != "" {
		i, ok := pos[t.Parent]
		if !ok {
			return nil, fmt.Errorf("store: table %q: parent column %q is not a column", t.Name, t.Parent)
		}
		rt.ParentIdx = i
	}
	if i, ok := pos[CompanyIDCol]; ok {
		if !Contains(t.Key, CompanyIDCol) {
			return nil, fmt.Errorf("store: table %q: %s must be part of the key", t.Name, CompanyIDCol)
		}
		rt.CompanyIdx = i
	}
	if i, ok := pos[store.ModifiedCol]; ok {
		rt.ModifiedIdx = i
	}
	rt.Sig = sig.String()
	return rt, nil
}

// IsKey reports whether column i is a key column.
func (rt *Resolved) IsKey(i int) bool {
	for _, k := range rt.KeyIdx {
		if k == i {
			return true
		}
	}
	return false
}

// CheckRow validates the length of r and the key values.
func (rt *Resolved) CheckRow(r store.Row) error {
	if len(r) != len(rt.Table.Columns) {
		return fmt.Errorf("store: table %q: row has %d values for %d columns", rt.Table.Name, len(r), len(rt.Table.Columns))
	}
	for _, k := range rt.KeyIdx {
		if !r[k].Valid {
			return fmt.Errorf("store: table %q: key column %q is NULL", rt.Table.Name, rt.Table.Columns[k].Name)
		}
	}
	return nil
}

// CheckKey validates one key of Batch.Deletes or Reconcile.
func (rt *Resolved) CheckKey(key []string) error {
	if len(key) != len(rt.KeyIdx) {
		return fmt.Errorf("store: table %q: key has %d values for key (%s)", rt.Table.Name, len(key), strings.Join(rt.Table.Key, ", "))
	}
	return nil
}

// AppendKey appends an unambiguous encoding of vals (length-prefixed) to b,
// for use as a map key.
func AppendKey(b []byte, vals ...string) []byte {
	for _, v := range vals {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
	}
	return b
}

// ColumnNames lists the names of t's columns.
func ColumnNames(t *store.Table) []string {
	n := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		n[i] = c.Name
	}
	return n
}

// ResolveStaged checks that b can be staged — upserts only, into a table
// the store has ensured — and returns its table's Resolved.
func ResolveStaged(b *store.Batch, ensured bool) (*Resolved, error) {
	if len(b.ReplaceParents) > 0 || len(b.Deletes) > 0 {
		return nil, fmt.Errorf("table %q: a staged batch cannot replace parents or delete rows", b.Table.Name)
	}
	rt, err := Resolve(b.Table)
	if err != nil {
		return nil, err
	}
	if !ensured {
		return nil, fmt.Errorf("table %q: %w", b.Table.Name, ErrNotEnsured)
	}
	return rt, nil
}
