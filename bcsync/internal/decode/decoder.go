// Package decode turns BC's JSON entities into store rows and holds BC's
// value rules (sentinels → NULL, GUID case, datetime form) in one place: the
// engine's decoder, the stores and synctest all apply these.
package decode

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/internal/jsontext"
)

// Field is one property column the decoder fills.
type Field struct {
	Name string
	Type store.ColType
	// Enum marks enum columns, whose blank member (_x0020_) is stored as NULL.
	Enum bool
}

// Table describes the rows of one table: Scope leading columns the caller
// sets (companyId, and parentId for nested children), then Fields.
type Table struct {
	Fields []Field
	Scope  int
	// Key is the entity's (first) key property, "" if none.
	Key string
}

// Child is a navigation expanded with the parent and stored in its own table.
type Child struct {
	Table
	// Nav is the navigation property ("dimensionSetLines").
	Nav string
	// Nested children have no set of their own: the parent's id goes into
	// the scope column parentId.
	Nested bool
	// ParentColumn is the child column holding the parent's id when BC may
	// leave it out (documentId); ignored when Nested.
	ParentColumn string
}

// Rows collects the rows of one page: the set's, and each child table's.
type Rows struct {
	Rows     []store.Row
	Children map[string][]store.Row // by navigation
	Parents  []string               // parent ids whose children the page replaces

	// The rows' values and the text they keep are carved out of blocks
	// that grow to a page's worth, instead of allocated one by one.
	values []store.Value
	text   []byte

	// orders are the properties of the last entity each decoder decoded,
	// in the order they came: BC sends every entity's properties in the
	// same order, so the name at a position is checked before the map is
	// asked.
	orders []order
}

// order is the properties of the last entity dec decoded.
type order struct {
	dec   *Decoder
	props []property
}

// property is a property's name and its row index (-1: not a column).
type property struct {
	name string
	at   int
}

// Block sizes: a few rows (a company list) stay small, a page of
// thousands costs an allocation per 128 rows and per 256 KiB of text.
const (
	firstValues = 64
	maxValues   = 128 * 32
	firstText   = 4 << 10
	maxText     = 256 << 10
)

// order returns the properties d's last entity in out came in.
func (out *Rows) order(d *Decoder) *order {
	for i := range out.orders {
		if out.orders[i].dec == d {
			return &out.orders[i]
		}
	}
	out.orders = append(out.orders, order{dec: d})
	return &out.orders[len(out.orders)-1]
}

// row returns a zeroed row of n values.
func (out *Rows) row(n int) store.Row {
	if len(out.values) < n {
		size := min(max(2*cap(out.values), firstValues), maxValues)
		out.values = make([]store.Value, max(size, n))
	}
	r := out.values[:n:n]
	out.values = out.values[n:]
	return r
}

// keep returns s, copied into out's text if it points into b (the
// entity's bytes, which the caller reuses).
func (out *Rows) keep(b []byte, s string) string {
	if len(s) == 0 || len(b) == 0 {
		return s
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if p < base || p >= base+uintptr(len(b)) {
		return s // a literal, or text the decoder made
	}
	if cap(out.text)-len(out.text) < len(s) {
		size := min(max(2*cap(out.text), firstText), maxText)
		out.text = make([]byte, 0, max(size, len(s)))
	}
	start := len(out.text)
	out.text = append(out.text, s...)
	return unsafe.String(&out.text[start], len(s))
}

// A Decoder turns BC's JSON entities into store rows. It is the sync's hot
// path, so it scans the bytes itself: one pass, no reflection, and only the
// values it keeps are copied, into blocks of the Rows (not the keys and
// syntax around them, which are half of BC's JSON). The caller may reuse
// the entity's bytes once Decode returns.
type Decoder struct {
	fields   []Field
	scope    int
	index    map[string]int
	key      int // row index of the key column, -1 if none
	parentAt int // row index of the column children point to, -1 if none
	children map[string]*childDecoder
}

type childDecoder struct {
	*Decoder
	nav    string
	nested bool
	// link is the row index, in the child's row, of the column holding the
	// parent's id (the parentId scope column, or ParentColumn).
	link int
}

// New returns the decoder of a table whose children are read with it;
// parentProp is the parent's property the children point to ("id").
func New(t Table, parentProp string, children []Child) *Decoder {
	d := newDecoder(t)
	for _, ch := range children {
		if d.children == nil {
			d.children = map[string]*childDecoder{}
		}
		cd := &childDecoder{Decoder: newDecoder(ch.Table), nav: ch.Nav, nested: ch.Nested}
		if ch.Nested {
			cd.link = 1
		} else {
			cd.link = cd.index[ch.ParentColumn]
		}
		if i, ok := d.index[parentProp]; ok {
			d.parentAt = i
		}
		d.children[ch.Nav] = cd
	}
	return d
}

func newDecoder(t Table) *Decoder {
	d := &Decoder{fields: t.Fields, scope: t.Scope, index: make(map[string]int, len(t.Fields)), key: -1, parentAt: -1}
	for i, f := range t.Fields {
		d.index[f.Name] = t.Scope + i
	}
	if i, ok := d.index[t.Key]; ok {
		d.key = i
	}
	return d
}

// KeyIndex is the row index of the key column, -1 if the table has none.
func (d *Decoder) KeyIndex() int { return d.key }

// ErrMalformed is returned for an entity that is not a JSON object of the
// shape BC sends.
var ErrMalformed = errors.New("malformed entity")

var errContainer = errors.New("expected a value, found an object or array")

// Decode appends the row for one entity (and its expanded children) to out.
func (d *Decoder) Decode(b []byte, companyID string, out *Rows) error {
	row, pending, err := d.decode(b, companyID, out)
	if err != nil {
		return err
	}
	out.Rows = append(out.Rows, row)
	if d.children != nil {
		parent := ""
		if d.parentAt >= 0 {
			parent = row[d.parentAt].Text
		}
		out.Parents = append(out.Parents, parent)
		for _, p := range pending {
			if err := p.cd.decodeArray(p.raw, companyID, parent, out); err != nil {
				return fmt.Errorf("%s: %w", p.cd.nav, err)
			}
		}
	}
	return nil
}

// decode reads one entity into a row of out's blocks, and returns the
// expanded children it found for the caller to decode.
func (d *Decoder) decode(b []byte, companyID string, out *Rows) (store.Row, []pendingChildren, error) {
	row := out.row(d.scope + len(d.fields))
	if d.scope > 0 {
		row[0] = store.Value{Text: companyID, Valid: true}
	}
	var pending []pendingChildren
	s := jsontext.NewScanner(b)
	if !s.Consume('{') {
		return nil, nil, ErrMalformed
	}
	o := out.order(d)
	if !s.Consume('}') {
		for pos := 0; ; pos++ {
			key, ok := s.String()
			if !ok || !s.Consume(':') {
				return nil, nil, ErrMalformed
			}
			i := -1
			if pos < len(o.props) && o.props[pos].name == key {
				i = o.props[pos].at
			} else {
				// key points into b, which the caller reuses: the
				// order keeps the field's own name, or a copy.
				p := property{at: -1}
				if j, ok := d.index[key]; ok {
					i, p = j, property{name: d.fields[j-d.scope].Name, at: j}
				} else {
					p.name = strings.Clone(key)
				}
				if pos < len(o.props) {
					o.props[pos] = p
				} else if pos == len(o.props) {
					o.props = append(o.props, p)
				}
			}
			if i >= 0 {
				if c := s.Peek(); c == '{' || c == '[' {
					return nil, nil, fmt.Errorf("%s: %w", key, errContainer)
				}
				text, valid, ok := s.Scalar()
				if !ok {
					return nil, nil, fmt.Errorf("%s: %w", key, ErrMalformed)
				}
				f := d.fields[i-d.scope]
				v := Value(f.Type, f.Enum, store.Value{Text: text, Valid: valid})
				v.Text = out.keep(b, v.Text)
				row[i] = v
			} else if cd, ok := d.children[key]; ok && s.Peek() == '[' {
				start := s.Offset()
				if !s.Skip() {
					return nil, nil, ErrMalformed
				}
				pending = append(pending, pendingChildren{cd, b[start:s.Offset()]})
			} else if !s.Skip() {
				return nil, nil, ErrMalformed
			}
			if s.Consume(',') {
				continue
			}
			if s.Consume('}') {
				break
			}
			return nil, nil, ErrMalformed
		}
	}
	return row, pending, nil
}

type pendingChildren struct {
	cd  *childDecoder
	raw []byte
}

// decodeArray decodes an expanded collection into child rows.
func (cd *childDecoder) decodeArray(b []byte, companyID, parentID string, out *Rows) error {
	if out.Children == nil {
		out.Children = map[string][]store.Row{}
	}
	s := jsontext.NewScanner(b)
	if !s.Consume('[') {
		return ErrMalformed
	}
	if s.Consume(']') {
		return nil
	}
	for {
		s.SkipSpace()
		start := s.Offset()
		if !s.Skip() {
			return ErrMalformed
		}
		r, _, err := cd.decode(b[start:s.Offset()], companyID, out)
		if err != nil {
			return err
		}
		if cd.nested {
			r[1] = store.Value{Text: parentID, Valid: parentID != ""}
		} else if cd.link > 0 && !r[cd.link].Valid {
			r[cd.link] = store.Value{Text: parentID, Valid: parentID != ""}
		}
		out.Children[cd.nav] = append(out.Children[cd.nav], r)
		if s.Consume(',') {
			continue
		}
		if s.Consume(']') {
			return nil
		}
		return ErrMalformed
	}
}
