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

// hostileRun syncs the 120 customers from a tenant whose listings end in
// the hostile nextLinks f asks for. A run that is still going at its 100th
// request is looping: it is stopped and the test fails. The failed set was
// a first load, staged and never published: the table stays empty. It
// returns the requests the run made, the checkpoints it left and the set's
// error.
func hostileRun(t *testing.T, tn *tenant, f bctest.Faults) (int64, []store.Checkpoint, error) {
	t.Helper()
	tn.srv.SetFaults(f)
	tn.srv.ResetStats()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	defer tn.srv.AtRequest(100, func() { t.Error("the run is looping"); cancel() })()
	o := bcsync.Options{Sets: []bcsync.SetRef{{Name: "customers"}}, Full: true, PageSize: 100, Workers: 1}
	summary, err := tn.engine(t, o).Run(ctx)
	require.Error(t, err)
	require.Len(t, summary.Results, 1)
	requests := tn.srv.Stats().Requests

	st, err := store.New(tn.dest)
	require.NoError(t, err)
	require.NoError(t, st.Open(t.Context()))
	defer st.Close()
	run, ok, err := st.LastRun(t.Context())
	require.NoError(t, err)
	require.True(t, ok)
	cps, err := st.Checkpoints(t.Context(), run.ID)
	require.NoError(t, err)
	sets, err := synctest.PlanSets("", bcsync.SetRef{Name: "customers"})
	require.NoError(t, err)
	got, err := synctest.Actual(context.Background(), tn.dest, sets.Tables())
	require.NoError(t, err)
	require.Zero(t, got["customers"].Count(), "a failed first load is not published")
	return requests, cps, summary.Results[0].Err
}

// companyFragment is the path of the fake's one company, as the errors
// print it.
func companyFragment(tn *tenant) string {
	tenantID, _, _ := tn.srv.Credentials()
	return tn.srv.BaseURL() + "/" + tenantID + "/" + tn.srv.Environment() + "/api/v2.0/companies(" + tn.srv.Tenant().Companies()[0].ID + ")/customers"
}

// TestLoopingNextLinkFailsTheSet: the last page of customers links back to
// the first. The run reads the first page again, sees it link to a page
// already read and fails the set, with the 120 rows staged once and the
// checkpoint of the last real page (120 rows, not growing); the next Run
// starts afresh and stops after the same requests.
func TestLoopingNextLinkFailsTheSet(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	for range 2 {
		requests, cps, err := hostileRun(t, tn, bctest.Faults{LoopNextLink: true})
		var se *bcsync.SetError
		require.ErrorAs(t, err, &se)
		require.Equal(t, "customers of company CRONUS USA, Inc.: BC linked back to a page already read ("+
			companyFragment(tn)+"); stopping to avoid an endless loop", err.Error())
		// companies, $metadata, $count, page 1, page 2, page 1 again.
		require.Equal(t, int64(6), requests)
		require.Len(t, cps, 1)
		require.Equal(t, int64(120), cps[0].Rows)
		require.False(t, cps[0].Done)
	}
}

// TestEmptyPagesWithNewLinksFailTheSet: after the 120 customers BC pages on
// through empty pages, each with a new nextLink. The set fails on the
// tenth empty page in a row, and the next Run stops after as many requests.
func TestEmptyPagesWithNewLinksFailTheSet(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	for range 2 {
		requests, cps, err := hostileRun(t, tn, bctest.Faults{EmptyNextLinks: true})
		var se *bcsync.SetError
		require.ErrorAs(t, err, &se)
		require.Equal(t, "customers of company CRONUS USA, Inc.: BC sent 10 empty pages in a row, each with a new nextLink (the last "+
			companyFragment(tn)+"); stopping to avoid an endless loop", err.Error())
		// companies, $metadata, $count, 2 pages of rows, 10 empty pages.
		require.Equal(t, int64(15), requests)
		require.Len(t, cps, 1)
		require.Equal(t, int64(120), cps[0].Rows)
	}
}
