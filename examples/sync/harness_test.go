package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// harness runs the sync command in-process against a fake BC.
type harness struct {
	t   *testing.T
	srv *bctest.Server
	dir string
	env map[string]string
}

func newHarness(t *testing.T, opts ...bctest.Option) *harness {
	t.Helper()
	srv := bctest.NewDemoServer(bctest.DemoConfig{Seed: 7, Companies: 3, GLEntries: 1500}, opts...)
	t.Cleanup(srv.Close)
	tenant, client, secret := srv.Credentials()
	return &harness{t: t, srv: srv, dir: t.TempDir(), env: map[string]string{
		"BC_TENANT": tenant, "BC_CLIENT_ID": client, "BC_CLIENT_SECRET": secret,
		"BC_ENVIRONMENT": srv.Environment(), "BC_BASE_URL": srv.BaseURL(), "BC_TOKEN_URL": srv.TokenURL(),
		"BC_LOG_FORMAT": "json",
	}}
}

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

func (h *harness) run(args ...string) result {
	return h.runCtx(context.Background(), args...)
}

func (h *harness) runCtx(ctx context.Context, args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, args, &out, &errb, func(k string) string { return h.env[k] })
	return result{code, out.String(), errb.String()}
}

// sqlite is a destination in the test's directory.
func (h *harness) sqlite(name string) string { return "sqlite:" + filepath.Join(h.dir, name) }

// plan is what a run with these arguments syncs.
func (h *harness) plan(profile string, refs ...bcsync.SetRef) synctest.Sets {
	h.t.Helper()
	sets, err := synctest.PlanSets(profile, refs...)
	require.NoError(h.t, err)
	return sets
}

// companies are the ids of the fake's companies.
func (h *harness) companies() []string {
	var ids []string
	for _, co := range h.srv.Tenant().Companies() {
		ids = append(ids, co.ID)
	}
	return ids
}

// requireSynced checks that dest holds exactly the fake's data for sets.
func (h *harness) requireSynced(dest string, sets synctest.Sets) {
	h.t.Helper()
	want, err := synctest.Expected(h.srv, sets, h.companies())
	require.NoError(h.t, err)
	got, err := synctest.Actual(context.Background(), dest, sets.Tables())
	require.NoError(h.t, err)
	require.Empty(h.t, synctest.Diff(want, got))
	for name, tbl := range want {
		require.Positive(h.t, tbl.Count(), "the demo has rows in %s", name)
	}
}

// snapshot reads the tables of sets from dest, to prove a failed run left
// them alone.
func (h *harness) snapshot(dest string, sets synctest.Sets) map[string]synctest.Table {
	h.t.Helper()
	got, err := synctest.Actual(context.Background(), dest, sets.Tables())
	require.NoError(h.t, err)
	return got
}

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

// freshPostgres creates a schema of its own for a test on the server dsn
// names and returns a DSN that writes there; the schema is dropped after.
func freshPostgres(t *testing.T, dsn, name string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	schemaName := fmt.Sprintf("sync_%s_%d", strings.ToLower(name), time.Now().UnixNano())
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schemaName}.Sanitize())
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			_, _ = c.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schemaName}.Sanitize()+" CASCADE")
			_ = c.Close(ctx)
		}
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schemaName
}
