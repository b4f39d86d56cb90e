package filter

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/odata"
)

// FuzzParse checks that no filter text panics the parser or the matcher,
// and that every refusal is a 400 *Error with a code and a message.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "entryNumber ge 1000 and entryNumber lt 5000 and postingDate ge 2025-01-01 and documentType eq 'Invoice'",
		"(entryNumber eq 1 or entryNumber eq 2) and contains(tolower(description),'x')",
		"id eq 5d115c9c-44e3-ea11-bb43-000d3a2feca1", "id eq 'A1B2C3D4-0000-0000-0000-000000000002'",
		"lastModifiedDateTime gt 2025-01-01T10:00:00.5+02:00", "debitAmount eq -1000.00",
		"documentType in ('Invoice',Microsoft.NAV.genJournalDocumentType'Refund',null)",
		"dimensionSetLines/any(d: d/code eq ')')", "description eq 'O''Brien'", "' or 1 eq 1",
		"not x", "((((", "tolower(toupper(description)) ge 'a'", "endswith(description,'é')",
		"entryNumber in (1,2", "a/b eq 1", "x/any(", "2025-01-01 le postingDate", "taxLiable",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	rows := append(slices.Clone(glRows), []string{}, []string{"\xff", "\xff", "\xff", "\xff", "\xff", "\xff", "\xff", "\xff", "\xff", "\xff"})
	f.Fuzz(func(t *testing.T, s string, v21 bool) {
		opts := Options{EntityType: glType}
		if v21 {
			opts.SchemaVersion = "2.1"
		}
		flt, err := Parse(s, glResolver, opts)
		if err != nil {
			var e *Error
			require.True(t, errors.As(err, &e), "%T", err)
			require.Equal(t, 400, e.Status)
			require.NotEmpty(t, e.Code)
			require.NotEmpty(t, e.Message)
			require.Nil(t, flt)
			return
		}
		// Parenthesizing the whole filter changes nothing.
		wrapped, werr := Parse("("+s+")", glResolver, opts)
		for _, r := range rows {
			m := flt.Match(r)
			if werr == nil {
				require.Equal(t, m, wrapped.Match(r))
			}
			// A matching row lies within the bounds Range reports.
			for _, name := range flt.Fields() {
				fd, ok := glResolver(name)
				require.True(t, ok, name)
				lo, hi := flt.Range(name)
				if !m || !lo.Set && !hi.Set {
					continue
				}
				for i, b := range []Bound{lo, hi} {
					if !b.Set {
						continue
					}
					c, ok := fd.Compare(r[fd.Index], b.Value)
					require.True(t, ok, "row value %q and bound %q of %s", r[fd.Index], b.Value, name)
					if i == 0 {
						require.True(t, c > 0 || c == 0 && b.Inclusive, "%q below %+v", r[fd.Index], b)
					} else {
						require.True(t, c < 0 || c == 0 && b.Inclusive, "%q above %+v", r[fd.Index], b)
					}
				}
			}
		}
	})
}

// trickyStrings are values that could break out of a string literal or
// the query string if quoting or encoding went wrong.
var trickyStrings = []string{
	"", "'", "''", "O'Brien", "' or 1 eq 1", "') or (1 eq 1", "x' or displayName ne 'x", "%", "%27", "%2527",
	"&", "&$top=1", "+", "a+b", " ", "#", "?", "=", ";", "\\", "\"", "(", ")", ",", "Søn & Co.", "日本語",
	"\u0000", "\t\n", "🙂", "a/any(x: true)", "tolower(", "'')", "null", "\u212a",
}

// FuzzStringLiteralRoundTrip checks that any string the SDK's builder
// quotes comes back as exactly that string: it matches the row holding it
// and nothing else, and cannot inject another condition.
func FuzzStringLiteralRoundTrip(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	resolve := customerResolver
	row := func(name string) []string {
		r := slices.Clone(customerRows[0])
		r[2] = name
		return r
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the builder refuses it
		}
		for _, expr := range []odata.Expr{odata.Eq("displayName", s), odata.In("displayName", s)} {
			v, err := odata.New().Filter(expr).Values()
			require.NoError(t, err)
			flt, err := Parse(v.Get("$filter"), resolve, Options{SchemaVersion: v.Get("$schemaversion")})
			require.NoError(t, err, "%q", v.Get("$filter"))
			require.True(t, flt.Match(row(s)))
			require.False(t, flt.Match(row(s+"x")))
			require.False(t, flt.Match(row("x"+s)))
			require.Equal(t, []string{"displayName"}, flt.Fields())
			require.False(t, flt.IgnoredLambda())
		}

		v, err := odata.New().Filter(odata.Contains("displayName", s)).Values()
		require.NoError(t, err)
		flt, err := Parse(v.Get("$filter"), resolve, Options{})
		require.NoError(t, err, "%q", v.Get("$filter"))
		require.True(t, flt.Match(row("<"+s+">")))
		require.Equal(t, []string{"displayName"}, flt.Fields())
	})
}
