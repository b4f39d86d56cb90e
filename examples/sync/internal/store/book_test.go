package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBookkeeping(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		_, ok, err := s.LastRun(ctx)
		require.NoError(t, err)
		require.False(t, ok)
		started := time.Date(2025, 5, 16, 15, 37, 35, 123456000, time.UTC)
		r1, err := s.BeginRun(ctx, Run{Started: started, Mode: "full", Status: "running", Plan: `{"profile":"mosaic"}`})
		require.NoError(t, err)
		r2, err := s.BeginRun(ctx, Run{Started: started.Add(time.Hour), Mode: "incremental", Status: "running", Plan: "p2"})
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
		require.Error(t, s.UpdateRun(ctx, Run{ID: 999, Status: "ok"}))

		cps := []Checkpoint{
			{RunID: r2.ID, CompanyID: co1, Set: "generalLedgerEntries", Partition: "entryNumber:1-20000", Next: "https://x/?$skiptoken=1", Rows: 20000},
			{RunID: r2.ID, CompanyID: co1, Set: "customers", Partition: "all", Done: true, Rows: 7},
		}
		_, err = s.Apply(ctx, nil, cps)
		require.NoError(t, err)
		cps[0].Next, cps[0].Done, cps[0].Rows = "", true, 20001
		_, err = s.Apply(ctx, nil, cps[:1])
		require.NoError(t, err)
		got, err := s.Checkpoints(ctx, r2.ID)
		require.NoError(t, err)
		require.Equal(t, []Checkpoint{cps[1], cps[0]}, got)
		got, err = s.Checkpoints(ctx, r1.ID)
		require.NoError(t, err)
		require.Empty(t, got)

		_, ok, err = s.Watermark(ctx, co1, "customers")
		require.NoError(t, err)
		require.False(t, ok)
		for _, at := range []time.Time{started, started.Add(time.Minute)} {
			require.NoError(t, s.SaveWatermark(ctx, Watermark{CompanyID: co1, Set: "customers", At: at}))
		}
		w, ok, err := s.Watermark(ctx, co1, "customers")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, Watermark{CompanyID: co1, Set: "customers", At: started.Add(time.Minute)}, w)

		res := SetResult{RunID: r2.ID, CompanyID: co1, Set: "customers", Counts: Counts{Inserted: 1, Updated: 2, Unchanged: 3, Deleted: 4},
			Requests: 5, Retries: 6, Throttled: 7, Duration: 1500 * time.Millisecond, Error: "429 Too Many Requests"}
		require.NoError(t, s.SaveResult(ctx, res))
		require.Equal(t, map[string]map[string]*string{r2ID(r2) + "|" + co1 + "|customers": {
			"runId": ptr(r2ID(r2)), "companyId": ptr(co1), "set": ptr("customers"), "message": ptr("429 Too Many Requests")}},
			dump(t, s, bookTable("_errors")))
		res.Error = ""
		require.NoError(t, s.SaveResult(ctx, res))
		require.Empty(t, dump(t, s, bookTable("_errors")), "the set succeeded when resumed")
		counts := dump(t, s, bookTable("_counts"))
		require.Equal(t, map[string]*string{"runId": ptr(r2ID(r2)), "companyId": ptr(co1), "set": ptr("customers"),
			"inserted": ptr("1"), "updated": ptr("2"), "unchanged": ptr("3"), "deleted": ptr("4"),
			"requests": ptr("5"), "retries": ptr("6"), "throttled": ptr("7"), "durationMs": ptr("1500")}, counts[r2ID(r2)+"|"+co1+"|customers"])
	})
}
