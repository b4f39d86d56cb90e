package bcsync_test

import (
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/stretchr/testify/require"
)

// TestParseCompaniesMayHoldCommas: BC's demo company is "CRONUS USA,
// Inc.", so the list splits like a CSV record, quotes protecting commas.
func TestParseCompaniesMayHoldCommas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		`"CRONUS USA, Inc.",Fabrikam`:       {"CRONUS USA, Inc.", "Fabrikam"},
		` Fabrikam , "CRONUS USA, Inc." ,,`: {"Fabrikam", "CRONUS USA, Inc."},
		`"Søren's ""Nord"" ApS"`:            {`Søren's "Nord" ApS`},
		`CRONUS`:                            {"CRONUS"},
		``:                                  nil,
	} {
		got, err := bcsync.ParseCompanies(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err := bcsync.ParseCompanies(`"CRONUS USA, Inc.`)
	require.EqualError(t, err, `"\"CRONUS USA, Inc.": a quote is not closed; write a name holding a comma in double quotes, e.g. '"CRONUS USA, Inc.",Fabrikam'`)
	_, err = bcsync.ParseCompanies(`"CRONUS"USA`)
	require.EqualError(t, err, `"\"CRONUS\"USA": text after a quoted name; separate names with commas`)
}

// TestParseSetRefs: standard sets and custom-route sets, blanks dropped.
func TestParseSetRefs(t *testing.T) {
	t.Parallel()
	got, err := bcsync.ParseSetRefs(" customers, jobTasks@/api/contoso/mosaic/v1.0/ ,")
	require.NoError(t, err)
	require.Equal(t, []bcsync.SetRef{{Name: "customers", Route: bc.StandardRoute}, {Name: "jobTasks", Route: "api/contoso/mosaic/v1.0"}}, got)
	_, err = bcsync.ParseSetRefs("@/api/contoso/mosaic/v1.0")
	require.EqualError(t, err, `"@/api/contoso/mosaic/v1.0": has no entity set name`)
}

// TestRowsHeld: a page per request in flight, two pages queued for the
// writer and the writer's group of 5,000 rows, with Options' defaults.
func TestRowsHeld(t *testing.T) {
	t.Parallel()
	require.Equal(t, (5+2)*5000+5000, bcsync.Options{}.RowsHeld())
	require.Equal(t, (3+2)*20000+5000, bcsync.Options{Workers: 3, PageSize: 20000}.RowsHeld())
}
