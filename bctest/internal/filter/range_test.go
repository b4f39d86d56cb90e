package filter

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRange(t *testing.T) {
	t.Parallel()
	unset := Bound{}
	incl := func(v string) Bound { return Bound{Value: v, Inclusive: true, Set: true} }
	excl := func(v string) Bound { return Bound{Value: v, Set: true} }
	tests := []struct {
		filter, field string
		lo, hi        Bound
	}{
		{"entryNumber ge 100 and entryNumber lt 200 and postingDate ge 2025-01-01", "entryNumber", incl("100"), excl("200")},
		{"entryNumber ge 100 and entryNumber lt 200 and postingDate ge 2025-01-01", "postingDate", incl("2025-01-01"), unset},
		{"entryNumber ge 100 and entryNumber lt 200 and postingDate ge 2025-01-01", "documentNumber", unset, unset},
		{"entryNumber eq 5", "entryNumber", incl("5"), incl("5")},
		{"5 eq entryNumber", "entryNumber", incl("5"), incl("5")},
		{"100 le entryNumber", "entryNumber", incl("100"), unset},
		{"100 gt entryNumber", "entryNumber", unset, excl("100")},

		// The tightest bound wins; at equal values, exclusive is tighter.
		{"entryNumber gt 5 and entryNumber ge 5", "entryNumber", excl("5"), unset},
		{"entryNumber ge 5 and entryNumber gt 5", "entryNumber", excl("5"), unset},
		{"entryNumber gt 5 and entryNumber ge 7", "entryNumber", incl("7"), unset},
		{"entryNumber ge 7 and entryNumber gt 5", "entryNumber", incl("7"), unset},
		{"entryNumber le 10 and entryNumber lt 10", "entryNumber", unset, excl("10")},
		{"entryNumber lt 10 and entryNumber le 10", "entryNumber", unset, excl("10")},
		{"entryNumber lt 10 and entryNumber le 9", "entryNumber", unset, incl("9")},
		{"entryNumber le 9 and entryNumber lt 10", "entryNumber", unset, incl("9")},
		{"entryNumber ge 1 and entryNumber eq 5 and entryNumber le 9", "entryNumber", incl("5"), incl("5")},
		{"entryNumber ge 10 and entryNumber le 5", "entryNumber", incl("10"), incl("5")},
		{"debitAmount ge 1000.00 and debitAmount gt 1000", "debitAmount", excl("1000.00"), unset},
		{"entryNumber ge 9 and entryNumber ge 10", "entryNumber", incl("10"), unset},

		// Nested conjunctions count; or, ne, in, null and folded comparisons do not.
		{"(entryNumber ge 1 and entryNumber le 5) and documentType eq 'Invoice'", "entryNumber", incl("1"), incl("5")},
		{"entryNumber ge 1 and (entryNumber le 5 or entryNumber eq 9)", "entryNumber", incl("1"), unset},
		{"entryNumber ge 1 or entryNumber le 5", "entryNumber", unset, unset},
		{"entryNumber ne 5", "entryNumber", unset, unset},
		{"entryNumber in (1,2)", "entryNumber", unset, unset},
		{"entryNumber eq null and entryNumber ge 1", "entryNumber", incl("1"), unset},
		{"tolower(documentNumber) ge 'a'", "documentNumber", unset, unset},
		{"dimensionSetLines/any(d: d/x eq 1) and entryNumber lt 3", "entryNumber", unset, excl("3")},
		{"", "entryNumber", unset, unset},

		// Values come back in wire-text form.
		{"lastModifiedDateTime gt 2025-01-01T02:00:00+02:00", "lastModifiedDateTime", excl("2025-01-01T00:00:00Z"), unset},
		{"lastModifiedDateTime le 2025-01-01T00:00:00.120Z", "lastModifiedDateTime", unset, incl("2025-01-01T00:00:00.12Z")},
		{"id ge 5D115C9C-44E3-EA11-BB43-000D3A2FECA1", "id", incl("5d115c9c-44e3-ea11-bb43-000d3a2feca1"), unset},
		{"documentType ge 'invoice'", "documentType", incl("Invoice"), unset},
		{"documentNumber ge 'G' and documentNumber lt 'H'", "documentNumber", incl("G"), excl("H")},
	}
	for _, tt := range tests {
		t.Run(tt.filter+"/"+tt.field, func(t *testing.T) {
			t.Parallel()
			f, err := Parse(tt.filter, glResolver, v21)
			require.NoError(t, err)
			lo, hi := f.Range(tt.field)
			require.Equal(t, tt.lo, lo, "lo")
			require.Equal(t, tt.hi, hi, "hi")
		})
	}
}

// TestRangeAgreesWithMatch checks that every row Match accepts lies within
// the bounds Range reports, compared with Field.Compare.
func TestRangeAgreesWithMatch(t *testing.T) {
	t.Parallel()
	rows := benchRows(500)
	for _, s := range []string{
		"entryNumber ge 100 and entryNumber lt 200",
		"entryNumber gt 100 and entryNumber le 200 and documentType eq 'Invoice'",
		"postingDate ge 2025-03-01 and postingDate lt 2025-04-15",
		"lastModifiedDateTime gt 2025-02-01T12:00:00.5Z and lastModifiedDateTime le 2025-05-01T12:00:00.9Z",
		"debitAmount gt 100.5 and debitAmount lt 200",
		"id gt 00000000-44e3-ea11-bb43-000d3a2feca1 and id lt 00000020-44E3-EA11-BB43-000D3A2FECA1",
	} {
		f, err := Parse(s, glResolver, Options{})
		require.NoError(t, err)
		field := f.Fields()[0]
		fd, _ := glResolver(field)
		lo, hi := f.Range(field)
		require.True(t, lo.Set && hi.Set, s)
		n := 0
		for _, r := range rows {
			v := r[fd.Index]
			c, ok := fd.Compare(v, lo.Value)
			require.True(t, ok)
			inLo := c > 0 || c == 0 && lo.Inclusive
			c, ok = fd.Compare(v, hi.Value)
			require.True(t, ok)
			inHi := c < 0 || c == 0 && hi.Inclusive
			if f.Match(r) {
				n++
				require.True(t, inLo && inHi, "%s: row %v", s, r)
			}
		}
		require.Positive(t, n, s)
	}
}

func TestFieldCompare(t *testing.T) {
	t.Parallel()
	docType := Field{Kind: Enum, Enum: genJournalDocumentType}
	tests := []struct {
		field Field
		a, b  string
		want  int
		ok    bool
	}{
		{Field{Kind: Int}, "9", "10", -1, true},
		{Field{Kind: Int}, "-10", "-9", -1, true},
		{Field{Kind: Decimal}, "1000.00", "1000", 0, true},
		{Field{Kind: Decimal}, "-0.5", "0", -1, true},
		{Field{Kind: Decimal}, "1e3", "1000", 0, false},
		{Field{Kind: Date}, "0001-01-01", "2025-01-01", -1, true},
		{Field{Kind: Date}, "2025-01-01", "2025-1-1", 0, false},
		{Field{Kind: DateTime}, "2025-01-01T00:00:00.001Z", "2025-01-01T00:00:00Z", 1, true},
		{Field{Kind: DateTime}, "0001-01-01T00:00:00Z", "2025-01-01T00:00:00Z", -1, true},
		{Field{Kind: GUID}, "A1B2C3D4-0000-0000-0000-000000000002", "a1b2c3d4-0000-0000-0000-000000000002", 0, true},
		{Field{Kind: GUID}, "x", "a1b2c3d4-0000-0000-0000-000000000002", 0, false},
		{docType, "Invoice", "Payment", 1, true},
		{docType, "_x0020_", "Refund", -1, true},
		{docType, "Unknown", "Refund", 0, false},
		{Field{Kind: Bool}, "false", "true", -1, true},
		{Field{Kind: Bool}, "False", "true", 0, false},
		{Field{Kind: String}, "B", "a", -1, true},
		{Field{Kind: Kind(99)}, "a", "a", 0, false},
	}
	for _, tt := range tests {
		c, ok := tt.field.Compare(tt.a, tt.b)
		require.Equal(t, tt.ok, ok, "%v %q %q", tt.field.Kind, tt.a, tt.b)
		require.Equal(t, tt.want, c, "%v %q %q", tt.field.Kind, tt.a, tt.b)
	}
}
