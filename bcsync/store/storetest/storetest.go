package storetest

import (
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

// Subject is the store a contract run tests.
type Subject struct {
	// Fresh makes a new, empty destination of the store under test and
	// returns a function that makes an unopened store on it. The suite
	// calls that function again to reopen the destination, or to open a
	// second writer while the first holds it.
	Fresh func(t testing.TB) func() store.Store
	// Dump reads table back from s, an open store, as Rows. The table may
	// be a bookkeeping one (_counts, _errors).
	Dump func(t testing.TB, s store.Store, table *store.Table) Rows
}

// Rows is a table as Dump reads it: each row under its key values joined
// with "|", as a map from column to text (nil for NULL) in the form the
// store was given — decimals and dates as written, booleans true/false,
// integers in decimal, datetimes in UTC with three fractional digits.
type Rows = map[string]map[string]*string

// Run runs the contract every store passes against sub, each case in a
// parallel subtest on a destination of its own.
func Run(t *testing.T, sub Subject) {
	for _, c := range []struct {
		name string
		fn   func(t *testing.T, sub Subject, s store.Store)
	}{
		{"UpsertCounts", upsertCounts},
		{"ValuesRoundTrip", valuesRoundTrip},
		{"GUIDsAreLowerCase", guidsAreLowerCase},
		{"QuotesInNames", quotesInNames},
		{"AddColumns", addColumns},
		{"ReplaceParents", replaceParents},
		{"Deletes", deletes},
		{"ApplyIsAtomic", applyIsAtomic},
		{"ReconcileDeletes", reconcileDeletes},
		{"ReconcileMarks", reconcileMarks},
		{"ReconcileLimit", reconcileLimit},
		{"RandomBatches", randomBatches},
		{"Bookkeeping", bookkeeping},
		{"CountsCommitWithTheRows", countsCommitWithTheRows},
		{"SourceIsRecorded", sourceIsRecorded},
		{"HalfAFirstLoadIsInvisible", halfAFirstLoadIsInvisible},
		{"PublishKeepsTheNewest", publishKeepsTheNewest},
		{"PublishKeepsTheNewestInAnEmptyTable", publishKeepsTheNewestInAnEmptyTable},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := sub.Fresh(t)()
			require.NoError(t, s.Open(t.Context()))
			t.Cleanup(func() { require.NoError(t, s.Close()) })
			c.fn(t, sub, s)
		})
	}
	t.Run("SecondWriterIsRefused", func(t *testing.T) {
		t.Parallel()
		secondWriterIsRefused(t, sub)
	})
	t.Run("OtherSourceIsRefusedAfterReopen", func(t *testing.T) {
		t.Parallel()
		otherSourceIsRefusedAfterReopen(t, sub)
	})
}

// Add puts row, read from table, into rows under its key values; a Dump
// builds its result with it.
func Add(t testing.TB, rows Rows, table *store.Table, row map[string]*string) {
	t.Helper()
	key := make([]string, len(table.Key))
	for i, k := range table.Key {
		require.NotNil(t, row[k], "key column %s is NULL", k)
		key[i] = *row[k]
	}
	rows[strings.Join(key, "|")] = row
}
