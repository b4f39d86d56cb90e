package jsonl

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/bcsdk/bc/internal/jsontext"
	"github.com/stretchr/testify/require"
)

// FuzzJSONLine checks that a line the store writes is valid JSON that
// encoding/json reads back as the values given, and that the store's own
// scanner finds the members and their texts.
func FuzzJSONLine(f *testing.F) {
	for _, s := range []string{"", "plain", `we"ird`, "back\\slash", "new\nline\ttab\x01", "Ölçü 😀", "\u2028", "\xff\xfe"} {
		f.Add(s, s+"x")
	}
	f.Fuzz(func(t *testing.T, name, text string) {
		if name == "" || !utf8.ValidString(name) {
			return // column names come from BC's metadata
		}
		line := []byte{'{'}
		line = append(jsontext.AppendString(line, name), ':')
		line = appendJSONValue(line, store.Text, fixture.V(text))
		line = append(line, ',')
		line = append(jsontext.AppendString(line, name+"2"), ':')
		line = append(appendJSONValue(line, store.Decimal, fixture.V("-1.50")), '}', '\n')
		require.True(t, json.Valid(line), "%q", line)

		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(line, &m))
		var got string
		require.NoError(t, json.Unmarshal(m[name], &got))
		if utf8.ValidString(text) {
			require.Equal(t, text, got)
		}

		var names, texts []string
		var scratch []byte
		require.NoError(t, members(line, func(n, raw []byte) bool {
			names = append(names, string(n))
			x, ok := rawText(raw, &scratch)
			require.True(t, ok)
			texts = append(texts, string(x))
			return true
		}))
		require.Equal(t, []string{string(jsontext.AppendString(nil, name)), string(jsontext.AppendString(nil, name+"2"))}, names)
		require.Equal(t, []string{got, "-1.50"}, texts)

		set, err := setMember(line, jsontext.AppendString(nil, name+"2"), []byte("null"))
		require.NoError(t, err)
		require.True(t, json.Valid(set))
		padded := padLine(nil, line, [][]byte{jsontext.AppendString(nil, name+"3")}, []byte("null"))
		require.True(t, json.Valid(padded), "%q", padded)
	})
}
