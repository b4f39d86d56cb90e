package main

import (
	"database/sql"
	"path/filepath"
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
		{"malformed tenant", map[string]string{"BC_TENANT": "contoso..onmicrosoft"}, nil, "--tenant"},
		{"malformed client id", map[string]string{"BC_CLIENT_ID": "{not-a-guid}"}, nil, "--client-id"},
		{"unknown environment", map[string]string{"BC_ENVIRONMENT": "Produktion"}, nil, `"Produktion"`},
		{"unknown entity set", nil, []string{"--entities", "customers,glEntries"}, `"glEntries" is not an entity set`},
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
