package jsontext

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestScannerString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{`"plain"`, "plain", true},
		{`""`, "", true},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t", true},
		{`"\u00e9\u20AC"`, "é€", true},
		{`"\ud83d\ude00"`, "😀", true},
		{`"\ud83dx"`, "\ufffdx", true},      // a lone high surrogate
		{`"\ud83d\u0041"`, "\ufffdA", true}, // not a pair: the second escape stands alone
		{"\"a\xffb\"", "a\ufffdb", true},    // invalid UTF-8
		{"\"\xff\\n\"", "\ufffd\n", true},   // invalid UTF-8 before an escape
		{`"\x"`, "", false},                 // unknown escape
		{`"\u12g4"`, "", false},             // bad hex
		{`"open`, "", false},                // no closing quote
		{`x`, "", false},                    // not a string
	}
	for _, tt := range tests {
		s := NewScanner([]byte(tt.in))
		got, ok := s.String()
		require.Equal(t, tt.ok, ok, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

func TestScannerScalar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		text      string
		valid, ok bool
		offset    int
	}{
		{`"s",`, "s", true, true, 3},
		{`null}`, "", false, true, 4},
		{`true]`, "true", true, true, 4},
		{`false `, "false", true, true, 5},
		{`-12.50e+3,`, "-12.50e+3", true, true, 9},
		{`0,`, "0", true, true, 1},
		{`01`, "0", true, true, 1}, // the 1 is what follows the number
		{`1-2`, "1", true, true, 1},
		{`-x`, "", false, false, 1},
		{`1.e5`, "", false, false, 2},
		{`nul!`, "", false, false, 0},
		{`{}`, "", false, false, 0},
	}
	for _, tt := range tests {
		s := NewScanner([]byte(tt.in))
		text, valid, ok := s.Scalar()
		require.Equal(t, tt.ok, ok, tt.in)
		if ok {
			require.Equal(t, tt.text, text, tt.in)
			require.Equal(t, tt.valid, valid, tt.in)
		}
		require.Equal(t, tt.offset, s.Offset(), tt.in)
	}
}

// TestScannerSkipTruncated checks that a value cut short is told apart from
// a malformed one: the raw pager reads more for the first and fails on the
// second.
func TestScannerSkipTruncated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		ok        bool
		truncated bool
	}{
		{`{"a":[1,"x]}",{"b":null}],"c":{}} ,`, true, false},
		{`{"a":`, false, true},
		{`{"a":"x\"`, false, true},
		{`[1,2`, false, true},
		{`[tr`, false, true},
		{`[1.`, false, true},
		{`[-`, false, true},
		{`"\`, false, true},
		{`[tru]`, false, false},
		{`{"a" 1}`, false, false},
		{`{1:2}`, false, false},
		{`[1 2]`, false, false},
	}
	for _, tt := range tests {
		s := NewScanner([]byte(tt.in))
		require.Equal(t, tt.ok, s.Skip(), tt.in)
		require.Equal(t, tt.truncated, s.Truncated(), tt.in)
	}
}

// FuzzScanner checks the scanner against encoding/json: every valid
// document is skipped whole, every cut-short prefix of it is reported as
// truncated (or, for a number, read as a shorter value), and a document
// that is one string or scalar decodes to what encoding/json decodes.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x]}",{"b":null}],"c":{}}`, `"\ud83d\ude00\u00e9"`, `-1.5e3`, `[true,false,null]`, "\"a\xffb\"", `{"a" 1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		s := NewScanner(doc)
		ok := s.Skip()
		s.SkipSpace()
		if !json.Valid(doc) {
			return // Skip does not check string contents, so it may accept more
		}
		if !ok || !s.Truncated() {
			t.Fatalf("Skip stopped at %d of the valid document %q", s.Offset(), doc)
		}
		for n := range len(doc) {
			p := NewScanner(doc[:n])
			if p.Peek() == 0 {
				continue
			}
			if !p.Skip() && !p.Truncated() {
				t.Fatalf("prefix %q of %q is reported malformed, not truncated", doc[:n], doc)
			}
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.UseNumber() // 1e1000 is valid JSON, out of a float64's range
		if dec.Decode(&want) != nil {
			t.Fatalf("encoding/json rejects %q", doc)
		}
		s = NewScanner(doc)
		if c := s.Peek(); c == '{' || c == '[' {
			return
		}
		text, valid, ok := s.Scalar()
		switch w := want.(type) {
		case string:
			if !ok || !valid || text != w {
				t.Fatalf("Scalar(%q) = %q, %v, %v; encoding/json %q", doc, text, valid, ok, w)
			}
		case json.Number:
			if !ok || !valid || text != string(w) {
				t.Fatalf("Scalar(%q) = %q, %v, %v; encoding/json %q", doc, text, valid, ok, w)
			}
		case bool:
			if !ok || !valid || text != strconv.FormatBool(w) {
				t.Fatalf("Scalar(%q) = %q, %v, %v; encoding/json %v", doc, text, valid, ok, w)
			}
		case nil:
			if !ok || valid {
				t.Fatalf("Scalar(%q) = %q, %v, %v; want null", doc, text, valid, ok)
			}
		}
	})
}

func TestIsNumber(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"0": true, "-0": true, "12.50": true, "-1.5e-3": true, "1E+9": true,
		"": false, "-": false, "01": false, "1.": false, ".5": false, "1e": false, "+1": false, "1 ": false, "NaN": false, "0x1p3": false,
	} {
		require.Equal(t, want, IsNumber(s), "%q", s)
	}
}
