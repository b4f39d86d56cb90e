package entities_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/entities"
)

func TestDateJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     entities.Date
		out      string
	}{
		{"date", `"2025-05-08"`, entities.Date{Year: 2025, Month: time.May, Day: 8}, `"2025-05-08"`},
		{"bc empty", `"0001-01-01"`, entities.Date{}, `"0001-01-01"`},
		{"null", `null`, entities.Date{}, `"0001-01-01"`},
		{"leap day", `"2024-02-29"`, entities.Date{Year: 2024, Month: time.February, Day: 29}, `"2024-02-29"`},
		{"year 9999", `"9999-12-31"`, entities.Date{Year: 9999, Month: time.December, Day: 31}, `"9999-12-31"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d entities.Date
			require.NoError(t, json.Unmarshal([]byte(tt.in), &d))
			require.Equal(t, tt.want, d)
			out, err := json.Marshal(d)
			require.NoError(t, err)
			require.JSONEq(t, tt.out, string(out))
		})
	}
}

func TestDateJSONErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"2025-02-30"`, `"2025-5-8"`, `"2025-05-08T00:00:00Z"`, `""`, `20250508`, `true`} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			var d entities.Date
			require.Error(t, json.Unmarshal([]byte(in), &d))
		})
	}
}

func TestDateMethods(t *testing.T) {
	t.Parallel()
	d := entities.Date{Year: 2025, Month: time.May, Day: 8}
	require.Equal(t, "2025-05-08", d.String())
	require.Equal(t, "2025-05-08", d.ODataLiteral())
	require.Equal(t, time.Date(2025, time.May, 8, 0, 0, 0, 0, time.UTC), d.Time())
	require.False(t, d.IsZero())
	require.Equal(t, entities.Date{Year: 2025, Month: time.June, Day: 1}, d.AddDays(24))
	require.Equal(t, entities.Date{Year: 2024, Month: time.December, Day: 31}, entities.Date{Year: 2025, Month: time.January, Day: 1}.AddDays(-1))
	require.True(t, d.Before(d.AddDays(1)))
	require.True(t, d.After(d.AddDays(-1)))
	require.True(t, d.Equal(entities.Date{Year: 2025, Month: time.May, Day: 8}))
	require.False(t, d.Equal(d.AddDays(1)))

	var zero entities.Date
	require.True(t, zero.IsZero())
	require.True(t, entities.Date{Year: 1, Month: time.January, Day: 1}.IsZero())
	require.Equal(t, "0001-01-01", zero.String())
	require.Equal(t, "0001-01-01", zero.ODataLiteral())
	require.True(t, zero.Time().IsZero())
	require.True(t, zero.Before(d))
	require.True(t, zero.Equal(entities.Date{Year: 1, Month: time.January, Day: 1}))
	require.Equal(t, entities.Date{Year: 1, Month: time.January, Day: 2}, zero.AddDays(1))

	parsed, err := entities.ParseDate("2025-12-31")
	require.NoError(t, err)
	require.Equal(t, entities.Date{Year: 2025, Month: time.December, Day: 31}, parsed)
	_, err = entities.ParseDate("31.12.2025")
	require.EqualError(t, err, `entities: invalid date "31.12.2025": want YYYY-MM-DD`)

	warsaw := time.FixedZone("CEST", 2*60*60)
	require.Equal(t, entities.Date{Year: 2025, Month: time.May, Day: 9}, entities.DateOf(time.Date(2025, time.May, 9, 0, 30, 0, 0, warsaw)))
	require.True(t, entities.DateOf(time.Time{}).IsZero())

	text, err := d.MarshalText()
	require.NoError(t, err)
	var back entities.Date
	require.NoError(t, back.UnmarshalText(text))
	require.Equal(t, d, back)
	require.Equal(t, map[entities.Date]int{d: 1}, roundTripMap(t, map[entities.Date]int{d: 1}))
}

func roundTripMap(t *testing.T, m map[entities.Date]int) map[entities.Date]int {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	require.JSONEq(t, `{"2025-05-08":1}`, string(b))
	var back map[entities.Date]int
	require.NoError(t, json.Unmarshal(b, &back))
	return back
}

// FuzzDateJSON checks that decoding never panics and that any date it accepts
// encodes back to a value that decodes to the same date.
func FuzzDateJSON(f *testing.F) {
	for _, s := range []string{`"2025-05-08"`, `"0001-01-01"`, `null`, `"9999-12-31"`, `"2024-02-29"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var d entities.Date
		if json.Unmarshal([]byte(in), &d) != nil {
			return
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back entities.Date
		if err := json.Unmarshal(out, &back); err != nil || back != d {
			t.Fatalf("%s → %v → %s → %v (%v)", in, d, out, back, err)
		}
	})
}
