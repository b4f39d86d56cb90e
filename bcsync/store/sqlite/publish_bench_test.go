package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/stretchr/testify/require"
)

// publishRows is the size of the first load BenchmarkSQLitePublish moves.
const publishRows = 1_000_000

// BenchmarkSQLitePublish measures the move of a staged first load of 1 M
// rows with random GUID keys into its table: "key order" is Publish's
// INSERT … SELECT … ORDER BY the key, "staged order" the same statement
// without the ORDER BY, which makes the key index take the rows at random
// leaves as an in-place load does. Staging is not timed.
func BenchmarkSQLitePublish(b *testing.B) {
	for _, order := range []string{"key order", "staged order"} {
		b.Run(order, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s, tb := stagedLoad(b, publishRows)
				b.StartTimer()
				if order == "key order" {
					c, err := s.Publish(b.Context(), tb, fixture.Co1, nil, nil, nil)
					require.NoError(b, err)
					require.Equal(b, int64(publishRows), c.Inserted)
				} else {
					q := moveSQL(tb, s.tables[tb.Name], layout.ColumnNames(tb), stagingName(tb.Name, fixture.Co1))
					q = strings.Replace(q, ` ORDER BY "companyId", "id" ON CONFLICT`, " ON CONFLICT", 1)
					require.NoError(b, s.base.L.Tx(b.Context(), func() error {
						_, err := s.base.L.Exec(b.Context(), q)
						return err
					}))
				}
				b.StopTimer()
				require.NoError(b, s.Close())
				b.StartTimer()
			}
			b.ReportMetric(float64(publishRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// stagedLoad returns an open store with rows customers of Co1 staged.
func stagedLoad(b *testing.B, rows int) (*Store, *store.Table) {
	s := New(filepath.Join(b.TempDir(), "bc.db"))
	require.NoError(b, s.Open(b.Context()))
	tb := fixture.Customers()
	require.NoError(b, s.EnsureTable(b.Context(), tb))
	batch := make([]store.Row, 0, 5000)
	for i := range rows {
		batch = append(batch, fixture.Customer(fixture.Co1, fmt.Sprintf("%08x-%04x-4000-8000-%012x", uint32(i)*2654435761, i&0xffff, i), "Customer", "1"))
		if len(batch) == cap(batch) || i == rows-1 {
			_, err := s.Apply(b.Context(), []store.Batch{{Table: tb, CompanyID: fixture.Co1, Stage: true, Upserts: batch}}, nil)
			require.NoError(b, err)
			batch = batch[:0]
		}
	}
	return s, tb
}
