package jsontext

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAppendString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"", `""`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\n\r\t\b\x00\x1f", `"\n\r\t\u0008\u0000\u001f"`},
		{"Müller €", `"Müller €"`},
		{"a\u2028b\u2029", `"a\u2028b\u2029"`},
		{"a\xffb", `"a\ufffdb"`},
		{"<&>/", `"<&>/"`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, string(AppendString([]byte("x"), tt.in))[1:], tt.in)
	}
}

// FuzzAppendString checks that every string is written as valid JSON that
// reads back as encoding/json reads its own encoding of the string, and that
// the scanner reads it back the same.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"plain", "a\"b\\c\n", "\xff\u2028", "\x00é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString(nil, s)
		if !json.Valid(out) {
			t.Fatalf("AppendString(%q) = %s, not JSON", s, out)
		}
		var got, want string
		std, _ := json.Marshal(s)
		if json.Unmarshal(out, &got) != nil || json.Unmarshal(std, &want) != nil || got != want {
			t.Fatalf("AppendString(%q) reads back as %q, encoding/json's as %q", s, got, want)
		}
		sc := NewScanner(out)
		if back, ok := sc.String(); !ok || back != want {
			t.Fatalf("the scanner reads %s as %q, want %q", out, back, want)
		}
	})
}
