package filter

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// all are the keys of every G/L row; valid leaves out BAD, whose values
// parse as nothing and so fail every comparison but string ones.
var (
	allGL   = []string{"G00001", "G00002", "G00003", "G00004", "G00005", "G01000", "INV-4999", "INV-5000", "BAD"}
	validGL = allGL[:8]
)

func without(keys []string, drop ...string) []string {
	out := []string{}
	for _, k := range keys {
		keep := true
		for _, d := range drop {
			keep = keep && k != d
		}
		if keep {
			out = append(out, k)
		}
	}
	return out
}

func TestMatchGL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		filter string
		opts   Options
		want   []string
	}{
		// The empty filter matches everything.
		{filter: "", want: allGL},
		{filter: "   ", want: allGL},

		// Int: every operator, literal on either side.
		{filter: "entryNumber eq 5", want: []string{"G00005"}},
		{filter: "entryNumber ne 5", want: without(validGL, "G00005")},
		{filter: "entryNumber gt 1000", want: []string{"INV-4999", "INV-5000"}},
		{filter: "entryNumber ge 1000", want: []string{"G01000", "INV-4999", "INV-5000"}},
		{filter: "entryNumber lt 3", want: []string{"G00001", "G00002"}},
		{filter: "entryNumber le 3", want: []string{"G00001", "G00002", "G00003"}},
		{filter: "1000 le entryNumber", want: []string{"G01000", "INV-4999", "INV-5000"}},
		{filter: "3 gt entryNumber", want: []string{"G00001", "G00002"}},
		{filter: "3 ge entryNumber", want: []string{"G00001", "G00002", "G00003"}},
		{filter: "4999 lt entryNumber", want: []string{"INV-5000"}},
		{filter: "5 eq entryNumber", want: []string{"G00005"}},
		{filter: "5 ne entryNumber", want: without(validGL, "G00005")},
		{filter: "entryNumber gt -1", want: validGL},
		{filter: "entryNumber eq 005", want: []string{"G00005"}},
		{filter: "entryNumber eq 5.0", want: []string{"G00005"}},
		{filter: "entryNumber gt 4999.5", want: []string{"INV-5000"}},

		// Decimal: exact by value, whatever the scale.
		{filter: "debitAmount eq 1000", want: []string{"G00001"}},
		{filter: "debitAmount eq 1000.0000", want: []string{"G00001"}},
		{filter: "creditAmount eq 1000.00", want: []string{"G00002"}},
		{filter: "creditAmount eq 250.50", want: []string{"G00003"}},
		{filter: "debitAmount eq 0", want: []string{"G00002", "G00003"}},
		{filter: "debitAmount eq -0", want: []string{"G00002", "G00003"}},
		{filter: "debitAmount lt 0", want: []string{"G00004"}},
		{filter: "debitAmount ge -12.5", want: validGL},
		{filter: "debitAmount gt -12.5", want: without(validGL, "G00004")},
		{filter: "debitAmount gt -12.51", want: validGL},
		{filter: "debitAmount lt -12.49", want: []string{"G00004"}},
		{filter: "debitAmount gt 413.279", want: []string{"G00001", "G00005", "G01000", "INV-5000"}},
		{filter: "debitAmount le 0.01", want: []string{"G00002", "G00003", "G00004", "INV-4999"}},
		{filter: "debitAmount lt 0.1", want: []string{"G00002", "G00003", "G00004", "INV-4999"}},
		{filter: "debitAmount gt 99999999999999999999.98", want: []string{"G01000"}},
		{filter: "debitAmount eq 99999999999999999999.990", want: []string{"G01000"}},
		{filter: "debitAmount gt 100000000000000000000", want: []string{}},

		// Date: 0001-01-01 is a real date, before all others.
		{filter: "postingDate eq 2025-01-01", want: []string{"G00002"}},
		{filter: "postingDate ge 2025-01-01", want: []string{"G00002", "G00003", "G00004", "G01000", "INV-4999", "INV-5000"}},
		{filter: "postingDate lt 2025-01-01", want: []string{"G00001", "G00005"}},
		{filter: "postingDate le 2024-12-31", want: []string{"G00001", "G00005"}},
		{filter: "postingDate gt 0001-01-01", want: without(validGL, "G00005")},
		{filter: "postingDate eq 0001-01-01", want: []string{"G00005"}},
		{filter: "postingDate ne 0001-01-01", want: without(validGL, "G00005")},
		{filter: "2025-06-30 le postingDate", want: []string{"INV-4999", "INV-5000"}},

		// DateTime: 0 to 3 fraction digits in rows, offsets in literals,
		// and the 0001 sentinel before every real timestamp.
		{filter: "lastModifiedDateTime gt 2025-01-01T00:00:00Z", want: without(validGL, "G00004")},
		{filter: "lastModifiedDateTime eq 2025-01-01T08:00:00Z", want: []string{"G00001"}},
		{filter: "lastModifiedDateTime eq 2025-01-01T08:00:00.000Z", want: []string{"G00001"}},
		{filter: "lastModifiedDateTime eq 2025-01-01T08:00:00.5Z", want: []string{"G00002"}},
		{filter: "lastModifiedDateTime eq 2025-01-01T08:00:00.500Z", want: []string{"G00002"}},
		{filter: "lastModifiedDateTime eq 2025-01-01T10:00:00.5+02:00", want: []string{"G00002"}},
		{filter: "lastModifiedDateTime eq 2025-01-01T03:00:00.5-05:00", want: []string{"G00002"}},
		{filter: "lastModifiedDateTime eq 2025-03-01T00:00:00.590Z", want: []string{"G00005"}},
		{filter: "lastModifiedDateTime eq 2025-05-16T15:37:35.593Z", want: []string{"G01000"}},
		{filter: "lastModifiedDateTime gt 2025-01-01T08:00:00Z", want: []string{"G00002", "G00003", "G00005", "G01000", "INV-4999", "INV-5000"}},
		{filter: "lastModifiedDateTime lt 2025-05-16T15:37:35.594Z", want: []string{"G00001", "G00002", "G00003", "G00004", "G00005", "G01000"}},
		{filter: "lastModifiedDateTime eq 0001-01-01T00:00:00Z", want: []string{"G00004"}},
		{filter: "lastModifiedDateTime le 2025-01-15T12:30Z", want: []string{"G00001", "G00002", "G00004"}},
		{filter: "lastModifiedDateTime gt 2025-06-30T23:59:59.998999999Z", want: []string{"INV-4999", "INV-5000"}},
		{filter: "lastModifiedDateTime gt 2025-06-30T23:59:59.999Z", want: []string{"INV-5000"}},

		// GUID: bare or quoted, any case; ordered as SQL Server orders them.
		{filter: "id eq 5D115C9C-44E3-EA11-BB43-000D3A2FECA1", want: []string{"G00001"}},
		{filter: "id eq 5d115c9c-44e3-ea11-bb43-000d3a2feca1", want: []string{"G00001"}},
		{filter: "id eq a1b2c3d4-0000-0000-0000-000000000002", want: []string{"G00002"}},
		{filter: "id eq 'a1b2c3d4-0000-0000-0000-000000000002'", want: []string{"G00002"}},
		{filter: "a1b2c3d4-0000-0000-0000-000000000002 eq id", want: []string{"G00002"}},
		{filter: "id ne 00000000-0000-0000-0000-000000000003", want: without(validGL, "G00003")},
		{filter: "id gt 00000000-0000-0000-0000-000000000005", want: []string{"G00001", "G01000", "INV-4999", "INV-5000"}},
		{filter: "id lt 00000000-0000-0000-0000-000000000003", want: []string{"G00002"}},

		// String: ordinal and case-sensitive; quotes, %, &, + and non-ASCII.
		{filter: "documentNumber eq 'G00003'", want: []string{"G00003"}},
		{filter: "documentNumber eq 'g00003'", want: []string{}},
		{filter: "'G00003' eq documentNumber", want: []string{"G00003"}},
		{filter: "documentNumber ne 'G00003'", want: without(allGL, "G00003")},
		{filter: "documentNumber gt 'G'", want: validGL},
		{filter: "documentNumber lt 'G00002'", want: []string{"G00001", "BAD"}},
		{filter: "documentNumber le 'G00001'", want: []string{"G00001", "BAD"}},
		{filter: "documentNumber ge 'INV'", want: []string{"INV-4999", "INV-5000"}},
		{filter: "accountNumber eq '40100'", want: []string{"G00001", "G00003", "G00005", "INV-4999", "INV-5000", "BAD"}},
		{filter: "description eq 'Credit O''Brien'", want: []string{"G00003"}},
		{filter: "description eq '100% & more + ''quotes'''", want: []string{"G00005"}},
		{filter: "description eq 'Café crème'", want: []string{"G00004"}},
		{filter: "description eq 'Smørrebrød ünïcödé'", want: []string{"INV-4999"}},
		{filter: "description eq ''", want: []string{"INV-5000"}},
		{filter: "description gt 'Z'", want: []string{"BAD"}},

		// tolower/toupper make comparisons case-insensitive, also non-ASCII.
		{filter: "tolower(description) eq 'adatum corp'", want: []string{"G01000"}},
		{filter: "toupper(description) eq 'adatum corp'", want: []string{"G01000"}},
		{filter: "'ADATUM CORP' eq tolower(description)", want: []string{"G01000"}},
		{filter: "tolower(description) eq 'CAFÉ CRÈME'", want: []string{"G00004"}},
		{filter: "toupper(description) eq 'smørrebrød ÜNÏCÖDÉ'", want: []string{"INV-4999"}},
		{filter: "tolower(documentNumber) lt 'g00002'", want: []string{"G00001", "BAD"}},
		{filter: "tolower(documentNumber) ge 'inv'", want: []string{"INV-4999", "INV-5000"}},
		{filter: "tolower(description) ne 'BAD'", want: without(allGL, "BAD")},
		{filter: "tolower(toupper(description)) eq 'adatum corp'", opts: v21, want: []string{"G01000"}},

		// contains, startswith, endswith.
		{filter: "contains(description,'Adatum')", want: []string{"G00002"}},
		{filter: "contains(description,'adatum')", want: []string{}},
		{filter: "contains(description,'ADATUM')", want: []string{"G01000"}},
		{filter: "contains(description,'% &')", want: []string{"G00005"}},
		{filter: "contains(description,'''')", want: []string{"G00003", "G00005"}},
		{filter: "contains(description,'ø')", want: []string{"INV-4999"}},
		{filter: "contains(description,'')", want: allGL},
		{filter: "contains( description , 'Adatum' )", want: []string{"G00002"}},
		{filter: "startswith(documentNumber,'INV-')", want: []string{"INV-4999", "INV-5000"}},
		{filter: "startswith(description,'')", want: allGL},
		{filter: "endswith(description,'crème')", want: []string{"G00004"}},
		{filter: "endswith(description,'e')", want: []string{"G00001", "G00004"}},
		{filter: "contains(tolower(description),'ADATUM')", opts: v21, want: []string{"G00002", "G01000"}},
		{filter: "contains(toupper(description),'adatum')", opts: v21, want: []string{"G00002", "G01000"}},
		{filter: "contains(tolower(description),'ØD ü')", opts: v21, want: []string{"INV-4999"}},
		{filter: "contains(tolower(description),'')", opts: v21, want: allGL},
		{filter: "contains(tolower(description),'zzz')", opts: v21, want: []string{}},
		{filter: "startswith(tolower(documentNumber),'inv')", opts: v21, want: []string{"INV-4999", "INV-5000"}},
		{filter: "startswith(tolower(description),'café')", opts: v21, want: []string{"G00004"}},
		{filter: "startswith(tolower(description),'opening balance and more')", opts: v21, want: []string{}},
		{filter: "endswith(toupper(description),'CRÈME')", opts: v21, want: []string{"G00004"}},
		{filter: "endswith(tolower(description),'ÜNÏCÖDÉ')", opts: v21, want: []string{"INV-4999"}},
		{filter: "endswith(tolower(description),'BALANCE')", opts: v21, want: []string{"G00001"}},
		{filter: "endswith(tolower(description),'x opening balance')", opts: v21, want: []string{}},

		// Enum: quoted wire names, typed literals, declared order.
		{filter: "documentType eq 'Invoice'", want: []string{"G00001", "INV-4999"}},
		{filter: "documentType eq 'invoice'", want: []string{"G00001", "INV-4999"}},
		{filter: "documentType ne 'Invoice'", want: []string{"G00002", "G00003", "G00004", "G00005", "G01000", "INV-5000"}},
		{filter: "documentType eq 'Credit_x0020_Memo'", want: []string{"G00003"}},
		{filter: "documentType eq '_x0020_'", want: []string{"G00004"}},
		{filter: "documentType eq Microsoft.NAV.genJournalDocumentType'Invoice'", want: []string{"G00001", "INV-4999"}},
		{filter: "documentType gt 'Invoice'", want: []string{"G00003", "G00005", "G01000", "INV-5000"}},
		{filter: "'Invoice' lt documentType", want: []string{"G00003", "G00005", "G01000", "INV-5000"}},
		{filter: "documentType le 'Payment'", want: []string{"G00002", "G00004"}},

		// null: BC values are never null.
		{filter: "description eq null", want: []string{}},
		{filter: "description ne null", want: allGL},
		{filter: "null eq description", want: []string{}},
		{filter: "debitAmount gt null", want: []string{}},

		// and, or, parentheses, precedence, whitespace.
		{filter: "entryNumber ge 3 and entryNumber le 5", want: []string{"G00003", "G00004", "G00005"}},
		{filter: "entryNumber eq 1 or entryNumber eq 5000", want: []string{"G00001", "INV-5000"}},
		{filter: "(entryNumber eq 1 or entryNumber eq 5000) and documentType eq 'Invoice'", want: []string{"G00001"}},
		{filter: "documentType eq 'Invoice' and (entryNumber eq 1 or entryNumber eq 5000)", want: []string{"G00001"}},
		{filter: "entryNumber lt 2 or entryNumber gt 4000 and entryNumber lt 4000", want: []string{"G00001"}},
		{filter: "(entryNumber lt 2 or entryNumber gt 4000) and entryNumber lt 5000", want: []string{"G00001", "INV-4999"}},
		{filter: "entryNumber eq 3 or (entryNumber ge 4999 and entryNumber le 5000)", want: []string{"G00003", "INV-4999", "INV-5000"}},
		{filter: "((entryNumber eq 3))", want: []string{"G00003"}},
		{filter: "  entryNumber   eq   3  ", want: []string{"G00003"}},
		{filter: "entryNumber\teq\t3", want: []string{"G00003"}},
		{filter: "accountNumber eq '40100' and debitAmount gt 0 and postingDate ge 2025-01-01", want: []string{"INV-4999", "INV-5000"}},
		{filter: "id eq a1b2c3d4-0000-0000-0000-000000000002 or id eq 5d115c9c-44e3-ea11-bb43-000d3a2feca1", want: []string{"G00001", "G00002"}},
		{filter: "description eq 'a) or (b' or description eq 'bad'", want: []string{"BAD"}},

		// in, with $schemaversion=2.1.
		{filter: "entryNumber in (1, 3, 5000)", opts: v21, want: []string{"G00001", "G00003", "INV-5000"}},
		{filter: "documentType in ('Invoice','Refund')", opts: v21, want: []string{"G00001", "G00005", "INV-4999"}},
		{filter: "documentNumber in ('G00002','INV-5000')", opts: v21, want: []string{"G00002", "INV-5000"}},
		{filter: "id in (5d115c9c-44e3-ea11-bb43-000d3a2feca1,'A1B2C3D4-0000-0000-0000-000000000002')", opts: v21, want: []string{"G00001", "G00002"}},
		{filter: "tolower(documentNumber) in ('inv-4999')", opts: v21, want: []string{"INV-4999"}},
		{filter: "postingDate in (2025-01-01,0001-01-01)", opts: v21, want: []string{"G00002", "G00005"}},
		{filter: "debitAmount in (1000,0.010)", opts: v21, want: []string{"G00001", "INV-4999"}},
		{filter: "description in ('x',null)", opts: v21, want: []string{}},
		{filter: "entryNumber in (1) or entryNumber eq 2", opts: v21, want: []string{"G00001", "G00002"}},

		// Lambdas are ignored, as BC ignores them: they hold for every row.
		{filter: "dimensionSetLines/any(d: d/code eq 'AREA')", want: allGL},
		{filter: "dimensionSetLines/all(d:d/code ne 'x')", want: allGL},
		{filter: "dimensionSetLines/any()", want: allGL},
		{filter: "entryNumber eq 3 and dimensionSetLines/any(d: d/code eq ')(' and d/value eq 'x')", want: []string{"G00003"}},
		{filter: "dimensionSetLines/all(d: d/code ne 'x') or entryNumber eq 3", want: allGL},
		{filter: "a/b/any(x: x/c/any(y: (y/d eq 1))) and entryNumber le 2", want: []string{"G00001", "G00002"}},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, glMatches(t, tt.filter, tt.opts))
		})
	}
}

func TestMatchCustomer(t *testing.T) {
	t.Parallel()
	all := []string{"10000", "20000", "30000", "40000", "50000", "60000"}
	tests := []struct {
		filter string
		want   []string
	}{
		{"taxLiable eq true", []string{"10000", "30000", "50000"}},
		{"taxLiable eq false", []string{"20000", "40000", "60000"}},
		{"taxLiable ne true", []string{"20000", "40000", "60000"}},
		{"taxLiable gt false", []string{"10000", "30000", "50000"}},
		{"true eq taxLiable", []string{"10000", "30000", "50000"}},
		{"taxLiable", []string{"10000", "30000", "50000"}},
		{"(taxLiable)", []string{"10000", "30000", "50000"}},
		{"taxLiable and balanceDue gt 0", []string{"10000", "50000"}},
		{"blocked eq 'Ship'", []string{"20000", "60000"}},
		{"blocked eq '_x0020_'", []string{"10000", "50000"}},
		{"blocked ne '_x0020_'", []string{"20000", "30000", "40000", "60000"}},
		{"blocked ge 'Invoice'", []string{"30000", "40000"}},
		{"blocked eq Microsoft.NAV.blocked'All'", []string{"40000"}},
		{"displayName eq 'O''Brien & Søn'", []string{"50000"}},
		{"displayName eq 'Adatum Corporation'", []string{"10000"}},
		{"tolower(displayName) eq 'adatum corporation'", []string{"10000", "60000"}},
		{"toupper(displayName) eq 'ADATUM CORPORATION'", []string{"10000", "60000"}},
		{"tolower(displayName) eq 'o''brien & SØN'", []string{"50000"}},
		{"startswith(displayName,'O''Brien')", []string{"50000"}},
		{"balanceDue eq 100", []string{"40000", "50000"}},
		{"balanceDue lt 0", []string{"30000"}},
		{"balanceDue gt 0.49 and balanceDue lt 0.51", []string{"60000"}},
		{"lastModifiedDateTime gt 2025-01-01T00:00:00Z", []string{"20000", "30000", "40000", "50000"}},
		{"lastModifiedDateTime lt 2025-01-01T00:00:00Z", []string{"60000"}},
		{"lastModifiedDateTime ge 0001-01-01T00:00:00Z", all},
		{"displayName ne null", all},
		{"number ge '20000' and number le '40000'", []string{"20000", "30000", "40000"}},
		{"number eq '10000' or number eq '60000'", []string{"10000", "60000"}},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, customerMatches(t, tt.filter, Options{}))
		})
	}
}

// TestMatchShortRow checks that a row without the field's column matches
// no comparison rather than panicking.
func TestMatchShortRow(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"entryNumber eq 1", "documentNumber eq 'x'", "documentNumber ne 'x'", "contains(description,'')",
		"entryNumber in (1)",
	} {
		f, err := Parse(s, glResolver, v21)
		require.NoError(t, err)
		require.False(t, f.Match(nil), s)
		require.False(t, f.Match([]string{"x"}), s)
	}
	f, err := Parse("x eq 1", func(string) (Field, bool) { return Field{Index: -1, Kind: Int}, true }, Options{})
	require.NoError(t, err)
	require.False(t, f.Match([]string{"1"}))
}

func TestFieldsAndLambda(t *testing.T) {
	t.Parallel()
	tests := []struct {
		filter string
		fields []string
		lambda bool
	}{
		{"", nil, false},
		{"entryNumber ge 1 and postingDate ge 2025-01-01 and entryNumber le 5 and contains(description,'x')",
			[]string{"entryNumber", "postingDate", "description"}, false},
		{"tolower(description) eq 'x' and dimensionSetLines/any(d: d/code eq 'x')", []string{"description"}, true},
		{"dimensionSetLines/all(d: d/code eq 'x')", nil, true},
		{"'x' eq documentNumber", []string{"documentNumber"}, false},
	}
	for _, tt := range tests {
		f, err := Parse(tt.filter, glResolver, Options{})
		require.NoError(t, err, tt.filter)
		require.Equal(t, tt.fields, f.Fields(), tt.filter)
		require.Equal(t, tt.lambda, f.IgnoredLambda(), tt.filter)
	}

	// The resolver's spelling of the name is the one reported.
	f, err := Parse("EntryNo eq 1", func(string) (Field, bool) { return Field{Name: "entryNumber", Kind: Int}, true }, Options{})
	require.NoError(t, err)
	require.Equal(t, []string{"entryNumber"}, f.Fields())
}
