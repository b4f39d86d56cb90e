package odata

import (
	"net/url"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzFilterEncoding checks that any string value reaches BC exactly as the
// literal FormatLiteral made, and cannot add or change query parameters.
func FuzzFilterEncoding(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc, err := New().Filter(Eq("displayName", s)).Encode()
		lit, litErr := FormatLiteral(s)
		if litErr != nil {
			require.False(t, utf8.ValidString(s))
			require.ErrorContains(t, err, "not valid UTF-8")
			return
		}
		require.NoError(t, err)
		got, err := url.ParseQuery(enc)
		require.NoError(t, err)
		require.Equal(t, url.Values{"$filter": {"displayName eq " + lit}}, got)
	})
}

var fieldRegexp = regexp.MustCompile(fieldPattern)

// FuzzFieldName checks that field validation never panics, agrees with the
// documented pattern, and that a rejected name never reaches the query.
func FuzzFieldName(f *testing.F) {
	for _, s := range []string{
		"", "id", "customer/displayName", "_x", "a1", "1a", "a b", "a/", "/a", "a//b", "a eq 1 or b",
		"id&$top=1", "ü", "a\x00", "lines($select=id)", "*", "a,b", "A_b/C_d/e9",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := validateField(name)
		require.Equal(t, fieldRegexp.MatchString(name), err == nil, "name %q: %v", name, err)

		for _, q := range []*Query{
			New().Select(name),
			New().OrderBy(name),
			New().OrderByDesc(name),
			New().Expand(name),
			New().Filter(Eq(name, 1)),
			New().Filter(In(name, 1)),
			New().Filter(Contains(name, "x")),
		} {
			require.Equal(t, err == nil, q.Err() == nil, "name %q: %v", name, q.Err())
		}
	})
}

// FuzzRawFilter checks that RawFilter never panics and never lets a lambda
// operator outside a string literal through.
func FuzzRawFilter(f *testing.F) {
	for _, s := range []string{
		"a eq 1", "lines/any(l: l/x eq 1)", "lines/ALL (l:true)", "d eq 'x/any(y'", "'", "a/'x'any(",
		"a eq 'it''s' and l/any(x:x)", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _, err := RawFilter(s).render()
		if err == nil {
			require.NotRegexp(t, lambdaPattern, withoutStrings(s))
		}
	})
}
