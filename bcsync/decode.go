package bcsync

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/bcsdk/bc/bcsync/store"
)

// A decoder turns BC's JSON entities into store rows. It is the sync's hot
// path, so it scans the bytes itself: one pass, no reflection, and strings
// without escapes point into the entity's bytes instead of being copied
// (the caller hands over each entity in memory it never writes again).
type decoder struct {
	table    *store.Table
	cols     []plan.Column
	scope    int // leading columns set by the caller: companyId (and parentId)
	index    map[string]int
	key      int // row index of the (first) key column
	parentAt int // row index of the column children point to, -1 if none
	children map[string]*childDecoder
}

type childDecoder struct {
	*decoder
	child *plan.Child
	// link is the row index, in the child's row, of the column holding the
	// parent's id (documentId, or the parentId scope column).
	link int
}

func newDecoder(t *store.Table, cols []plan.Column, scope int, key string) *decoder {
	d := &decoder{table: t, cols: cols, scope: scope, index: make(map[string]int, len(cols)), key: -1, parentAt: -1}
	for i, c := range cols {
		d.index[c.Name] = scope + i
	}
	if i, ok := d.index[key]; ok {
		d.key = i
	}
	return d
}

// newSetDecoder builds the decoder of a planned set and its children.
func newSetDecoder(s *plan.Set) *decoder {
	key := ""
	if len(s.Type.Key) > 0 {
		key = s.Type.Key[0]
	}
	d := newDecoder(s.Table, s.Cols, 1, key)
	for _, ch := range s.Children {
		if d.children == nil {
			d.children = map[string]*childDecoder{}
		}
		scope := 1
		if ch.Nested {
			scope = 2
		}
		ckey := ""
		if len(ch.Type.Key) > 0 {
			ckey = ch.Type.Key[0]
		}
		cd := &childDecoder{decoder: newDecoder(ch.Table, ch.Cols, scope, ckey), child: ch}
		if ch.Nested {
			cd.link = 1
		} else {
			cd.link = cd.index[ch.ParentColumn]
		}
		if i, ok := d.index[ch.ParentProp]; ok {
			d.parentAt = i
		}
		d.children[ch.Nav] = cd
	}
	return d
}

// pageRows collects the rows of one page: the set's, and each child table's.
type pageRows struct {
	rows     []store.Row
	children map[string][]store.Row // by navigation
	parents  []string               // parent ids whose children the page replaces
}

var errMalformed = errors.New("malformed entity")

// decode appends the row for one entity (and its expanded children) to out.
func (d *decoder) decode(b []byte, companyID string, out *pageRows) error {
	row := make(store.Row, d.scope+len(d.cols))
	if d.scope > 0 {
		row[0] = store.Value{Text: companyID, Valid: true}
	}
	var pending []pendingChildren
	s := scanner{b: b}
	if !s.consume('{') {
		return errMalformed
	}
	if !s.consume('}') {
		for {
			key, ok := s.str()
			if !ok || !s.consume(':') {
				return errMalformed
			}
			if i, ok := d.index[key]; ok {
				v, err := s.scalar()
				if err != nil {
					return fmt.Errorf("%s: %w", key, err)
				}
				row[i] = d.normalize(i, v)
			} else if cd, ok := d.children[key]; ok && s.peek() == '[' {
				start := s.i
				if !s.skip() {
					return errMalformed
				}
				pending = append(pending, pendingChildren{cd, b[start:s.i]})
			} else if !s.skip() {
				return errMalformed
			}
			if s.consume(',') {
				continue
			}
			if s.consume('}') {
				break
			}
			return errMalformed
		}
	}
	out.rows = append(out.rows, row)
	if d.children != nil {
		parent := ""
		if d.parentAt >= 0 {
			parent = row[d.parentAt].Text
		}
		out.parents = append(out.parents, parent)
		for _, p := range pending {
			if err := p.cd.decodeArray(p.raw, companyID, parent, out); err != nil {
				return fmt.Errorf("%s: %w", p.cd.child.Nav, err)
			}
		}
	}
	return nil
}

type pendingChildren struct {
	cd  *childDecoder
	raw []byte
}

// decodeArray decodes an expanded collection into child rows.
func (cd *childDecoder) decodeArray(b []byte, companyID, parentID string, out *pageRows) error {
	if out.children == nil {
		out.children = map[string][]store.Row{}
	}
	s := scanner{b: b}
	if !s.consume('[') {
		return errMalformed
	}
	if s.consume(']') {
		return nil
	}
	for {
		s.ws()
		start := s.i
		if !s.skip() {
			return errMalformed
		}
		var tmp pageRows
		if err := cd.decode(b[start:s.i], companyID, &tmp); err != nil {
			return err
		}
		r := tmp.rows[0]
		if cd.child.Nested {
			r[1] = store.Value{Text: parentID, Valid: parentID != ""}
		} else if cd.link > 0 && !r[cd.link].Valid {
			r[cd.link] = store.Value{Text: parentID, Valid: parentID != ""}
		}
		out.children[cd.child.Nav] = append(out.children[cd.child.Nav], r)
		if s.consume(',') {
			continue
		}
		if s.consume(']') {
			return nil
		}
		return errMalformed
	}
}

const zeroGUID = "00000000-0000-0000-0000-000000000000"

// normalize applies the layout's value rules: BC's empty sentinels become
// NULL, GUIDs are lower case, datetimes UTC.
func (d *decoder) normalize(i int, v store.Value) store.Value {
	if !v.Valid {
		return v
	}
	c := d.cols[i-d.scope]
	switch c.Type {
	case store.GUID:
		if v.Text == zeroGUID {
			return store.Value{}
		}
		if hasUpper(v.Text) {
			v.Text = strings.ToLower(v.Text)
		}
	case store.Date:
		if v.Text == "0001-01-01" {
			return store.Value{}
		}
	case store.DateTime:
		if strings.HasPrefix(v.Text, "0001-01-01T") {
			return store.Value{}
		}
		if !strings.HasSuffix(v.Text, "Z") {
			if t, err := time.Parse(time.RFC3339Nano, v.Text); err == nil {
				v.Text = t.UTC().Format(time.RFC3339Nano)
			}
		}
	case store.Text:
		if c.Enum && v.Text == "_x0020_" {
			return store.Value{}
		}
	}
	return v
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// scanner reads JSON from a byte slice.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// str reads a string; without escapes it shares the input's memory.
func (s *scanner) str() (string, bool) {
	if !s.consume('"') {
		return "", false
	}
	start := s.i
	q := bytes.IndexByte(s.b[start:], '"')
	if q < 0 {
		return "", false
	}
	v := s.b[start : start+q]
	if e := bytes.IndexByte(v, '\\'); e >= 0 {
		s.i = start + e
		return s.escaped(start)
	}
	s.i = start + q + 1
	if len(v) == 0 {
		return "", true
	}
	if !utf8.Valid(v) {
		return string(replaceInvalidUTF8(nil, v)), true
	}
	return unsafe.String(&v[0], len(v)), true
}

// replaceInvalidUTF8 appends b to out with each byte that is not part of
// valid UTF-8 replaced by U+FFFD, as encoding/json does: a store (PostgreSQL
// above all) must never be handed invalid text.
func replaceInvalidUTF8(out, b []byte) []byte {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

// escaped decodes a string with escapes into a new string.
func (s *scanner) escaped(start int) (string, bool) {
	out := make([]byte, 0, s.i-start+16)
	out = replaceInvalidUTF8(out, s.b[start:s.i])
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return string(out), true
		case c != '\\':
			run := s.i
			for s.i < len(s.b) && s.b[s.i] != '"' && s.b[s.i] != '\\' {
				s.i++
			}
			out = replaceInvalidUTF8(out, s.b[run:s.i])
			continue
		}
		if s.i+1 >= len(s.b) {
			return "", false
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return "", false
			}
			hi := r
			if utf16.IsSurrogate(r) {
				// A pair is two escapes; anything else makes this one
				// U+FFFD and leaves what follows to be read on its own.
				r = utf8.RuneError
				if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					save := s.i
					s.i += 2
					if r2, ok := s.hex4(); ok {
						if pair := utf16.DecodeRune(hi, r2); pair != utf8.RuneError {
							r = pair
						} else {
							s.i = save
						}
					} else {
						s.i = save
					}
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	s.i += 4
	return rune(v), true
}

// scalar reads a string, number, boolean or null as a store value.
func (s *scanner) scalar() (store.Value, error) {
	switch c := s.peek(); {
	case c == '"':
		v, ok := s.str()
		if !ok {
			return store.Value{}, errMalformed
		}
		return store.Value{Text: v, Valid: true}, nil
	case c == 'n':
		if s.literal("null") {
			return store.Value{}, nil
		}
	case c == 't':
		if s.literal("true") {
			return store.Value{Text: "true", Valid: true}, nil
		}
	case c == 'f':
		if s.literal("false") {
			return store.Value{Text: "false", Valid: true}, nil
		}
	case c == '-' || '0' <= c && c <= '9':
		start := s.i
		for s.i < len(s.b) && strings.IndexByte("+-.0123456789eE", s.b[s.i]) >= 0 {
			s.i++
		}
		v := s.b[start:s.i]
		return store.Value{Text: unsafe.String(&v[0], len(v)), Valid: true}, nil
	case c == '{' || c == '[':
		return store.Value{}, errors.New("expected a value, found an object or array")
	}
	return store.Value{}, errMalformed
}

func (s *scanner) literal(word string) bool {
	if bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		s.i += len(word)
		return true
	}
	return false
}

// skip passes over one value of any kind.
func (s *scanner) skip() bool {
	switch c := s.peek(); c {
	case '"':
		_, ok := s.rawString()
		return ok
	case '{', '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		s.i++
		if s.consume(closer) {
			return true
		}
		for {
			if c == '{' {
				if _, ok := s.rawString(); !ok || !s.consume(':') {
					return false
				}
			}
			if !s.skip() {
				return false
			}
			if s.consume(',') {
				continue
			}
			return s.consume(closer)
		}
	default:
		_, err := s.scalar()
		return err == nil
	}
}

// rawString passes over a string without decoding it.
func (s *scanner) rawString() (int, bool) {
	if !s.consume('"') {
		return 0, false
	}
	start := s.i
	for {
		q := bytes.IndexByte(s.b[s.i:], '"')
		if q < 0 {
			s.i = len(s.b)
			return 0, false
		}
		end := s.i + q
		// The quote ends the string unless an odd run of backslashes
		// escapes it.
		bs := 0
		for j := end - 1; j >= s.i && s.b[j] == '\\'; j-- {
			bs++
		}
		s.i = end + 1
		if bs%2 == 0 {
			return start, true
		}
	}
}
