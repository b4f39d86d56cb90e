package odata

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEncodeValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   url.Values
		want string
	}{
		{"nil", nil, ""},
		{"empty", url.Values{}, ""},
		{"key without values", url.Values{"a": {}}, ""},
		{"empty value", url.Values{"a": {""}}, "a="},
		{"system order then sorted",
			url.Values{"z": {"1"}, "$top": {"5"}, "a": {"2"}, "$filter": {"x eq 1"}, "$schemaversion": {"2.1"}, "$skiptoken": {"t"}},
			"$filter=x%20eq%201&$top=5&$schemaversion=2.1&$skiptoken=t&a=2&z=1"},
		{"repeated values keep order", url.Values{"k": {"b", "a"}}, "k=b&k=a"},
		{"kept punctuation", url.Values{"$select": {"A-Za-z0-9-._~$'(),:/@!*"}}, "$select=A-Za-z0-9-._~$'(),:/@!*"},
		{"escaped punctuation", url.Values{"k": {" +&=#%;?[]{}\"<>\\^`|"}},
			"k=%20%2B%26%3D%23%25%3B%3F%5B%5D%7B%7D%22%3C%3E%5C%5E%60%7C"},
		{"escaped key", url.Values{"a b&c=d": {"v"}}, "a%20b%26c%3Dd=v"},
		{"non-ascii utf8", url.Values{"k": {"ü€🙂"}}, "k=%C3%BC%E2%82%AC%F0%9F%99%82"},
		{"control characters", url.Values{"k": {"\x00\n\x7f"}}, "k=%00%0A%7F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, EncodeValues(tt.in))
		})
	}
}

func TestEscapeEveryByte(t *testing.T) {
	t.Parallel()
	const kept = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~$'(),:/@!*"
	for c := range 256 {
		var b strings.Builder
		escape(&b, string([]byte{byte(c)}))
		want := fmt.Sprintf("%%%02X", c)
		if strings.IndexByte(kept, byte(c)) >= 0 {
			want = string([]byte{byte(c)})
		}
		require.Equal(t, want, b.String(), "byte %#x", c)

		got, err := url.QueryUnescape(b.String())
		require.NoError(t, err)
		require.Equal(t, string([]byte{byte(c)}), got, "byte %#x does not round-trip", c)
	}
}
