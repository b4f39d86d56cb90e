package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// fileHash is the SHA-256 of a file's bytes.
func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

// TestDamagedSQLiteIsRefusedAndLeftAlone damages a synced SQLite file the
// way a bad disk or a stray write would (8 KB overwritten at the start of
// its second page, a table's root, whatever the file's page size): the
// next sync exits 2 with one line saying what to do, and the file's bytes
// are unchanged — no run was recorded in it.
func TestDamagedSQLiteIsRefusedAndLeftAlone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("bc.db")
	path := strings.TrimPrefix(dest, "sqlite:")
	r := h.run("--entities", "customers,vendors", "--out", dest)
	require.Equal(t, 0, r.code, r.stderr)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	_, err = f.WriteAt(bytes.Repeat([]byte{0x5a}, 8192), sqlitePageSize(t, f))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	before := fileHash(t, path)

	r = h.run("--entities", "customers,vendors", "--out", dest)
	require.Equal(t, exitSetup, r.code, r.stderr)
	require.Equal(t, []string{"sync: --out: " + dest + ": the database file is damaged (SQLite's quick_check failed) and was not written to: restore it from a backup, or move it aside to sync afresh"},
		lines(r.stderr))
	require.Equal(t, before, fileHash(t, path), "the damaged file is left as it was")
}

// sqlitePageSize reads the page size from an SQLite file's header (a
// big-endian uint16 at offset 16, where 1 stands for 65536).
func sqlitePageSize(t *testing.T, f *os.File) int64 {
	t.Helper()
	var h [2]byte
	_, err := f.ReadAt(h[:], 16)
	require.NoError(t, err)
	n := int64(h[0])<<8 | int64(h[1])
	if n == 1 {
		n = 65536
	}
	require.GreaterOrEqual(t, n, int64(512))
	return n
}

// TestSecondSyncIsRefusedAtOnce holds every kind of store open as a running
// sync would, and starts another sync into it: it exits 2 at once with one
// line naming the store, and the first one's store stays usable.
func TestSecondSyncIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, dest := range destinations(t, h, "busy") {
		held, err := store.New(dest)
		require.NoError(t, err)
		require.NoError(t, held.Open(t.Context()))

		r := h.run("--entities", "customers", "--out", dest)
		require.Equal(t, exitSetup, r.code, r.stderr)
		msg := lines(r.stderr)
		require.Len(t, msg, 1, r.stderr)
		const busy = ": another sync is writing to it; wait for that one to finish, or choose another destination"
		if strings.HasPrefix(dest, "postgres") {
			require.True(t, strings.HasPrefix(msg[0], "sync: --out: postgres://bcsync:xxxxx@"), msg[0])
			require.True(t, strings.HasSuffix(msg[0], busy), msg[0])
		} else {
			require.Equal(t, "sync: --out: "+dest+busy, msg[0])
		}

		_, err = held.Apply(t.Context(), nil, nil)
		require.NoError(t, err, "the first sync's store is still usable")
		require.NoError(t, held.Close())
		r = h.run("--entities", "customers", "--out", dest)
		require.Equal(t, 0, r.code, r.stderr)
	}
}

// TestMissingPostgresSchemaIsNamed points the sync at a search_path whose
// schema does not exist: one line names it and says how to create it.
func TestMissingPostgresSchemaIsNamed(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv(storetest.PostgresDSNEnv)
	if dsn == "" {
		t.Skipf("set %s to run this test", storetest.PostgresDSNEnv)
	}
	h := newHarness(t)
	dest := storetest.WithSearchPath(t, dsn, "bcsync_nonexistent")
	r := h.run("--entities", "customers", "--out", dest)
	require.Equal(t, exitSetup, r.code, r.stderr)
	msg := lines(r.stderr)
	require.Len(t, msg, 1, r.stderr)
	require.True(t, strings.HasSuffix(msg[0], "?search_path=bcsync_nonexistent: schema bcsync_nonexistent (the search_path) does not exist: create it with CREATE SCHEMA bcsync_nonexistent, or set search_path in the URL to an existing schema"), msg[0])
}

// TestMissingOutputDirectoriesAreCreated syncs into directories that do not
// exist yet, for both file stores: they are created, as for jsonl:DIR.
func TestMissingOutputDirectoriesAreCreated(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, dest := range []string{h.sqlite(filepath.Join("out", "sqlite", "bc.db")), "jsonl:" + filepath.Join(h.dir, "out", "jsonl")} {
		r := h.run("--entities", "customers", "--out", dest)
		require.Equal(t, 0, r.code, r.stderr)
		h.requireSynced(dest, h.plan("", bcsync.SetRef{Name: "customers", Route: bc.StandardRoute}))
	}
}

// TestJSONLLeavesNoStagingFilesAfterSuccess: a run that published
// everything removes its emptied DIR/.sync/*.stage files.
func TestJSONLLeavesNoStagingFilesAfterSuccess(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := filepath.Join(h.dir, "out")
	for range 2 { // the second run finds the files' tables and removes them again
		r := h.run("--profile", "finance", "--out", "jsonl:"+dir)
		require.Equal(t, 0, r.code, r.stderr)
		stages, err := filepath.Glob(filepath.Join(dir, ".sync", "*.stage"))
		require.NoError(t, err)
		require.Empty(t, stages)
		entries, err := os.ReadDir(filepath.Join(dir, ".sync"))
		require.NoError(t, err)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		require.Equal(t, []string{"lock", "state.db"}, names)
	}
	h.requireSynced("jsonl:"+dir, h.plan("finance"))
}

// readmeSQL returns the ```sql block of docs/sync.md that follows marker.
func readmeSQL(t *testing.T, marker string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "sync.md"))
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(b), marker)
	require.True(t, ok, "docs/sync.md has %q", marker)
	_, block, ok := strings.Cut(after, "```sql\n")
	require.True(t, ok)
	query, _, ok := strings.Cut(block, "```")
	require.True(t, ok)
	return query
}

// TestDocsMoneyQuery runs the README's decimal query against a synced
// store: it returns exactly the customers whose balance exceeds 10,000, in
// numeric order, where comparing the text does not. Datetimes are stored
// at one width, so their text sorts as time.
func TestDocsMoneyQuery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("money.db")
	r := h.run("--entities", "customers", "--out", dest)
	require.Equal(t, 0, r.code, r.stderr)
	db, err := sql.Open("sqlite", strings.TrimPrefix(dest, "sqlite:"))
	require.NoError(t, err)
	defer db.Close()
	column := func(q string) []string {
		t.Helper()
		rows, err := db.Query(q)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var number, name, balance sql.NullString
			require.NoError(t, rows.Scan(&number, &name, &balance))
			out = append(out, balance.String)
		}
		require.NoError(t, rows.Err())
		return out
	}

	limit := new(big.Rat).SetInt64(10000)
	type balance struct {
		text  string
		value *big.Rat
	}
	var want []balance
	for _, text := range column(`SELECT number, displayName, balanceDue FROM customers`) {
		v, ok := new(big.Rat).SetString(text)
		require.True(t, ok, text)
		if v.Cmp(limit) > 0 {
			want = append(want, balance{text, v})
		}
	}
	slices.SortStableFunc(want, func(a, b balance) int { return b.value.Cmp(a.value) })
	var wantText []string
	for _, b := range want {
		wantText = append(wantText, b.text)
	}
	require.NotEmpty(t, wantText)
	require.Equal(t, wantText, column(readmeSQL(t, "<!-- TestDocsMoneyQuery runs this query -->")))

	var textual, odd int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM customers WHERE balanceDue > 10000`).Scan(&textual))
	require.Greater(t, textual, len(wantText), "comparing the text is wrong, as docs/sync.md says")
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM customers WHERE length(lastModifiedDateTime) <> 24`).Scan(&odd))
	require.Zero(t, odd, "every datetime is YYYY-MM-DDTHH:MM:SS.fffZ")
}

// TestOtherEnvironmentIsRefused syncs every kind of store from one
// environment, then points it at another: the sync exits 2 with one line
// naming both and writes nothing; the first environment, even served on
// another port (as --demo is on every run), still syncs into it.
func TestOtherEnvironmentIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sandbox := newHarness(t, bctest.WithEnvironment("Sandbox"))
	again := newHarness(t)
	tenant, _, _ := h.srv.Credentials()
	root := func(h *harness, env string) string { return h.srv.BaseURL() + "/" + tenant + "/" + env }
	for _, dest := range destinations(t, h, "source") {
		r := h.run("--entities", "customers", "--out", dest)
		require.Equal(t, 0, r.code, r.stderr)

		r = sandbox.run("--entities", "customers", "--out", dest)
		require.Equal(t, exitSetup, r.code, r.stderr)
		msg := lines(r.stderr)
		require.Len(t, msg, 1, r.stderr)
		require.True(t, strings.HasPrefix(msg[0], "sync: "), msg[0])
		require.True(t, strings.HasSuffix(msg[0], fmt.Sprintf(`: the store holds the data of another BC environment: it was filled from tenant %q, environment "Production" at %s, `+
			`but this sync reads tenant %q, environment "Sandbox" at %s; choose another destination for this environment`,
			tenant, root(h, "Production"), tenant, root(sandbox, "Sandbox"))), msg[0])

		r = again.run("--entities", "customers", "--out", dest)
		require.Equal(t, 0, r.code, r.stderr)
	}
}
