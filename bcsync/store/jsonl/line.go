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
// each member of a JSON object line as the sync writes them: flat, without
// whitespace. fn returns false to stop.
func members(line []byte, fn func(name, raw []byte) bool) error {
	line = bytes.TrimRight(line, "\n")
	if len(line) < 2 || line[0] != '{' || line[len(line)-1] != '}' {
		return errLine
	}
	i := 1
	if line[i] == '}' {
		return nil
	}
	for {
		end, err := stringEnd(line, i)
		if err != nil {
			return err
		}
		name := line[i:end]
		if end >= len(line) || line[end] != ':' {
			return errLine
		}
		i = end + 1
		if i >= len(line) {
			return errLine
		}
		if line[i] == '"' {
			end, err = stringEnd(line, i)
			if err != nil {
				return err
			}
		} else {
			end = i
			for end < len(line) && line[end] != ',' && line[end] != '}' {
				end++
			}
		}
		if !fn(name, line[i:end]) {
			return nil
		}
		if end >= len(line) {
			return errLine
		}
		if line[end] == '}' {
			if end != len(line)-1 {
				return errLine
			}
			return nil
		}
		i = end + 1
	}
}

// stringEnd returns the index after the JSON string starting at b[i].
func stringEnd(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return 0, errLine
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errLine
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
