package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBadInputLeavesTheStoreIntact runs every kind of bad input against a
// store that already holds a sync: each run fails with one line saying what
// to change and a non-zero exit code, and the store's tables are as before.
func TestBadInputLeavesTheStoreIntact(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("kept.db")
	require.Equal(t, 0, h.run("--out", dest).code)
	before := h.snapshot(dest, h.plan("mosaic"))

	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"malformed tenant", map[string]string{"BC_TENANT": "contoso..onmicrosoft"}, nil, `BC_TENANT: the tenant ID "contoso..onmicrosoft"`},
		{"malformed client id", map[string]string{"BC_CLIENT_ID": "{not-a-guid}"}, nil, `BC_CLIENT_ID: the client ID "{not-a-guid}"`},
		{"unknown environment", map[string]string{"BC_ENVIRONMENT": "Produktion"}, nil, `"Produktion"`},
		{"unknown entity set", nil, []string{"--entities", "customers,glEntries"}, `--entities: "glEntries" is not an entity set of API v2.0 (--profile all syncs every one; docs/sync.md lists the profiles; a custom API is written set@/api/publisher/group/version)`},
		{"company with a quote, slash and umlauts", nil, []string{"--companies", `O'Brien / Müller GmbH`}, `no company named or with id "O'Brien / Müller GmbH"`},
		{"no database server", nil, []string{"--out", "postgres://u:pw@127.0.0.1:1/db"}, "--out"},
		{"unwritable output", nil, []string{"--out", "jsonl:/proc/self/bcsync"}, "--out"},
	}
	for _, tt := range tests {
		env := map[string]string{}
		for k, v := range h.env {
			env[k] = v
		}
		for k, v := range tt.env {
			env[k] = v
		}
		hh := &harness{t: t, srv: h.srv, dir: h.dir, env: env}
		r := hh.run(append([]string{"--out", dest}, tt.args...)...)
		require.Equal(t, 2, r.code, "%s: %s", tt.name, r.stderr)
		require.Contains(t, r.stderr, tt.want, tt.name)
		require.Len(t, lines(r.stderr), 1, "%s: one clear line: %s", tt.name, r.stderr)
		require.NotContains(t, r.stderr, ":pw@", tt.name)
		require.Equal(t, before, h.snapshot(dest, h.plan("mosaic")), tt.name)
	}
}

// TestCorruptCheckpointsAreRefusedOnce damages the checkpoints of an
// interrupted run in each way a hand edit or a foreign tool could: the run
// fails with one line naming the damage, the store is left as it was, and
// the next run starts afresh instead of tripping over the same rows.
func TestCorruptCheckpointsAreRefusedOnce(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, partition, next, want string }{
		{"a range that is not lo-hi", "entryNumber-all", "banana", `range "banana"`},
		{"an unknown partition", "shard:7", "https://example.invalid/next", `unknown partition "shard:7"`},
		{"a link to another host", "all", "https://attacker.example/v2.0/companies?$skiptoken=x", "https://attacker.example/v2.0/companies\" is not on the service host"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			path := filepath.Join(h.dir, "cp.db")
			dest := "sqlite:" + path
			require.Equal(t, 0, h.run("--out", dest, "--full").code)
			before := h.snapshot(dest, h.plan("mosaic"))

			db, err := sql.Open("sqlite", path)
			require.NoError(t, err)
			var last int64
			require.NoError(t, db.QueryRow(`SELECT max("id") FROM "_runs"`).Scan(&last))
			_, err = db.Exec(`UPDATE "_runs" SET "status" = 'interrupted' WHERE "id" = ?`, last)
			require.NoError(t, err)
			_, err = db.Exec(`DELETE FROM "_checkpoints" WHERE "runId" = ?`, last)
			require.NoError(t, err)
			co := h.companies()[0]
			_, err = db.Exec(`INSERT INTO "_checkpoints" ("runId", "companyId", "set", "partition", "next", "done", "rows") VALUES (?, ?, 'customers', ?, ?, 0, 10)`,
				last, co, tt.partition, tt.next)
			require.NoError(t, err)
			require.NoError(t, db.Close())

			r := h.run("--out", dest, "--full")
			require.Equal(t, 2, r.code, r.stdout)
			require.Contains(t, r.stderr, tt.want)
			require.Len(t, lines(r.stderr), 1, "one clear line: %s", r.stderr)
			require.Equal(t, before, h.snapshot(dest, h.plan("mosaic")))

			r = h.run("--out", dest, "--full")
			require.Equal(t, 0, r.code, "the next run starts afresh: %s", r.stderr)
			h.requireSynced(dest, h.plan("mosaic"))
		})
	}
}

// TestContradictionsAreRefused: a flag given on the command line that the
// rest of the run makes pointless is refused with one line naming both and
// what to do, and exit 2, before any work. The context is cancelled, so a
// run that is not refused stops at once instead of syncing; the doctor's
// cases need no --out, which the doctor refuses.
func TestContradictionsAreRefused(t *testing.T) {
	t.Parallel()
	const (
		demo   = "(the embedded fake BC has its own tenant, credentials and environment)"
		doctor = "(it checks the setup and syncs nothing)"
		secret = "Xy7~s3cr3t-value"
	)
	watch := []string{"--watch", "--listen", "127.0.0.1:0", "--public-url", "https://sync.example.com/bc"}
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--demo", "--json"}, nil, "--json only applies with --doctor: add --doctor, or drop --json"},
		{[]string{"--demo", "--mark-deleted"}, nil, "--mark-deleted only applies with --reconcile or --watch: add --reconcile, or drop --mark-deleted"},
		{[]string{"--demo", "--reconcile=false", "--mark-deleted"}, nil, "--mark-deleted only applies with --reconcile or --watch: add --reconcile, or drop --mark-deleted"},
		{[]string{"--demo", "--listen", ":8443"}, nil, "--listen only applies with --watch: add --watch, or drop --listen"},
		{[]string{"--demo", "--public-url", "https://sync.example.com/bc"}, nil, "--public-url only applies with --watch: add --watch, or drop --public-url"},
		{[]string{"--demo", "--poll", "1m"}, nil, "--poll only applies with --watch: add --watch, or drop --poll"},
		{[]string{"--demo", "--debounce", "5s"}, nil, "--debounce only applies with --watch: add --watch, or drop --debounce"},
		{[]string{"--demo-companies", "2"}, nil, "--demo-companies only applies with --demo: add --demo, or drop --demo-companies"},
		{[]string{"--demo-gl-entries", "100"}, nil, "--demo-gl-entries only applies with --demo: add --demo, or drop --demo-gl-entries"},
		{[]string{"--demo", "--full", "--since", "2025-01-01"}, nil, "--since has no effect with --full (it reads everything): drop --since, or drop --full"},
		{[]string{"--demo", "--since", "2025-01-01"}, map[string]string{"BC_FULL": "true"}, "--since has no effect with BC_FULL (it reads everything): drop --since, or unset BC_FULL"},
		{[]string{"--demo", "--full", "--overlap", "1h"}, nil, "--overlap has no effect with --full (it reads everything; --overlap applies to incremental reads): drop --overlap, or drop --full"},
		{[]string{"--demo", "--since", "2025-01-01", "--overlap", "1h"}, nil, "--overlap has no effect with --since (it reads from that time, not from the watermark): drop --overlap, or drop --since"},
		{[]string{"--demo", "--quiet", "--log-level", "debug"}, nil, "--log-level has no effect with --quiet (it logs only errors): drop --log-level, or drop --quiet"},
		{[]string{"--demo", "--environment", "Sandbox"}, nil, "--environment has no effect with --demo " + demo + ": drop --environment, or drop --demo"},
		{[]string{"--demo", "--tenant", "contoso.onmicrosoft.com"}, nil, "--tenant has no effect with --demo " + demo + ": drop --tenant, or drop --demo"},
		{[]string{"--demo", "--client-id", "0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f0"}, nil, "--client-id has no effect with --demo " + demo + ": drop --client-id, or drop --demo"},
		{[]string{"--demo", "--client-secret", secret}, nil, "--client-secret has no effect with --demo " + demo + ": drop --client-secret, or drop --demo"},
		{[]string{"--demo", "--base-url", "https://bc.example.com/v2.0"}, nil, "--base-url has no effect with --demo " + demo + ": drop --base-url, or drop --demo"},
		{[]string{"--demo", "--token-url", "https://login.example.com/t"}, nil, "--token-url has no effect with --demo " + demo + ": drop --token-url, or drop --demo"},
		{[]string{"--tenant", "contoso.onmicrosoft.com"}, map[string]string{"BC_DEMO": "true"}, "--tenant has no effect with BC_DEMO " + demo + ": drop --tenant, or unset BC_DEMO"},
	}
	for _, f := range [][]string{{"--out", "jsonl:elsewhere"}, {"--full"}, {"--since", "2025-01-01"}, {"--reconcile"}, {"--mark-deleted"},
		{"--split=false"}, {"--page-size", "100"}, {"--overlap", "1h"}, {"--retry-delay", "1s"}, {"--quiet"}, {"--log-format", "json"},
		{"--log-level", "debug"}, {"--watch"}, {"--listen", ":8443"}, {"--public-url", "https://sync.example.com/bc"}, {"--poll", "1m"},
		{"--debounce", "5s"}, {"--cpuprofile", "cpu.pprof"}, {"--memprofile", "mem.pprof"}} {
		name := strings.TrimPrefix(strings.SplitN(f[0], "=", 2)[0], "--")
		tests = append(tests, struct {
			args []string
			env  map[string]string
			want string
		}{append([]string{"--demo", "--doctor"}, f...), nil, "--" + name + " has no effect with --doctor " + doctor + ": drop --" + name + ", or drop --doctor"})
	}
	tests = append(tests, struct {
		args []string
		env  map[string]string
		want string
	}{append([]string{"--demo", "--doctor"}, watch...), nil, "--watch has no effect with --doctor " + doctor + ": drop --watch, or drop --doctor"})

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tt := range tests {
		dir := t.TempDir()
		var stdout, stderr strings.Builder
		args := tt.args
		if !slices.Contains(args, "--doctor") {
			args = append([]string{"--out", "sqlite:" + filepath.Join(dir, "bc.db")}, args...)
		}
		code := run(ctx, args, &stdout, &stderr, func(k string) string { return tt.env[k] })
		require.Equal(t, "sync: "+tt.want+"\n", stderr.String(), "%q %v", tt.args, tt.env)
		require.Equal(t, 2, code, "%q", tt.args)
		require.Empty(t, stdout.String(), "%q", tt.args)
		require.NotContains(t, stderr.String(), secret)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Empty(t, entries, "nothing was written: %q", tt.args)
	}
}
