package storetest

import (
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/stretchr/testify/require"
)

func bookkeeping(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	_, ok, err := s.LastRun(ctx)
	require.NoError(t, err)
	require.False(t, ok)
	started := time.Date(2025, 5, 16, 15, 37, 35, 123456000, time.UTC)
	r1, err := s.BeginRun(ctx, store.Run{Started: started, Mode: "full", Status: "running", Plan: `{"profile":"mosaic"}`})
	require.NoError(t, err)
	r2, err := s.BeginRun(ctx, store.Run{Started: started.Add(time.Hour), Mode: "incremental", Status: "running", Plan: "p2"})
	require.NoError(t, err)
	require.Greater(t, r2.ID, r1.ID)
	r2.ServerStart = started.Add(time.Hour - time.Second)
	r2.Finished = started.Add(2 * time.Hour)
	r2.Status = "ok"
	require.NoError(t, s.UpdateRun(ctx, r2))
	last, ok, err := s.LastRun(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, r2, last)
	require.Error(t, s.UpdateRun(ctx, store.Run{ID: 999, Status: "ok"}))

	cps := []store.Checkpoint{
		{RunID: r2.ID, CompanyID: fixture.Co1, Set: "generalLedgerEntries", Partition: "entryNumber:1-20000", Next: "https://x/?$skiptoken=1", Rows: 20000},
		{RunID: r2.ID, CompanyID: fixture.Co1, Set: "customers", Partition: "all", Done: true, Rows: 7},
	}
	_, err = s.Apply(ctx, nil, cps)
	require.NoError(t, err)
	cps[0].Next, cps[0].Done, cps[0].Rows = "", true, 20001
	_, err = s.Apply(ctx, nil, cps[:1])
	require.NoError(t, err)
	got, err := s.Checkpoints(ctx, r2.ID)
	require.NoError(t, err)
	require.Equal(t, []store.Checkpoint{cps[1], cps[0]}, got)
	got, err = s.Checkpoints(ctx, r1.ID)
	require.NoError(t, err)
	require.Empty(t, got)

	_, ok, err = s.Watermark(ctx, fixture.Co1, "customers")
	require.NoError(t, err)
	require.False(t, ok)
	for _, at := range []time.Time{started, started.Add(time.Minute)} {
		require.NoError(t, s.SaveWatermark(ctx, store.Watermark{CompanyID: fixture.Co1, Set: "customers", At: at}))
	}
	w, ok, err := s.Watermark(ctx, fixture.Co1, "customers")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, store.Watermark{CompanyID: fixture.Co1, Set: "customers", At: started.Add(time.Minute)}, w)

	res := store.SetResult{RunID: r2.ID, CompanyID: fixture.Co1, Set: "customers", Counts: store.Counts{Inserted: 1, Updated: 2, Unchanged: 3, Deleted: 4},
		Requests: 5, Retries: 6, Throttled: 7, Duration: 1500 * time.Millisecond, Error: "429 Too Many Requests"}
	require.NoError(t, s.SaveResult(ctx, res))
	require.Equal(t, map[string]map[string]*string{r2ID(r2) + "|" + fixture.Co1 + "|customers": {
		"runId": ptr(r2ID(r2)), "companyId": ptr(fixture.Co1), "set": ptr("customers"), "message": ptr("429 Too Many Requests")}},
		sub.Dump(t, s, bookTable("_errors")))
	res.Error = ""
	require.NoError(t, s.SaveResult(ctx, res))
	require.Empty(t, sub.Dump(t, s, bookTable("_errors")), "the set succeeded when resumed")
	counts := sub.Dump(t, s, bookTable("_counts"))
	require.Equal(t, map[string]*string{"runId": ptr(r2ID(r2)), "companyId": ptr(fixture.Co1), "set": ptr("customers"),
		"inserted": ptr("0"), "updated": ptr("0"), "unchanged": ptr("0"), "deleted": ptr("0"),
		"requests": ptr("0"), "retries": ptr("0"), "throttled": ptr("0"), "durationMs": ptr("1500")}, counts[r2ID(r2)+"|"+fixture.Co1+"|customers"],
		"SaveResult records the duration; counts come with the rows (TestCountsCommitWithTheRows)")
}

// TestCountsCommitWithTheRows proves _counts holds exactly what committed
// transactions wrote: tallies add up over Applies (as over a run resumed
// after a kill), a failed Apply adds nothing, a reconciliation adds its
// deletions, and SaveResult leaves the counts alone.
func countsCommitWithTheRows(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb, lt := fixture.Customers(), fixture.Lines()
	require.NoError(t, s.EnsureTable(ctx, tb))
	require.NoError(t, s.EnsureTable(ctx, lt))
	run, err := s.BeginRun(ctx, store.Run{Started: time.Now(), Mode: "full", Status: "running"})
	require.NoError(t, err)
	tally := func(set string, requests int64) *store.Tally {
		return &store.Tally{RunID: run.ID, CompanyID: fixture.Co1, Set: set, Requests: requests, Retries: 1, Throttled: 2}
	}
	_, err = s.Apply(ctx, []store.Batch{
		{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2")}, Tally: tally("customers", 1)},
		{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID2, "b", "3")}, Tally: tally("customers", 0)},
		{Table: lt, Upserts: []store.Row{fixture.Line(fixture.ID1, fixture.ID3, "1")}, CompanyID: fixture.Co1, ReplaceParents: []string{fixture.ID1}, Tally: tally("lines", 0)},
	}, nil)
	require.NoError(t, err)
	bad := fixture.Customer(fixture.Co1, fixture.ID3, "bad", "1")
	bad[5] = fixture.V("not a number")
	_, err = s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID4, "d", "4"), bad}, Tally: tally("customers", 1)}}, nil)
	require.Error(t, err)
	_, err = s.Apply(ctx, []store.Batch{
		{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID3, "c", "3")}, Tally: tally("customers", 1)},
		{Table: tb, Tally: tally("customers", 1)}, // a request that brought no rows
	}, nil)
	require.NoError(t, err)
	n, err := s.Reconcile(ctx, tb, fixture.Co1, keySeq([]string{fixture.Co1, fixture.ID1}, []string{fixture.Co1, fixture.ID2}), store.ReconcileOptions{}, tally("customers", 0))
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	require.NoError(t, s.SaveResult(ctx, store.SetResult{RunID: run.ID, CompanyID: fixture.Co1, Set: "customers", Counts: store.Counts{Inserted: 99}, Requests: 99, Duration: time.Second}))

	id := r2ID(run) + "|" + fixture.Co1 + "|"
	row := func(set, inserted, updated, unchanged, deleted, requests, retries, throttled, ms string) map[string]*string {
		return map[string]*string{"runId": ptr(r2ID(run)), "companyId": ptr(fixture.Co1), "set": ptr(set),
			"inserted": ptr(inserted), "updated": ptr(updated), "unchanged": ptr(unchanged), "deleted": ptr(deleted),
			"requests": ptr(requests), "retries": ptr(retries), "throttled": ptr(throttled), "durationMs": ptr(ms)}
	}
	require.Equal(t, map[string]map[string]*string{
		id + "customers": row("customers", "3", "1", "1", "1", "3", "5", "10", "1000"),
		id + "lines":     row("lines", "1", "0", "0", "0", "0", "1", "2", "0"),
	}, sub.Dump(t, s, bookTable("_counts")))
}
