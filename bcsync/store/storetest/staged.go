package storetest

import (
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/stretchr/testify/require"
)

// modified is a Customer row with its lastModifiedDateTime set to at.
func modified(company, id, name, at string) store.Row {
	r := fixture.Customer(company, id, name, "1")
	r[9] = fixture.V(at)
	return r
}

// halfAFirstLoadIsInvisible stages a first load in two Applies, with a
// reopen between them: until Publish the table holds only what it held
// before, and the checkpoints committed with the staged rows are there.
// Publish then moves the rows in, with the watermark, the done checkpoint
// and the counts in one transaction; another company's staged rows stay
// staged until discarded.
func halfAFirstLoadIsInvisible(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	run, err := s.BeginRun(ctx, store.Run{Mode: "full", Status: "running"})
	require.NoError(t, err)
	old := fixture.Customer(fixture.Co1, fixture.ID1, "Old", "1")
	_, err = s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{old}}}, nil)
	require.NoError(t, err)

	tally := &store.Tally{RunID: run.ID, CompanyID: fixture.Co1, Set: tb.Name}
	part := store.Checkpoint{RunID: run.ID, CompanyID: fixture.Co1, Set: tb.Name, Partition: "all", Next: "https://x/?$skiptoken=2", Rows: 2}
	a, b := fixture.Customer(fixture.Co1, fixture.ID2, "Trey", "2"), fixture.Customer(fixture.Co1, fixture.ID3, "Fabrikam", "3")
	other := fixture.Customer(fixture.Co2, fixture.ID1, "Other company", "4")
	got, err := s.Apply(ctx, []store.Batch{
		{Table: tb, CompanyID: fixture.Co1, Stage: true, Upserts: []store.Row{a, b}, Tally: &store.Tally{RunID: run.ID, CompanyID: fixture.Co1, Set: tb.Name, Requests: 1}},
		{Table: tb, CompanyID: fixture.Co2, Stage: true, Upserts: []store.Row{other}},
	}, []store.Checkpoint{part})
	require.NoError(t, err)
	require.Equal(t, store.Counts{}, got, "staged rows are counted when published")
	require.Equal(t, fixture.Want(tb, old), sub.Dump(t, s, tb))

	// Reopened (a JSONL store publishes its files on Close), the half load
	// is still staged and still invisible.
	require.NoError(t, s.Close())
	require.NoError(t, s.Open(ctx))
	require.NoError(t, s.EnsureTable(ctx, tb))
	require.Equal(t, fixture.Want(tb, old), sub.Dump(t, s, tb))
	cps, err := s.Checkpoints(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, []store.Checkpoint{part}, cps)

	renamed := fixture.Customer(fixture.Co1, fixture.ID1, "Renamed", "1")
	_, err = s.Apply(ctx, []store.Batch{{Table: tb, CompanyID: fixture.Co1, Stage: true, Upserts: []store.Row{renamed, old}}}, nil)
	require.NoError(t, err)
	require.Equal(t, fixture.Want(tb, old), sub.Dump(t, s, tb))

	at := time.Date(2025, 5, 16, 15, 37, 35, 0, time.UTC)
	w := store.Watermark{CompanyID: fixture.Co1, Set: tb.Name, At: at}
	done := store.Checkpoint{RunID: run.ID, CompanyID: fixture.Co1, Set: tb.Name, Partition: "all", Done: true, Rows: 4}
	got, err = s.Publish(ctx, tb, fixture.Co1, &w, []store.Checkpoint{done}, tally)
	require.NoError(t, err)
	// ID1 was staged twice with the same change time: the later read, old,
	// wins and leaves the stored row as it was.
	require.Equal(t, store.Counts{Inserted: 2, Unchanged: 1}, got)
	require.Equal(t, fixture.Want(tb, old, a, b), sub.Dump(t, s, tb))
	gotW, ok, err := s.Watermark(ctx, fixture.Co1, tb.Name)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, w, gotW)
	cps, err = s.Checkpoints(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, []store.Checkpoint{done}, cps)
	counts := sub.Dump(t, s, bookTable("_counts"))[r2ID(run)+"|"+fixture.Co1+"|"+tb.Name]
	require.Equal(t, map[string]*string{"runId": ptr(r2ID(run)), "companyId": ptr(fixture.Co1), "set": ptr(tb.Name),
		"inserted": ptr("2"), "updated": ptr("0"), "unchanged": ptr("1"), "deleted": ptr("0"),
		"requests": ptr("1"), "retries": ptr("0"), "throttled": ptr("0"), "durationMs": ptr("0")}, counts)

	// Published once, the staging is empty: publishing again changes nothing.
	got, err = s.Publish(ctx, tb, fixture.Co1, nil, nil, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{}, got)

	// The other company's rows were never published; discarded, they are gone.
	require.Equal(t, fixture.Want(tb, old, a, b), sub.Dump(t, s, tb))
	require.NoError(t, s.DiscardStaged(ctx, tb, fixture.Co2))
	got, err = s.Publish(ctx, tb, fixture.Co2, nil, nil, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{}, got)
	require.Equal(t, fixture.Want(tb, old, a, b), sub.Dump(t, s, tb))
}

// publishKeepsTheNewest stages the same keys several times, as a
// partitioned load does when a row changes while it reads: Publish keeps
// the row with the newest lastModifiedDateTime, then the one staged last,
// and updates a stored row that differs.
func publishKeepsTheNewest(t *testing.T, sub Subject, s store.Store) {
	keepsTheNewest(t, sub, s, true)
}

// publishKeepsTheNewestInAnEmptyTable is publishKeepsTheNewest into a table
// that holds none of the company's rows (the usual first load).
func publishKeepsTheNewestInAnEmptyTable(t *testing.T, sub Subject, s store.Store) {
	keepsTheNewest(t, sub, s, false)
}

// keepsTheNewest stages the same keys several times and publishes them;
// withStored first stores a row of one of the keys.
func keepsTheNewest(t *testing.T, sub Subject, s store.Store, withStored bool) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	if withStored {
		stored := modified(fixture.Co1, fixture.ID4, "Stored", "2024-03-15T09:00:00.000Z")
		_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{stored}}}, nil)
		require.NoError(t, err)
	}
	newest := modified(fixture.Co1, fixture.ID1, "Newest", "2024-03-15T11:00:00.000Z")
	lastOfTwins := modified(fixture.Co1, fixture.ID2, "Second twin", "2024-03-15T10:00:00.000Z")
	changed := modified(fixture.Co1, fixture.ID4, "Changed", "2024-03-15T10:00:00.000Z")
	pages := [][]store.Row{
		{modified(fixture.Co1, fixture.ID1, "First", "2024-03-15T10:00:00.000Z"), modified(fixture.Co1, fixture.ID2, "First twin", "2024-03-15T10:00:00.000Z")},
		{newest, lastOfTwins, modified(fixture.Co1, fixture.ID3, "Undated", "2024-03-15T10:00:00.000Z")},
		{modified(fixture.Co1, fixture.ID1, "Read last, older", "2024-03-15T10:30:00.000Z"), changed, modified(fixture.Co1, fixture.ID3, "Undated", "")},
	}
	pages[2][2][9] = fixture.Null
	for _, p := range pages {
		_, err := s.Apply(ctx, []store.Batch{{Table: tb, CompanyID: fixture.Co1, Stage: true, Upserts: p}}, nil)
		require.NoError(t, err)
	}
	got, err := s.Publish(ctx, tb, fixture.Co1, nil, nil, nil)
	require.NoError(t, err)
	if withStored {
		require.Equal(t, store.Counts{Inserted: 3, Updated: 1}, got)
	} else {
		require.Equal(t, store.Counts{Inserted: 4}, got)
	}
	require.Equal(t, fixture.Want(tb, newest, lastOfTwins, pages[1][2], changed), sub.Dump(t, s, tb))
}
