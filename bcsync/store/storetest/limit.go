package storetest

import (
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/stretchr/testify/require"
)

// reconcileLimit: with MaxFraction 0.5, a reconcile that would take 3 of
// company 1's 4 rows changes nothing (rows, marks, _counts) and says how
// many of how many; taking 2 of 4 is allowed. Marking counts only the rows
// not marked yet, and another company's rows never count.
func reconcileLimit(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	rows := []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2"),
		fixture.Customer(fixture.Co1, fixture.ID3, "c", "3"), fixture.Customer(fixture.Co1, fixture.ID4, "d", "4"),
		fixture.Customer(fixture.Co2, fixture.ID1, "x", "5"), fixture.Customer(fixture.Co2, fixture.ID2, "y", "6")}
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows}}, nil)
	require.NoError(t, err)
	half := store.ReconcileOptions{MaxFraction: 0.5}
	key := func(id string) []string { return []string{fixture.Co1, id} }
	for _, mark := range []bool{false, true} {
		half.Mark = mark
		n, err := s.Reconcile(ctx, tb, fixture.Co1, keySeq(key(fixture.ID1)), half, &store.Tally{RunID: 1, CompanyID: fixture.Co1, Set: "customers"})
		var limit *store.DeleteLimitError
		require.ErrorAs(t, err, &limit)
		require.Equal(t, store.DeleteLimitError{Deleting: 3, Stored: 4, MaxFraction: 0.5}, *limit)
		require.Equal(t, "it would delete 3 of the 4 stored rows, more than 50%; nothing was deleted", limit.Error())
		require.Zero(t, n)
		require.Equal(t, fixture.Want(tb, rows...), fixture.Without(sub.Dump(t, s, tb), layout.DeletedCol), "mark %t: nothing changed", mark)
	}
	d := sub.Dump(t, s, tb)
	for k := range d {
		require.Nil(t, d[k][layout.DeletedCol], "no row is marked")
	}
	require.Empty(t, sub.Dump(t, s, bookTable("_counts")), "no deletion counted")

	n, err := s.Reconcile(ctx, tb, fixture.Co1, keySeq(key(fixture.ID1), key(fixture.ID2)), half, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "half may be marked")
	// 2 rows are left unmarked: marking 1 more is half of them.
	n, err = s.Reconcile(ctx, tb, fixture.Co1, keySeq(key(fixture.ID1)), half, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)

	half.Mark = false
	n, err = s.Reconcile(ctx, tb, fixture.Co1, keySeq(key(fixture.ID1), key(fixture.ID2)), half, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "half may be deleted")
	require.Equal(t, []string{fixture.Co1 + "|" + fixture.ID1, fixture.Co1 + "|" + fixture.ID2, fixture.Co2 + "|" + fixture.ID1, fixture.Co2 + "|" + fixture.ID2}, keysOf(sub.Dump(t, s, tb)))
}
