package bcsync_test

import (
	"context"
	"sync"
	"testing"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

// hangingStore's second Apply (the first page of rows, after the
// companies) waits until its context ends, as a commit does on a database
// someone holds a lock on; it records the outcomes the run writes.
type hangingStore struct {
	store.Store
	hung     chan struct{}
	mu       sync.Mutex
	applies  int
	outcomes []string
}

func (s *hangingStore) Apply(ctx context.Context, batches []store.Batch, cps []store.Checkpoint) (store.Counts, error) {
	s.mu.Lock()
	s.applies++
	n := s.applies
	s.mu.Unlock()
	if n == 2 {
		close(s.hung)
		<-ctx.Done()
		return store.Counts{}, ctx.Err()
	}
	return s.Store.Apply(ctx, batches, cps)
}

func (s *hangingStore) UpdateRun(ctx context.Context, r store.Run) error {
	s.mu.Lock()
	s.outcomes = append(s.outcomes, r.Status)
	s.mu.Unlock()
	return s.Store.UpdateRun(ctx, r)
}

// TestAbortEndsACommitThatHangs: Run's commits outlive its context (a
// cancel keeps what was fetched), so only Abort ends one that hangs: Run
// returns ErrInterrupted, the run is recorded as interrupted, a later Run
// of the same engine does not start, and a new engine resumes.
func TestAbortEndsACommitThatHangs(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	inner, err := store.New(tn.dest)
	require.NoError(t, err)
	st := &hangingStore{Store: inner, hung: make(chan struct{})}
	o := bcsync.Options{Sets: []bcsync.SetRef{{Name: "customers"}}, Full: true, NoSplit: true, PageSize: 50, Workers: 1}
	eng, err := bcsync.New(tn.client, st, o)
	require.NoError(t, err)
	go func() {
		<-st.hung
		eng.Abort()
	}()
	summary, err := eng.Run(context.Background())
	require.ErrorIs(t, err, bcsync.ErrInterrupted)
	require.Equal(t, bcsync.StatusInterrupted, summary.Status)
	require.NotEmpty(t, st.outcomes)
	for _, o := range st.outcomes {
		require.Equal(t, "interrupted", o, "every outcome written: %v", st.outcomes)
	}

	_, err = eng.Run(context.Background())
	require.ErrorIs(t, err, bcsync.ErrInterrupted, "an aborted engine does not run again")
	require.Equal(t, 2, st.applies, "nothing was written after the abort")

	summary, err = tn.engine(t, o).Run(t.Context())
	require.NoError(t, err)
	require.True(t, summary.Resumed)
	require.Equal(t, bcsync.StatusOK, summary.Status)
}
