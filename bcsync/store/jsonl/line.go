package jsonl

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/internal/jsontext"
)

// appendJSONValue appends one cell as JSON: numbers as the text BC sent,
// booleans as true/false, NULL as null, everything else as a string.
func appendJSONValue(b []byte, t store.ColType, v store.Value) []byte {
	if !v.Valid {
		return append(b, "null"...)
	}
	switch t {
	case store.Decimal, store.Int:
		return append(b, v.Text...)
	case store.Float:
		if decode.IsNumber(v.Text) {
			return append(b, v.Text...)
		}
		return jsontext.AppendString(b, v.Text) // NaN, INF: not JSON numbers
	case store.Bool:
		if on, _ := decode.ParseBool(v.Text); on {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	}
	return jsontext.AppendString(b, decode.Stored(t, v.Text))
}

var errLine = errors.New("not a line the sync wrote")

// members calls fn with the raw name (quoted, as written) and raw value of
// each member of a JSON object line as the sync writes them. fn returns
// false to stop.
func members(line []byte, fn func(name, raw []byte) bool) error {
	line = bytes.TrimRight(line, "\n")
	s := jsontext.NewScanner(line)
	if !s.Consume('{') {
		return errLine
	}
	if s.Consume('}') {
		return lineEnd(&s, line)
	}
	for {
		s.SkipSpace()
		start := s.Offset()
		if s.Peek() != '"' || !s.Skip() {
			return errLine
		}
		name := line[start:s.Offset()]
		if !s.Consume(':') {
			return errLine
		}
		s.SkipSpace()
		start = s.Offset()
		if !s.Skip() {
			return errLine
		}
		if !fn(name, line[start:s.Offset()]) {
			return nil
		}
		if s.Consume('}') {
			return lineEnd(&s, line)
		}
		if !s.Consume(',') {
			return errLine
		}
	}
}

// lineEnd refuses anything after a line's object.
func lineEnd(s *jsontext.Scanner, line []byte) error {
	if s.SkipSpace(); s.Offset() != len(line) {
		return errLine
	}
	return nil
}

// rawText returns the text of a raw JSON value as the store was given it:
// strings unquoted (into *scratch when escaped), numbers and booleans as
// written; ok false for null or a malformed string.
func rawText(raw []byte, scratch *[]byte) (text []byte, ok bool) {
	switch {
	case string(raw) == "null":
		return nil, false
	case len(raw) == 0 || raw[0] != '"':
		return raw, true
	case bytes.IndexByte(raw, '\\') < 0:
		return raw[1 : len(raw)-1], true
	}
	s, err := strconv.Unquote(string(raw))
	if err != nil {
		return nil, false
	}
	*scratch = append((*scratch)[:0], s...)
	return *scratch, true
}

// setMember returns line with the member named name (raw, quoted) set to
// raw, appending it when absent.
func setMember(line []byte, name, raw []byte) ([]byte, error) {
	var at, end int
	found := false
	err := members(line, func(n, v []byte) bool {
		if bytes.Equal(n, name) {
			at = cap(line[:0]) - cap(v)
			end = at + len(v)
			found = true
			return false
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(line)+len(name)+len(raw)+2)
	if found {
		out = append(out, line[:at]...)
		out = append(out, raw...)
		return append(out, line[end:]...), nil
	}
	return padLine(out, line, [][]byte{name}, raw), nil
}

// padLine appends to dst the line with members names added before the
// closing brace, each set to raw.
func padLine(dst, line []byte, names [][]byte, raw []byte) []byte {
	body := bytes.TrimRight(line, "\n")
	body = body[:len(body)-1] // drop '}'
	dst = append(dst, body...)
	empty := len(body) == 1
	for _, n := range names {
		if !empty {
			dst = append(dst, ',')
		}
		empty = false
		dst = append(dst, n...)
		dst = append(dst, ':')
		dst = append(dst, raw...)
	}
	return append(dst, '}', '\n')
}

// cmpKey compares an old line's key with a staged key column by column,
// as SQLite's BINARY collation orders them.
func cmpKey(a [][]byte, b []string) int {
	for i := range a {
		x, y := a[i], b[i]
		n := min(len(x), len(y))
		for j := 0; j < n; j++ {
			if x[j] != y[j] {
				if x[j] < y[j] {
					return -1
				}
				return 1
			}
		}
		if len(x) != len(y) {
			if len(x) < len(y) {
				return -1
			}
			return 1
		}
	}
	return 0
}
