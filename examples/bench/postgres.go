package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// postgresEnv is the variable the DSN of --postgres defaults to, the one the
// store tests use.
const postgresEnv = "BC_TEST_POSTGRES_DSN"

// postgresRun is the client-bound run of rows G/L entries into a schema of
// its own in the PostgreSQL database of the --postgres DSN, dropped after.
func (b *bench) postgresRun(ctx context.Context, rows int) (ClientRun, error) {
	conn, err := pgx.Connect(ctx, b.o.postgres)
	if err != nil {
		return ClientRun{}, fmt.Errorf("--postgres: %v", err)
	}
	defer conn.Close(context.Background())
	id := make([]byte, 6)
	rand.Read(id)
	schema := "bcbench_" + hex.EncodeToString(id)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return ClientRun{}, fmt.Errorf("--postgres: creating a schema for the run: %v", err)
	}
	defer conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	u, err := url.Parse(b.o.postgres)
	if err != nil || u.Scheme == "" {
		return ClientRun{}, fmt.Errorf("--postgres must be a postgres:// URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return b.clientRun(ctx, rows, u.String(), fmt.Sprintf("client-postgres-%d.pprof", rows))
}
