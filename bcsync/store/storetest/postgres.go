// Package storetest holds what store tests share: a PostgreSQL schema of
// their own for each test, and the contract every store passes.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// PostgresDSNEnv names the environment variable with the DSN of a PostgreSQL
// database the tests may create schemas in; each test works in a schema of
// its own and drops it. On Debian 12 (PostgreSQL 15), as root:
//
//	apt-get update && apt-get install -y postgresql
//	pg_ctlcluster 15 main start
//	su postgres -c "psql -c \"CREATE ROLE bcsync LOGIN PASSWORD 'bcsync-test'\""
//	su postgres -c "createdb -O bcsync bcsync_test"
//	export BC_TEST_POSTGRES_DSN=postgres://bcsync:bcsync-test@127.0.0.1:5432/bcsync_test
//	go test ./bcsync/... ./examples/...
const PostgresDSNEnv = "BC_TEST_POSTGRES_DSN"

// PostgresDSN returns a DSN whose search_path is a new schema, dropped when the
// test ends; it skips the test when BC_TEST_POSTGRES_DSN is unset.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresDSNEnv)
	if dsn == "" {
		t.Skipf("set %s to a PostgreSQL database to run this test (e.g. postgres://bcsync:bcsync-test@127.0.0.1:5432/bcsync_test; setup in internal/pgtest)", PostgresDSNEnv)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(context.Background())
	})
	return WithSearchPath(t, dsn, schema)
}

// WithSearchPath returns dsn with its search_path set to schema.
func WithSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
