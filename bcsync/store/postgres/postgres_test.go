package postgres

import (
	"context"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestPostgresUnreachable(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	s, err := FromDSN("postgres://bcsync:hunter2@" + addr + "/bc")
	require.NoError(t, err)
	start := time.Now()
	err = s.Open(t.Context())
	require.ErrorContains(t, err, "postgres://bcsync:xxxxx@"+addr+"/bc: cannot reach the PostgreSQL server at 127.0.0.1:")
	require.ErrorContains(t, err, "within 5s")
	require.NotContains(t, err.Error(), "hunter2")
	require.NotContains(t, err.Error(), "\n")
	require.Less(t, time.Since(start), 5*time.Second)
	_, err = s.Apply(t.Context(), nil, nil)
	require.ErrorContains(t, err, "store is not open")
}

func TestPostgresOpenFails(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	ctx := t.Context()

	wrong := *u
	wrong.User = url.UserPassword(u.User.Username(), "not-the-password-123")
	missing := *u
	missing.Path = "/bcsync_no_such_database"

	// A _runs table the sync did not create.
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, `CREATE TABLE "_runs" ("runId" BIGINT, "note" TEXT)`)
	require.NoError(t, err)

	for _, tt := range []struct{ dsn, wantErr string }{
		{wrong.String(), `the server refused the credentials of user "` + u.User.Username() + `"`},
		{missing.String(), `database "bcsync_no_such_database" does not exist`},
		{dsn, `table "_runs" has columns (runId, note) but the sync expects (id, started`},
	} {
		s, err := FromDSN(tt.dsn)
		require.NoError(t, err)
		err = s.Open(ctx)
		require.ErrorContains(t, err, tt.wantErr)
		require.NotContains(t, err.Error(), "not-the-password-123")
		if pw, ok := u.User.Password(); ok {
			require.NotContains(t, err.Error(), pw)
		}
		require.NotContains(t, err.Error(), "\n")
	}
	cols, err := pgColumns(ctx, conn, "_runs")
	require.NoError(t, err)
	require.Equal(t, []string{"runId", "note"}, cols, "left as it was")
	cols, err = pgColumns(ctx, conn, "_watermarks")
	require.NoError(t, err)
	require.Nil(t, cols, "nothing created")
}

func TestPostgresNames(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := dsnSubject.Fresh(t)()
	require.NoError(t, s.Open(ctx))
	defer s.Close()
	long := &store.Table{Name: strings.Repeat("n", 64), Key: []string{"id"}, Columns: []store.Column{{Name: "id", Type: store.GUID}}}
	require.ErrorContains(t, s.EnsureTable(ctx, long), "longer than PostgreSQL's 63 bytes")
	other := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, other))
	other.Key = []string{"companyId", "number"}
	require.ErrorContains(t, s.EnsureTable(ctx, other), `exists with primary key ("companyId", "id")`)
}

// TestPostgresReconnects checks a dropped session is replaced: staging
// tables are rebuilt on the new one.
func TestPostgresReconnects(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := dsnSubject.Fresh(t)().(*Store)
	require.NoError(t, s.Open(ctx))
	defer s.Close()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1")}}}, nil)
	require.NoError(t, err)
	require.NoError(t, s.conn.Close(ctx))
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2")}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 1, Unchanged: 1}, got)
}
