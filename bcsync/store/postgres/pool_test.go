package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/stretchr/testify/require"
)

// TestPoolConnectionGoesBackClean: on a pool of one connection, the store
// takes it for its life and gives it back as it found it — no advisory
// lock, no staging table, the pool's search_path — and the pool stays
// open.
func TestPoolConnectionGoesBackClean(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool, schema := testPool(t, 1)
	var before string
	require.NoError(t, pool.QueryRow(ctx, "SHOW search_path").Scan(&before))

	s := New(pool, Schema(schema))
	require.NoError(t, s.Open(ctx))
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1")}}}, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, pool.Stat().AcquiredConns(), "the store holds the pool's one connection")
	require.NoError(t, s.Close())

	conn, err := pool.Acquire(ctx)
	require.NoError(t, err, "the pool is open and its connection back")
	defer conn.Release()
	var path string
	var locks, temps int
	require.NoError(t, conn.QueryRow(ctx, "SHOW search_path").Scan(&path))
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()").Scan(&locks))
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'  AND pg_table_is_visible(oid)").Scan(&temps))
	require.Equal(t, before, path)
	require.Zero(t, locks)
	require.Zero(t, temps)
}

// TestPoolSchemasSideBySide: the lock is per schema, so two tenants'
// stores on one pool write at the same time, and a missing schema is
// named.
func TestPoolSchemasSideBySide(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool, a := testPool(t, 0)
	_, b := testPool(t, 0)
	sa, sb := New(pool, Schema(a)), New(pool, Schema(b))
	require.NoError(t, sa.Open(ctx))
	defer sa.Close()
	require.NoError(t, sb.Open(ctx))
	defer sb.Close()

	err := New(pool, Schema("bcsync_no_such_schema")).Open(context.Background())
	server := strings.TrimSuffix(sa.where, " (schema "+a+")") // postgres://USER@HOST:PORT/DATABASE
	require.EqualError(t, err, server+` (schema bcsync_no_such_schema): schema "bcsync_no_such_schema" does not exist: create it with CREATE SCHEMA "bcsync_no_such_schema"`)
}

// TestPostgresOlderStoreAdoptsTheSource: a schema made before _source
// existed gets the table at Open and records the next run's source.
func TestPostgresOlderStoreAdoptsTheSource(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool, schema := testPool(t, 0)
	s := New(pool, Schema(schema))
	require.NoError(t, s.Open(ctx))
	require.NoError(t, s.Close())
	_, err := pool.Exec(ctx, `DROP TABLE `+pgIdent(schema)+`."_source"`)
	require.NoError(t, err)

	s = New(pool, Schema(schema))
	require.NoError(t, s.Open(ctx))
	defer s.Close()
	src := store.Source{Tenant: "t", Environment: "Production", ServiceRoot: "https://bc.example/v2.0/t/Production"}
	require.NoError(t, s.CheckSource(ctx, src))
	require.ErrorIs(t, s.CheckSource(ctx, store.Source{Tenant: "t", Environment: "Sandbox", ServiceRoot: "https://bc.example/v2.0/t/Sandbox"}), store.ErrOtherSource)
}
