package postgres

import (
	"context"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestPublishRefusesLostStagedRows empties the unlogged staging table, as
// a PostgreSQL server crash does, between staging and Publish: Publish
// fails with one line saying what happened and publishes nothing — not
// the watermark either, so the next run reads the first load again.
func TestPublishRefusesLostStagedRows(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresDSN(t)
	ctx := t.Context()
	s, err := FromDSN(dsn)
	require.NoError(t, err)
	require.NoError(t, s.Open(ctx))
	defer s.Close()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	rows := []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "A", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "B", "2")}
	_, err = s.Apply(ctx, []store.Batch{{Table: tb, CompanyID: fixture.Co1, Stage: true, Upserts: rows}}, nil)
	require.NoError(t, err)

	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, `TRUNCATE "_staged/customers"`)
	require.NoError(t, err)

	_, err = s.Publish(ctx, tb, fixture.Co1, &store.Watermark{CompanyID: fixture.Co1, Set: tb.Name}, nil, nil)
	require.ErrorContains(t, err, `publishing "customers": 2 of the 2 rows staged for company `+fixture.Co1+
		" are gone (PostgreSQL empties unlogged tables after a server crash); the next run reads them again")
	_, ok, err := s.Watermark(ctx, fixture.Co1, tb.Name)
	require.NoError(t, err)
	require.False(t, ok)
	var n int64
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM "customers"`).Scan(&n))
	require.Zero(t, n)
}
