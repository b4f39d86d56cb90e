package filter

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDateTimeAgainstTime checks the hand-written calendar arithmetic
// against package time across the whole range BC uses.
func TestDateTimeAgainstTime(t *testing.T) {
	t.Parallel()
	epoch := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := epoch; d.Year() < 10000; d = d.Add(997*24*time.Hour + 3671*time.Second + 123456789) {
		for _, layout := range []string{
			"2006-01-02T15:04:05Z", "2006-01-02T15:04:05.9Z", "2006-01-02T15:04:05.999Z",
			"2006-01-02T15:04:05.999999999Z", "2006-01-02T15:04Z",
		} {
			s := d.Format(layout)
			got, ok := parseDateTime(s)
			require.True(t, ok, s)
			want, err := time.Parse(time.RFC3339Nano, strings.Replace(s, "Z", ":00Z", strings.Count(s, ":")%2))
			require.NoError(t, err, s)
			require.Equal(t, want.Unix()-epoch.Unix(), got.sec, s)
			require.Equal(t, int64(want.Nanosecond()), got.nsec, s)
		}
		y, m, day := d.Date()
		require.Equal(t, (d.Unix()-epoch.Unix())/86400, daysSinceEpoch(y, int(m), day), d)
	}
	// Offsets move the instant to UTC.
	a, ok := parseDateTime("2025-01-01T02:30:00+02:30")
	require.True(t, ok)
	b, ok := parseDateTime("2025-01-01T00:00:00Z")
	require.True(t, ok)
	require.Equal(t, b, a)
	a, ok = parseDateTime("2024-12-31t21:00:00-03:00")
	require.True(t, ok)
	require.Equal(t, b, a)
}

func TestParseDateTimeRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "2025-01-01", "2025-01-01T", "2025-01-01T00:00", "2025-01-01 00:00:00Z", "2025-01-01T24:00:00Z",
		"2025-01-01T00:60:00Z", "2025-01-01T00:00:60Z", "2025-02-29T00:00:00Z", "2025-01-01T00:00:00.Z",
		"2025-01-01T00:00:00.1234567890Z", "2025-01-01T00:00:00ZZ", "2025-01-01T00:00:00+0200",
		"2025-01-01T00:00:00+02:60", "2025-01-01T0a:00:00Z", "2025-01-01T00:00:0aZ", "0000-01-01T00:00:00Z",
		"2025-01-01T00:00:00.5", "2025-01-01T00:00.5Z",
	} {
		_, ok := parseDateTime(s)
		require.False(t, ok, s)
	}
	for _, s := range []string{"2024-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "9999-12-31T23:59:59.999999999Z"} {
		_, ok := parseDateTime(s)
		require.True(t, ok, s)
	}
	for _, s := range []string{"1900-02-29", "2025-00-01", "2025-04-31", "2025/01/01", "02025-01-01", "2025-01-1x"} {
		require.False(t, validDate(s), s)
	}
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s      string
		neg    bool
		ip, fp string
		ok     bool
	}{
		{"0", false, "", "", true},
		{"-0.000", false, "", "", true},
		{"1000.00", false, "1000", "", true},
		{"-012.5010", true, "12", "501", true},
		{"0.01", false, "", "01", true},
		{"", false, "", "", false},
		{"-", false, "", "", false},
		{"1.", false, "", "", false},
		{".5", false, "", "", false},
		{"1e3", false, "", "", false},
		{"+1", false, "", "", false},
		{"1.2.3", false, "", "", false},
	}
	for _, tt := range tests {
		n, ok := parseNumber(tt.s)
		require.Equal(t, tt.ok, ok, tt.s)
		if ok {
			require.Equal(t, number{tt.neg, tt.ip, tt.fp}, n, tt.s)
		}
	}
	order := []string{"-1000", "-999.99", "-1", "-0.5", "-0.05", "0", "0.05", "0.5", "0.51", "1", "9.99", "10", "99999999999999999999999.5"}
	for i, a := range order {
		for j, b := range order {
			na, _ := parseNumber(a)
			nb, _ := parseNumber(b)
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			require.Equal(t, want, compareNumbers(&na, &nb), "%s vs %s", a, b)
		}
	}
}

// TestCompareGUID checks SQL Server's uniqueidentifier order: the last
// group is most significant, and within the first three groups the bytes
// count from the right.
func TestCompareGUID(t *testing.T) {
	t.Parallel()
	ascending := []string{
		"00000000-0000-0000-0000-000000000000",
		"01000000-0000-0000-0000-000000000000",
		"10000000-0000-0000-0000-000000000000",
		"00010000-0000-0000-0000-000000000000",
		"00000100-0000-0000-0000-000000000000",
		"00000001-0000-0000-0000-000000000000",
		"00000000-0100-0000-0000-000000000000",
		"00000000-0001-0000-0000-000000000000",
		"00000000-0000-0100-0000-000000000000",
		"00000000-0000-0001-0000-000000000000",
		"00000000-0000-0000-0001-000000000000",
		"00000000-0000-0000-0100-000000000000",
		"00000000-0000-0000-FF00-000000000000",
		"00000000-0000-0000-0000-000000000001",
		"00000000-0000-0000-0000-010000000000",
		"00000000-0000-0000-0000-0A0000000000",
		"00000000-0000-0000-0000-b00000000000",
		"ffffffff-ffff-ffff-ffff-ffffffffffff",
	}
	for i := 1; i < len(ascending); i++ {
		require.Negative(t, compareGUID(ascending[i-1], ascending[i]), "%s < %s", ascending[i-1], ascending[i])
		require.Positive(t, compareGUID(ascending[i], ascending[i-1]))
	}
	require.Zero(t, compareGUID("ABCDEF00-0000-0000-0000-00000000000A", "abcdef00-0000-0000-0000-00000000000a"))
	require.Negative(t, compareGUID("x", ascending[0]), "invalid GUIDs order by length, not by panicking")
	for _, s := range []string{"00000000x0000-0000-0000-000000000000", "00000000-0000-0000-0000-00000000000g", ""} {
		require.False(t, IsGUID(s), s)
	}
}

func TestCompareFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		f    fold
		want int
	}{
		{"Adatum", "aDATUM", lowerFold, 0},
		{"Adatum", "aDATUM", upperFold, 0},
		{"Ærø", "æRØ", lowerFold, 0},
		{"ab", "abc", lowerFold, -1},
		{"abd", "ABC", lowerFold, 1},
		{"a", "É", lowerFold, -1},
		{"É", "a", upperFold, 1},
		{"\u212a", "k", lowerFold, 0}, // KELVIN SIGN lowers to k
		{"ſ", "S", upperFold, 0},      // LATIN SMALL LETTER LONG S uppers to S
		{"[", "a", lowerFold, -1},     // '[' sits between 'Z' and 'a'
		{"[", "a", upperFold, 1},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, compareFold(tt.a, tt.b, tt.f), "%q %q", tt.a, tt.b)
	}
	require.False(t, containsFold("straße \u212aelvin", "KELVIN", upperFold)) // already upper case
	require.True(t, containsFold("straße \u212aelvin", "kelvin", lowerFold))
	require.False(t, containsFold("", "a", lowerFold))
	require.True(t, hasPrefixFold("Ærø Kommune", "ærø", lowerFold))
	require.False(t, hasPrefixFold("Ærø", "ærøx", lowerFold))
	require.True(t, hasSuffixFold("Kommune Ærø", "ÆRØ", upperFold))
	require.False(t, hasSuffixFold("Ærø", "xærø", lowerFold))
	require.False(t, hasSuffixFold("Ærø", "æro", lowerFold))
}

func TestKindString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "DateTime", DateTime.String())
	require.Equal(t, "Enum", Enum.String())
	require.Equal(t, "Kind(?)", Kind(-1).String())
	require.Equal(t, "Kind(?)", Kind(8).String())
}

// TestParseFixedAgreesWithParseNumber checks the fixed-point fast path
// against the exact comparison on numbers either side of its limits.
func TestParseFixedAgreesWithParseNumber(t *testing.T) {
	t.Parallel()
	nums := []string{
		"0", "-0", "1", "-1", "0.5", "0.000001", "0.0000001", "-0.0000005", "999999999999", "999999999999.999999",
		"1000000000000", "-999999999999.999999", "1000.00", "1000", "413.28", "413.280000", "413.2800001",
		"00000000000000001", "12.", "1e3", "", "-", "1.2.3", "x",
	}
	for _, a := range nums {
		fa, okA := parseFixed(a)
		na, okNA := parseNumber(a)
		require.False(t, okA && !okNA, "%q: fixed accepts what exact refuses", a)
		for _, b := range nums {
			fb, okB := parseFixed(b)
			nb, _ := parseNumber(b)
			if okA && okB {
				require.Equal(t, compareNumbers(&na, &nb), cmpInt(fa, fb), "%q vs %q", a, b)
			}
		}
	}
	_, ok := parseFixed("1000000000000")
	require.False(t, ok, "13 integer digits do not fit")
	_, ok = parseFixed("0.0000001")
	require.False(t, ok, "7 fraction digits do not fit")
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
