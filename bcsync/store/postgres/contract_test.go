package postgres

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// dsnSubject is the store on a connection of its own, in a schema of the
// test's own named by the DSN's search_path.
var dsnSubject = storetest.Subject{
	Fresh: func(t testing.TB) func() store.Store {
		dsn := storetest.PostgresDSN(t)
		return func() store.Store {
			s, err := FromDSN(dsn)
			require.NoError(t, err)
			return s
		}
	},
	Dump: dump,
}

// poolSubject is the store on a shared pool, in a schema of the test's
// own named by Schema.
var poolSubject = storetest.Subject{
	Fresh: func(t testing.TB) func() store.Store {
		pool, schema := testPool(t, 0)
		return func() store.Store { return New(pool, Schema(schema)) }
	},
	Dump: dump,
}

func TestContract(t *testing.T) {
	t.Run("dsn", func(t *testing.T) { storetest.Run(t, dsnSubject) })
	t.Run("pool", func(t *testing.T) { storetest.Run(t, poolSubject) })
}

func BenchmarkPostgresApply(b *testing.B) { storetest.Bench(b, dsnSubject.Fresh) }

// testPool returns a pool of at most maxConns connections (0: pgx's
// default) whose sessions have no search_path of their own, and a new
// schema the test may use.
func testPool(t testing.TB, maxConns int32) (*pgxpool.Pool, string) {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	cfg, err := pgxpool.ParseConfig(u.String())
	require.NoError(t, err)
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool, schema
}

// dump reads table over the store's own session, datetimes in UTC with
// milliseconds.
func dump(t testing.TB, st store.Store, table *store.Table) storetest.Rows {
	t.Helper()
	s := st.(*Store)
	ctx := context.Background()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.NoError(t, s.live(ctx))
	cols, err := pgColumns(ctx, s.conn, table.Name)
	require.NoError(t, err)
	types := map[string]store.ColType{layout.DeletedCol: store.DateTime}
	for _, c := range table.Columns {
		types[c.Name] = c.Type
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = pgIdent(c) + "::text"
		if types[c] == store.DateTime {
			exprs[i] = "to_char(" + pgIdent(c) + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
		}
	}
	rows, err := s.conn.Query(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+pgIdent(table.Name))
	require.NoError(t, err)
	defer rows.Close()
	out := storetest.Rows{}
	for rows.Next() {
		vals := make([]*string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := map[string]*string{}
		for i, c := range cols {
			row[c] = vals[i]
		}
		storetest.Add(t, out, table, row)
	}
	require.NoError(t, rows.Err())
	return out
}
