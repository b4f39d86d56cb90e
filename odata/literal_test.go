package odata

import (
	"errors"
	"math"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

type docType string // like the SDK's enum types

type level int

type flag bool

type period struct{}

func (p *period) ODataLiteral() string { return "P" }

type amount struct{}

func (amount) ODataLiteral() string { return "12.50" }

func TestFormatLiteral(t *testing.T) {
	t.Parallel()
	str := "x'y"
	var nilStr *string
	n := 7
	pn := &n
	var nilDec *decimal.Decimal
	var nilPeriod *period
	var anyNil any
	var anyVal any = "v"
	dec := decimal.RequireFromString("1000.00")
	cet := time.FixedZone("CET", 2*60*60)

	tests := []struct {
		name string
		in   any
		want string
	}{
		{"string", "abc", "'abc'"},
		{"quote doubled", "O'Brien", "'O''Brien'"},
		{"only quotes", "''", "''''''"},
		{"injection attempt", "' or 1 eq 1", "''' or 1 eq 1'"},
		{"empty string", "", "''"},
		{"unicode", "Zürich 東京 🙂", "'Zürich 東京 🙂'"},
		{"enum named string", docType("Credit_x0020_Memo"), "'Credit_x0020_Memo'"},
		{"blank enum member", docType("_x0020_"), "'_x0020_'"},
		{"guid lower", GUID("5d115c9c-44e3-ea11-bb43-000d3a2feca1"), "5d115c9c-44e3-ea11-bb43-000d3a2feca1"},
		{"guid upper is lowered", GUID("5D115C9C-44E3-EA11-BB43-000D3A2FECA1"), "5d115c9c-44e3-ea11-bb43-000d3a2feca1"},
		{"time utc millis", time.Date(2019, 8, 18, 20, 5, 51, 603_000_000, time.UTC), "2019-08-18T20:05:51.603Z"},
		{"time zero millis", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), "2025-01-01T00:00:00.000Z"},
		{"time converted to utc", time.Date(2025, 1, 1, 1, 30, 0, 999_999_999, cet), "2024-12-31T23:30:00.999Z"},
		{"date", DateOf(time.Date(2025, 1, 31, 23, 59, 0, 0, time.UTC)), "2025-01-31"},
		{"date keeps its own calendar day", DateOf(time.Date(2025, 2, 1, 0, 30, 0, 0, cet)), "2025-02-01"},
		{"literal verbatim", amount{}, "12.50"},
		{"literal pointer receiver", &period{}, "P"},
		{"nil literal pointer", nilPeriod, "null"},
		{"decimal keeps scale", dec, "1000.00"},
		{"decimal pointer", &dec, "1000.00"},
		{"nil decimal pointer", nilDec, "null"},
		{"decimal negative fraction", decimal.RequireFromString("-0.05"), "-0.05"},
		{"decimal large no exponent", decimal.New(1, 20), "100000000000000000000"},
		{"decimal zero", decimal.Zero, "0"},
		{"int", 42, "42"},
		{"int8 negative", int8(-5), "-5"},
		{"int64 min", int64(math.MinInt64), "-9223372036854775808"},
		{"uint64 max", uint64(math.MaxUint64), "18446744073709551615"},
		{"uint8", uint8(255), "255"},
		{"named int", level(3), "3"},
		{"float64", 1.5, "1.5"},
		{"float64 large no exponent", 1e21, "1000000000000000000000"},
		{"float64 small no exponent", 0.000001, "0.000001"},
		{"float32 shortest", float32(0.1), "0.1"},
		{"bool true", true, "true"},
		{"bool false", false, "false"},
		{"named bool", flag(true), "true"},
		{"nil", nil, "null"},
		{"nil interface pointer target", &anyNil, "null"},
		{"interface pointer target", &anyVal, "'v'"},
		{"string pointer", &str, "'x''y'"},
		{"nil string pointer", nilStr, "null"},
		{"pointer to pointer", &pn, "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := FormatLiteral(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestFormatLiteralErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"struct", period{}, "odata: cannot use a value of type odata.period as a literal"},
		{"slice", []int{1}, "type []int"},
		{"map", map[string]int{}, "type map[string]int"},
		{"chan", make(chan int), "type chan int"},
		{"NaN", math.NaN(), "cannot use NaN as a literal: BC number fields cannot hold NaN or infinity"},
		{"+Inf", math.Inf(1), "cannot use +Inf as a literal"},
		{"-Inf float32", float32(math.Inf(-1)), "cannot use -Inf as a literal"},
		{"invalid utf8", "a\xffb", `string literal "a\xffb" is not valid UTF-8`},
		{"guid too short", GUID("5d115c9c-44e3-ea11-bb43-000d3a2feca"), `invalid GUID "5d115c9c-44e3-ea11-bb43-000d3a2feca": want 8-4-4-4-12 hexadecimal digits`},
		{"guid braces", GUID("{5d115c9c-44e3-ea11-bb43-000d3a2fec}"), "invalid GUID"},
		{"guid not hex", GUID("5d115c9c-44e3-ea11-bb43-000d3a2fecag"), "invalid GUID"},
		{"guid dash misplaced", GUID("5d115c9c44e3-ea11-bb43-000d3a2feca1-"), "invalid GUID"},
		{"guid injection", GUID("5d115c9c-44e3-ea11-bb43-000d3a2f or 1"), "invalid GUID"},
		{"guid empty", GUID(""), "invalid GUID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := FormatLiteral(tt.in)
			require.ErrorContains(t, err, tt.want)
			require.Empty(t, got)
		})
	}
}

func TestFormatLiteralErrorIsWrapped(t *testing.T) {
	t.Parallel()
	_, err := FormatLiteral(GUID("x"))
	require.Error(t, errors.Unwrap(err))
}

// unquote is a reference parser for an OData string literal at the start of
// lit. It returns the value and the number of bytes consumed, which is less
// than len(lit) if a quote ended the literal early.
func unquote(lit string) (string, int, error) {
	if len(lit) == 0 || lit[0] != '\'' {
		return "", 0, errors.New("literal does not start with a quote")
	}
	var out []byte
	for i := 1; i < len(lit); i++ {
		if lit[i] != '\'' {
			out = append(out, lit[i])
			continue
		}
		if i+1 < len(lit) && lit[i+1] == '\'' {
			out = append(out, '\'')
			i++
			continue
		}
		return string(out), i + 1, nil
	}
	return "", 0, errors.New("unterminated literal")
}

var trickyStrings = []string{
	"", "'", "''", "O'Brien", "' or 1 eq 1", "x' or displayName ne '", "%20", "%27", "+", "a+b c",
	"&$top=1", "a&b=c;d#e", "\x00", "\n\r\t", "Zürich", "東京", "🙂", "_x0020_", "a/any(x: x)", "\\'",
	"a\xffb",
}

func FuzzStringLiteral(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit, err := FormatLiteral(s)
		if err != nil {
			require.False(t, utf8.ValidString(s), "valid UTF-8 refused: %v", err)
			require.ErrorContains(t, err, "not valid UTF-8")
			return
		}
		got, n, err := unquote(lit)
		require.NoError(t, err, "literal %s", lit)
		require.Equal(t, len(lit), n, "a quote ends literal %s early", lit)
		require.Equal(t, s, got)
	})
}
