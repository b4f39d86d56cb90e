package bc

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func scanAll(t testing.TB, body string, r io.Reader) ([]string, string, int64, error) {
	var items []string
	if r == nil {
		r = strings.NewReader(body)
	}
	next, count, err := scanPage(r, testLimits, func(raw []byte) error {
		items = append(items, string(raw))
		return nil
	})
	return items, next, count, err
}

func TestScanPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		items    []string
		next     string
		count    int64
		errorHas string
	}{
		{"BC's shape", `{"@odata.context":"c","value":[{"a":1,"b":"x]}"},{"c":[1,{"d":"\"}"}]}],"@odata.nextLink":"https://h/p?$skiptoken=a%20b"}`,
			[]string{`{"a":1,"b":"x]}"}`, `{"c":[1,{"d":"\"}"}]}`}, "https://h/p?$skiptoken=a%20b", -1, ""},
		{"spaces and scalars", " {\n \"value\" : [ 1 , true , null , \"s\" , -2.5e3 ] , \"@odata.count\" : 5 }\n", []string{"1", "true", "null", `"s"`, "-2.5e3"}, "", 5, ""},
		{"empty", `{}`, nil, "", -1, ""},
		{"empty value", `{"value":[]}`, nil, "", -1, ""},
		{"escaped link", `{"value":[],"@odata.nextLink":"a\u0026b"}`, nil, "a&b", -1, ""},
		{"truncated", `{"value":[{"a":1},{"b":`, []string{`{"a":1}`}, "", -1, "unexpected EOF"},
		{"truncated in string", `{"value":[{"a":"abc`, nil, "", -1, "unexpected EOF"},
		{"not an object", `[1]`, nil, "", -1, "malformed page"},
		{"bad literal", `{"value":[tru]}`, nil, "", -1, "not a JSON value"},
		{"trailing data", `{"value":[]} x`, nil, "", -1, "after the closing brace"},
		{"value twice", `{"value":[],"value":[]}`, nil, "", -1, "appears twice"},
		{"bad count", `{"@odata.count":1.5}`, nil, "", -1, "not an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, r := range []io.Reader{nil, iotest.OneByteReader(strings.NewReader(tt.body))} {
				items, next, count, err := scanAll(t, tt.body, r)
				if tt.errorHas != "" {
					require.ErrorContains(t, err, tt.errorHas)
					continue
				}
				require.NoError(t, err)
				require.Equal(t, tt.items, items)
				require.Equal(t, tt.next, next)
				require.Equal(t, tt.count, count)
			}
		})
	}
}

func TestScanPageLargePageStaysInAWindow(t *testing.T) {
	t.Parallel()
	page := glPage(20000, 2)
	n := 0
	_, _, _, err := scanAll(t, "", bytes.NewReader(page))
	require.NoError(t, err)
	_, _, err = scanPage(bytes.NewReader(page), testLimits, func(raw []byte) error {
		n++
		require.True(t, json.Valid(raw))
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 20000, n)
}

// FuzzScanPage checks the one-pass scanner against encoding/json: on any
// body both accept, they find the same items and nextLink.
func FuzzScanPage(f *testing.F) {
	for _, s := range []string{`{"value":[{"a":1}],"@odata.nextLink":"x"}`, `{"@odata.count":3,"value":[]}`, `{"value":[`, `{}`, `[]`,
		`{"value":[{"s":"\\\"]"}]}`, `{"value":[1,"2",[3],{"4":4}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want []string
		wantNext, _, wantErr := readPage(bytes.NewReader(body), testLimits, func(dec *json.Decoder) error {
			var raw json.RawMessage
			err := dec.Decode(&raw)
			want = append(want, string(raw))
			return err
		})
		got, next, _, err := scanAll(t, string(body), nil)
		if wantErr != nil || err != nil {
			return // what is malformed may be found at different points
		}
		if next != wantNext || len(got) != len(want) {
			t.Fatalf("scanPage found %d items and %q, encoding/json %d and %q", len(got), next, len(want), wantNext)
		}
		for i := range got {
			var a, b any
			if json.Unmarshal([]byte(got[i]), &a) != nil || json.Unmarshal([]byte(want[i]), &b) != nil {
				t.Fatalf("item %d not JSON: %q", i, got[i])
			}
		}
	})
}

// TestScanPageBodyCutShortFails checks that a connection that breaks inside
// an item fails the scan with the read error (which the client retries)
// instead of waiting for bytes that never come: net/http reports a body cut
// short as io.ErrUnexpectedEOF, the same error the window uses for "the body
// ended".
func TestScanPageBodyCutShortFails(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{`{"value":[{"a":1},{"b":"xy`, `{"value":[12`, `{"value":[{"a":1}`} {
		r := io.MultiReader(strings.NewReader(prefix), iotest.ErrReader(io.ErrUnexpectedEOF))
		_, _, _, err := scanAll(t, "", r)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, prefix)
	}
	broken := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(`{"value":[{"a":1},{"b":`), iotest.ErrReader(broken))
	_, _, _, err := scanAll(t, "", r)
	require.ErrorIs(t, err, broken)
}
