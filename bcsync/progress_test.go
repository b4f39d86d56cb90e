package bcsync_test

import (
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// TestProgressSnapshot: rows, pages, estimates, rates and ETAs per set,
// and the totals, at the moment of the snapshot on the progress's clock.
func TestProgressSnapshot(t *testing.T) {
	t.Parallel()
	clock := bctest.NewManualClock(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	p := bcsync.NewProgress(clock)
	cronus := bcsync.Company{ID: "c0", Name: "CRONUS USA, Inc."}
	gl := bcsync.SetKey{Company: cronus, Set: "generalLedgerEntries"}
	tre := bcsync.SetKey{Company: cronus, Set: "timeRegistrationEntries"}
	cus := bcsync.SetKey{Company: cronus, Set: "customers"}
	p.SetPlanned(gl, -1)
	p.SetPlanned(tre, -1)
	clock.Advance(2 * time.Second)
	p.SetPlanned(cus, 30)
	p.SetPlanned(gl, 1000) // sized after it was announced
	p.PageCommitted(gl, 400)
	p.PageCommitted(tre, 30)
	p.PageCommitted(tre, 20)
	p.PageCommitted(cus, 30)
	p.SetFinished(bcsync.SetResult{SetKey: cus})
	clock.Advance(8 * time.Second)

	require.Equal(t, bcsync.ProgressSnapshot{Elapsed: 10 * time.Second, Rows: 480, RowsPerSecond: 48, Finished: 1,
		Sets: []bcsync.SetProgress{
			{SetKey: gl, Estimate: 1000, Rows: 400, Pages: 1, Elapsed: 10 * time.Second, RowsPerSecond: 40, ETA: 15 * time.Second},
			{SetKey: tre, Estimate: -1, Rows: 50, Pages: 2, Elapsed: 10 * time.Second, RowsPerSecond: 5, ETA: -1},
			{SetKey: cus, Estimate: 30, Rows: 30, Pages: 1, Elapsed: 8 * time.Second, RowsPerSecond: 3, ETA: -1, Finished: true},
		}}, p.Snapshot())
}

// TestProgressSnapshotBeforeAnyTime: nothing elapsed means no rate and no
// ETA, not a division by zero.
func TestProgressSnapshotBeforeAnyTime(t *testing.T) {
	t.Parallel()
	p := bcsync.NewProgress(bctest.NewManualClock(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)))
	k := bcsync.SetKey{Company: bcsync.Company{ID: "c0", Name: "CRONUS"}, Set: "customers"}
	p.SetPlanned(k, 100)
	p.PageCommitted(k, 10)
	require.Equal(t, bcsync.ProgressSnapshot{Rows: 10, Sets: []bcsync.SetProgress{{SetKey: k, Estimate: 100, Rows: 10, Pages: 1, ETA: -1}}}, p.Snapshot())
}

// TestProgressObservesARun: as a run's Observer, a Progress ends with every
// set finished and the rows the run committed.
func TestProgressObservesARun(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	p := bcsync.NewProgress(nil)
	summary, err := tn.engine(t, bcsync.Options{Sets: []bcsync.SetRef{{Name: "customers"}, {Name: "currencies"}}, Full: true,
		PageSize: 50, Observer: p}).Run(t.Context())
	require.NoError(t, err)

	snap := p.Snapshot()
	require.Equal(t, len(summary.Results), snap.Finished)
	var rows int64
	got := map[bcsync.SetKey]int64{}
	for _, s := range snap.Sets {
		require.True(t, s.Finished, s.Set)
		got[s.SetKey] = s.Rows
	}
	want := map[bcsync.SetKey]int64{}
	for _, r := range summary.Results {
		want[r.SetKey] = r.Counts.Inserted
		rows += r.Counts.Inserted
	}
	require.Equal(t, want, got)
	require.Equal(t, rows, snap.Rows)
	require.Positive(t, rows)
}
