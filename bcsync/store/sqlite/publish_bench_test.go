package sqlite

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/stretchr/testify/require"
)

// publishRows is the size of the first load BenchmarkSQLitePublish writes.
const publishRows = 1_000_000

// BenchmarkSQLitePublish writes a first load of 1 M rows with random GUID
// keys, in pages of 5,000: "staged" appends them to the staging table and
// publishes them (Publish's INSERT … SELECT in key order), "in place"
// upserts them into the table, whose key index then takes each row at a
// random leaf.
func BenchmarkSQLitePublish(b *testing.B) {
	rows := make([]store.Row, publishRows)
	for i := range rows {
		rows[i] = fixture.Customer(fixture.Co1, fmt.Sprintf("%08x-%04x-4000-8000-%012x", uint32(i)*2654435761, i&0xffff, i), "Customer", "1")
	}
	for _, stage := range []bool{true, false} {
		name := map[bool]string{true: "staged", false: "in place"}[stage]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := New(filepath.Join(b.TempDir(), "bc.db"))
				require.NoError(b, s.Open(b.Context()))
				tb := fixture.Customers()
				require.NoError(b, s.EnsureTable(b.Context(), tb))
				b.StartTimer()
				for n := 0; n < len(rows); n += 5000 {
					_, err := s.Apply(b.Context(), []store.Batch{{Table: tb, CompanyID: fixture.Co1, Stage: stage, Upserts: rows[n:min(n+5000, len(rows))]}}, nil)
					require.NoError(b, err)
				}
				if stage {
					c, err := s.Publish(b.Context(), tb, fixture.Co1, nil, nil, nil)
					require.NoError(b, err)
					require.Equal(b, int64(publishRows), c.Inserted)
				}
				b.StopTimer()
				require.NoError(b, s.Close())
				b.StartTimer()
			}
			b.ReportMetric(float64(publishRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkSQLiteStage appends pages of 5,000 customers to a first load's
// staging table, one transaction each, as the sync's writer does; allocs/row
// is what the store allocates per row in steady state (the Binder's path:
// none).
func BenchmarkSQLiteStage(b *testing.B) {
	const page = 5000
	rows := make([]store.Row, page)
	for i := range rows {
		rows[i] = fixture.Customer(fixture.Co1, fmt.Sprintf("%08x-%04x-4000-8000-%012x", uint32(i)*2654435761, i&0xffff, i), "Customer", "1")
	}
	s := New(filepath.Join(b.TempDir(), "bc.db"))
	require.NoError(b, s.Open(b.Context()))
	defer s.Close()
	tb := fixture.Customers()
	require.NoError(b, s.EnsureTable(b.Context(), tb))
	apply := func() {
		_, err := s.Apply(b.Context(), []store.Batch{{Table: tb, CompanyID: fixture.Co1, Stage: true, Upserts: rows}}, nil)
		require.NoError(b, err)
	}
	apply() // prepares the statements
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		apply()
	}
	runtime.ReadMemStats(&after)
	n := float64(b.N) * page
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/row")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/row")
	b.ReportMetric(n/b.Elapsed().Seconds(), "rows/s")
}
