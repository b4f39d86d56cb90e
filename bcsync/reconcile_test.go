package bcsync_test

import (
	"context"
	"testing"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// reconciled is a tenant whose 120 customers are synced, with what a
// reconcile test reads back.
type reconciled struct {
	*tenant
	co    *bctest.Company
	sets  synctest.Sets
	first bcsync.Options // the incremental run with --reconcile
}

func newReconciled(t *testing.T) *reconciled {
	t.Helper()
	tn := newTenant(t, "")
	sets, err := synctest.PlanSets("", bcsync.SetRef{Name: "customers"})
	require.NoError(t, err)
	rc := &reconciled{tenant: tn, co: tn.srv.Tenant().Companies()[0], sets: sets,
		first: bcsync.Options{Sets: []bcsync.SetRef{{Name: "customers"}}, Reconcile: true, Workers: 1}}
	_, err = tn.engine(t, bcsync.Options{Sets: rc.first.Sets, Full: true}).Run(t.Context())
	require.NoError(t, err)
	tn.requireSynced(t, sets)
	require.Equal(t, 120, rc.co.Count("customers"))
	return rc
}

// stored reads the customers table back.
func (rc *reconciled) stored(t *testing.T) map[string]synctest.Table {
	t.Helper()
	got, err := synctest.Actual(context.Background(), rc.dest, rc.sets.Tables())
	require.NoError(t, err)
	return got
}

// watermark reads the customers' watermark.
func (rc *reconciled) watermark(t *testing.T) store.Watermark {
	t.Helper()
	st, err := store.New(rc.dest)
	require.NoError(t, err)
	require.NoError(t, st.Open(t.Context()))
	defer st.Close()
	w, ok, err := st.Watermark(t.Context(), rc.co.ID, "customers")
	require.NoError(t, err)
	require.True(t, ok)
	return w
}

// requireWatermarkKept checks the customers' watermark is not emptied:
// the run's incremental read may have moved it on from mark.
func (rc *reconciled) requireWatermarkKept(t *testing.T, mark store.Watermark) {
	t.Helper()
	w := rc.watermark(t)
	require.False(t, w.At.IsZero(), "the watermark is kept")
	require.False(t, w.At.Before(mark.At))
}

// failedRun runs o, which must fail the customers with a SetError, and
// returns the run's error.
func (rc *reconciled) failedRun(t *testing.T, o bcsync.Options) error {
	t.Helper()
	summary, err := rc.engine(t, o).Run(t.Context())
	var se *bcsync.SetError
	require.ErrorAs(t, err, &se)
	require.Equal(t, bcsync.StatusPartial, summary.Status)
	require.Equal(t, "customers", se.Set)
	require.Equal(t, rc.co.ID, se.Company.ID)
	return err
}

// TestReconcileRefusesAShortKeyListing: BC answers the key listing of a
// reconcile with {"value":[]}. The $count (120) shows the listing is short:
// the set fails with both numbers, no row is deleted and the watermark is
// kept; the next reconcile, with BC answering in full, succeeds.
func TestReconcileRefusesAShortKeyListing(t *testing.T) {
	t.Parallel()
	rc := newReconciled(t)
	before, mark := rc.stored(t), rc.watermark(t)
	// Two glitches: the incremental read (empty anyway, nothing changed)
	// and the reconcile's key listing.
	rc.srv.SetFaults(bctest.Faults{EmptyListings: 2, OnlyPaths: []string{"/customers"}})
	rc.srv.ResetStats()
	err := rc.failedRun(t, rc.first)
	require.EqualError(t, err, "customers of company CRONUS USA, Inc.: reconcile: the key listing has 0 rows but BC's $count says 120: "+
		"BC left rows out, so nothing was deleted; the next run reconciles again")
	require.Equal(t, int64(2), rc.srv.Stats().Faults["empty-listing"])
	require.Equal(t, before, rc.stored(t))
	rc.requireWatermarkKept(t, mark)

	rc.srv.SetFaults(bctest.Faults{})
	_, err = rc.engine(t, rc.first).Run(t.Context())
	require.NoError(t, err)
	rc.requireSynced(t, rc.sets)
}

// TestReconcileRefusesToDeleteMostOfASet: BC lost 61 of the 120 customers
// (listing and $count agree). Deleting them is more than the default half:
// the set fails, every row stays and so does the watermark. With Force the
// 61 go and the store holds exactly BC's 59.
func TestReconcileRefusesToDeleteMostOfASet(t *testing.T) {
	t.Parallel()
	rc := newReconciled(t)
	before, mark := rc.stored(t), rc.watermark(t)
	var ids []string
	rc.co.Each("customers", func(row map[string]string) bool {
		ids = append(ids, row["id"])
		return len(ids) < 61
	})
	for _, id := range ids {
		require.NoError(t, rc.co.Delete("customers", id))
	}
	err := rc.failedRun(t, rc.first)
	require.EqualError(t, err, "customers of company CRONUS USA, Inc.: reconcile: it would delete 61 of the 120 stored rows, more than 50%; "+
		"nothing was deleted; if BC really lost them, a forced reconcile (Options.Force) deletes them")
	var limit *store.DeleteLimitError
	require.ErrorAs(t, err, &limit)
	require.Equal(t, store.DeleteLimitError{Deleting: 61, Stored: 120, MaxFraction: 0.5}, *limit)
	require.Equal(t, before, rc.stored(t))
	rc.requireWatermarkKept(t, mark)

	o := rc.first
	o.Force = true
	summary, err := rc.engine(t, o).Run(t.Context())
	require.NoError(t, err)
	require.Equal(t, int64(61), summary.Results[0].Counts.Deleted)
	require.Equal(t, 59, rc.stored(t)["customers"].Count())
	rc.requireSynced(t, rc.sets)
}

// TestReconcileDeletionHealsOnTheNextRun: a customer is missing from BC
// while a reconcile runs, so it is deleted, then comes back unchanged (its
// old lastModifiedDateTime, as if BC had only left it out of the listing).
// The reconcile emptied the watermark, so the next plain incremental run
// re-reads the set and the store again holds exactly BC's 120 customers.
func TestReconcileDeletionHealsOnTheNextRun(t *testing.T) {
	t.Parallel()
	rc := newReconciled(t)
	var gone map[string]string
	rc.co.Each("customers", func(row map[string]string) bool {
		gone = row
		return false
	})
	require.NoError(t, rc.co.Delete("customers", gone["id"]))
	summary, err := rc.engine(t, rc.first).Run(t.Context())
	require.NoError(t, err)
	require.Equal(t, int64(1), summary.Results[0].Counts.Deleted)
	require.Equal(t, 119, rc.stored(t)["customers"].Count())
	require.True(t, rc.watermark(t).At.IsZero(), "the watermark is emptied")

	values := map[string]any{}
	for k, v := range gone {
		if k != "@odata.etag" { // the fake's version of the row
			values[k] = v
		}
	}
	_, err = rc.co.Insert("customers", values)
	require.NoError(t, err)
	back, ok := rc.co.Get("customers", gone["id"])
	require.True(t, ok)
	delete(gone, "@odata.etag")
	delete(back, "@odata.etag")
	require.Equal(t, gone, back, "BC has the row again, unchanged")

	o := rc.first
	o.Reconcile = false
	_, err = rc.engine(t, o).Run(t.Context())
	require.NoError(t, err)
	rc.requireSynced(t, rc.sets)
	require.False(t, rc.watermark(t).At.IsZero())
}

// TestReconcileMaxDeleteFractionIsChecked: a fraction outside 0..1 is
// refused by New.
func TestReconcileMaxDeleteFractionIsChecked(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	st, err := store.New(tn.dest)
	require.NoError(t, err)
	for f, want := range map[float64]string{
		-0.1: "ReconcileMaxDeleteFraction -0.1 is not from 0 to 1",
		1.5:  "ReconcileMaxDeleteFraction 1.5 is not from 0 to 1",
	} {
		_, err = bcsync.New(tn.client, st, bcsync.Options{Profile: "mosaic", ReconcileMaxDeleteFraction: f})
		require.EqualError(t, err, want)
	}
}
