package main

import (
	"path/filepath"
	"testing"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/stretchr/testify/require"
)

// TestNoopCost works no-op jobs through River on a SQLite jobs database
// and gets a cost per job.
func TestNoopCost(t *testing.T) {
	db, err := jobs.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "jobs.db"))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Migrate(t.Context()))
	ms, err := noopCost(t.Context(), db, 10, 50)
	require.NoError(t, err)
	require.Positive(t, ms)
	t.Log(ms)
}
