package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// TestDescribe: a destination is told as an absolute path with its kind,
// or as the PostgreSQL server, database and schema, never with the user or
// password.
func TestDescribe(t *testing.T) {
	t.Parallel()
	wd, err := os.Getwd()
	require.NoError(t, err)
	for dest, want := range map[string]string{
		"sqlite:bc.db":    filepath.Join(wd, "bc.db") + " (SQLite)",
		"jsonl:out/../bc": filepath.Join(wd, "bc") + " (JSON Lines, a <table>.jsonl each)",
		"postgres://u:secretpw@db.example:5432/bc?search_path=s&password=x": "postgres://db.example:5432/bc, schema s (PostgreSQL)",
		"postgresql://db.example/bc?sslmode=disable":                        "postgresql://db.example/bc (PostgreSQL)",
		"bc.db":         "",
		"mysql://db/bc": "",
	} {
		require.Equal(t, want, store.Describe(dest), dest)
	}
}

// TestPostgresLocationOfAPool: a store on a caller's pool is told by the
// pool's server and database and the Schema option, not the user.
func TestPostgresLocationOfAPool(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(t.Context(), "postgres://svc:pw@db.example:5433/mosaic?search_path=public")
	require.NoError(t, err) // no connection yet: pgxpool dials on first use
	defer pool.Close()
	require.Equal(t, "postgres://db.example:5433/mosaic, schema tenant_42 (PostgreSQL)",
		postgres.New(pool, postgres.Schema("tenant_42")).Location())
	require.Equal(t, "postgres://db.example:5433/mosaic, schema public (PostgreSQL)", postgres.New(pool).Location(),
		"without Schema, the first schema of the session's search_path")
}
