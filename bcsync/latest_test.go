package bcsync

import (
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

// TestLatestKeepsOneCheckpointPerPartition: a write group holding a
// partition's planned checkpoint and its first page, or two pages of one
// chain, upserts only the last of each, in order.
func TestLatestKeepsOneCheckpointPerPartition(t *testing.T) {
	t.Parallel()
	cp := func(co, set, part, next string, done bool) store.Checkpoint {
		return store.Checkpoint{RunID: 1, CompanyID: co, Set: set, Partition: part, Next: next, Done: done}
	}
	got := latest([]store.Checkpoint{
		cp("a", "customers", "modified:|2026-01-01T00:00:00Z", "", false),
		cp("a", "customers", "modified:2026-01-01T00:00:00Z|", "", false),
		cp("a", "vendors", "all", "https://bc/next1", false),
		cp("a", "customers", "modified:|2026-01-01T00:00:00Z", "https://bc/p2", false),
		cp("b", "vendors", "all", "", true),
		cp("a", "vendors", "all", "", true),
	})
	require.Equal(t, []store.Checkpoint{
		cp("a", "customers", "modified:2026-01-01T00:00:00Z|", "", false),
		cp("a", "customers", "modified:|2026-01-01T00:00:00Z", "https://bc/p2", false),
		cp("b", "vendors", "all", "", true),
		cp("a", "vendors", "all", "", true),
	}, got)

	distinct := []store.Checkpoint{cp("a", "customers", "all", "", true), cp("b", "customers", "all", "", true)}
	require.Equal(t, distinct, latest(distinct))
}
