package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Names the layout reserves.
const (
	companyIDCol = "companyId"
	// deletedCol is the column Reconcile adds when it marks rows instead of
	// deleting them.
	deletedCol = "_deleted"
)

// bookTables are the sync's bookkeeping tables, described like output tables
// so every store creates, checks and (JSONL) publishes them the same way.
// _runs.id is assigned by the store.
var bookTables = []*Table{
	{Name: "_runs", Key: []string{"id"}, Columns: []Column{
		{"id", Int}, {"started", DateTime}, {"serverStart", DateTime}, {"finished", DateTime},
		{"mode", Text}, {"status", Text}, {"plan", Text}}},
	{Name: "_watermarks", Key: []string{"companyId", "set"}, Columns: []Column{
		{"companyId", Text}, {"set", Text}, {"at", DateTime}}},
	{Name: "_counts", Key: []string{"runId", "companyId", "set"}, Columns: []Column{
		{"runId", Int}, {"companyId", Text}, {"set", Text},
		{"inserted", Int}, {"updated", Int}, {"unchanged", Int}, {"deleted", Int},
		{"requests", Int}, {"retries", Int}, {"throttled", Int}, {"durationMs", Int}}},
	{Name: "_errors", Key: []string{"runId", "companyId", "set"}, Columns: []Column{
		{"runId", Int}, {"companyId", Text}, {"set", Text}, {"message", Text}}},
	{Name: "_checkpoints", Key: []string{"runId", "companyId", "set", "partition"}, Columns: []Column{
		{"runId", Int}, {"companyId", Text}, {"set", Text}, {"partition", Text},
		{"next", Text}, {"done", Bool}, {"rows", Int}}},
}

// bookNames lists the bookkeeping tables for error messages.
func bookNames() string {
	names := make([]string, len(bookTables))
	for i, t := range bookTables {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// foreignSchemaError explains a bookkeeping table the sync did not create.
func foreignSchemaError(where, table string, have []string, want *Table) error {
	wantNames := make([]string, len(want.Columns))
	for i, c := range want.Columns {
		wantNames[i] = c.Name
	}
	return fmt.Errorf("%s: table %q has columns (%s) but the sync expects (%s): use another destination, or drop the sync's tables (%s) to start over",
		where, table, strings.Join(have, ", "), strings.Join(wantNames, ", "), bookNames())
}

// sameColumns reports whether have holds exactly the columns of t.
func sameColumns(have []string, t *Table) bool {
	if len(have) != len(t.Columns) {
		return false
	}
	for _, c := range t.Columns {
		if !contains(have, c.Name) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// shape is a Table checked against the layout rules, with the positions of
// its key, parent and companyId columns resolved.
type shape struct {
	t          *Table
	keyIdx     []int
	parentIdx  int // -1 when t.Parent is ""
	companyIdx int // -1 when t has no companyId column
	// sig identifies the column set (names and types) for statement caches.
	sig string
}

// resolve validates t and returns its shape.
func resolve(t *Table) (*shape, error) {
	if t == nil {
		return nil, errors.New("store: nil table")
	}
	if t.Name == "" || strings.ContainsRune(t.Name, 0) {
		return nil, fmt.Errorf("store: invalid table name %q", t.Name)
	}
	for _, b := range bookTables {
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
	sh := &shape{t: t, parentIdx: -1, companyIdx: -1}
	var sig strings.Builder
	pos := make(map[string]int, len(t.Columns))
	for i, c := range t.Columns {
		if c.Name == "" || strings.ContainsRune(c.Name, 0) {
			return nil, fmt.Errorf("store: table %q: invalid column name %q", t.Name, c.Name)
		}
		if c.Name == deletedCol {
			return nil, fmt.Errorf("store: table %q: column name %q is reserved for delete marks", t.Name, c.Name)
		}
		if c.Type < Text || c.Type > Float {
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
		if contains(t.Key[:len(sh.keyIdx)], k) {
			return nil, fmt.Errorf("store: table %q: key column %q repeated", t.Name, k)
		}
		sh.keyIdx = append(sh.keyIdx, i)
	}
	if t.Parent != "" {
		i, ok := pos[t.Parent]
		if !ok {
			return nil, fmt.Errorf("store: table %q: parent column %q is not a column", t.Name, t.Parent)
		}
		sh.parentIdx = i
	}
	if i, ok := pos[companyIDCol]; ok {
		if !contains(t.Key, companyIDCol) {
			return nil, fmt.Errorf("store: table %q: %s must be part of the key", t.Name, companyIDCol)
		}
		sh.companyIdx = i
	}
	sh.sig = sig.String()
	return sh, nil
}

// isKey reports whether column i is a key column.
func (sh *shape) isKey(i int) bool {
	for _, k := range sh.keyIdx {
		if k == i {
			return true
		}
	}
	return false
}

// checkRow validates the length of r and the key values.
func (sh *shape) checkRow(r Row) error {
	if len(r) != len(sh.t.Columns) {
		return fmt.Errorf("store: table %q: row has %d values for %d columns", sh.t.Name, len(r), len(sh.t.Columns))
	}
	for _, k := range sh.keyIdx {
		if !r[k].Valid {
			return fmt.Errorf("store: table %q: key column %q is NULL", sh.t.Name, sh.t.Columns[k].Name)
		}
	}
	return nil
}

// checkKey validates one key of Batch.Deletes or Reconcile.
func (sh *shape) checkKey(key []string) error {
	if len(key) != len(sh.keyIdx) {
		return fmt.Errorf("store: table %q: key has %d values for key (%s)", sh.t.Name, len(key), strings.Join(sh.t.Key, ", "))
	}
	return nil
}

// norm returns the stored text of a value of type typ: GUIDs in lower case,
// booleans true/false, everything else as given.
func norm(typ ColType, s string) string {
	switch typ {
	case GUID:
		return strings.ToLower(s) // no allocation when already lower case
	case Bool:
		if b, ok := parseBool(s); ok {
			return strconv.FormatBool(b)
		}
	case DateTime:
		return fixedDateTime(s)
	}
	return s
}

// fixedDateTime writes an RFC 3339 datetime in UTC with three fractional
// digits at least, "2025-05-16T15:37:40.400Z", so that in SQLite and JSONL
// text order is time order. BC keeps milliseconds and sends 0–3 digits,
// dropping trailing zeros ("…:40.4Z", "…:46.46Z", "…:35Z"); finer digits,
// which BC does not send, are kept rather than lost, less trailing zeros.
func fixedDateTime(s string) string {
	if !strings.HasSuffix(s, "Z") {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s // checkValue's concern, not the layout's
		}
		s = t.UTC().Format(time.RFC3339Nano)
	}
	body := s[:len(s)-1]
	frac := ""
	if dot := strings.LastIndexByte(body, '.'); dot >= 0 {
		body, frac = body[:dot], body[dot+1:]
	}
	if len(frac) == 3 {
		return s
	}
	if frac = strings.TrimRight(frac, "0"); len(frac) < 3 {
		frac += "000"[len(frac):]
	}
	return body + "." + frac + "Z"
}

// checkValue reports a value that cannot be stored as typ, so every store
// rejects the same inputs with the same message.
func checkValue(table, col string, typ ColType, s string) error {
	ok := true
	switch typ {
	case Int:
		_, err := strconv.ParseInt(s, 10, 64)
		ok = err == nil
	case Bool:
		_, ok = parseBool(s)
	case Decimal:
		ok = isNumber(s)
	case Float:
		_, err := strconv.ParseFloat(s, 64)
		ok = err == nil || isNumber(s)
	}
	if !ok {
		return fmt.Errorf("store: table %q column %q: %q is not a valid %s", table, col, s, typ)
	}
	return nil
}

// String names the type in error messages.
func (t ColType) String() string {
	switch t {
	case Text:
		return "text"
	case GUID:
		return "GUID"
	case Decimal:
		return "decimal"
	case Int:
		return "integer"
	case Bool:
		return "boolean"
	case Date:
		return "date"
	case DateTime:
		return "datetime"
	case Float:
		return "float"
	}
	return "ColType(" + strconv.Itoa(int(t)) + ")"
}

func parseBool(s string) (v, ok bool) {
	switch s {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// isNumber reports whether s is a JSON number: the form BC sends decimals in.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start || (s[start] == '0' && i-start > 1) {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == f {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		e := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == e {
			return false
		}
	}
	return i == len(s)
}

// appendKey appends an unambiguous encoding of vals (length-prefixed) to b,
// for use as a map key.
func appendKey(b []byte, vals ...string) []byte {
	for _, v := range vals {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
	}
	return b
}
