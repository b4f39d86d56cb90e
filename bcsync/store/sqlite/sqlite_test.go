package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
	"github.com/stretchr/testify/require"
)

func TestSQLiteOpenFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	junk := make([]byte, 8192)
	rand.Read(junk)
	require.NoError(t, os.WriteFile(garbage, junk, 0o644))

	foreign := filepath.Join(dir, "foreign.db")
	l, err := lite.Open(t.Context(), "setup", foreign, "NORMAL")
	require.NoError(t, err)
	_, err = l.Exec(t.Context(), `CREATE TABLE "_runs" ("runId" INTEGER, "note" TEXT)`)
	require.NoError(t, err)
	require.NoError(t, l.Close())

	tests := []struct {
		path, wantErr string
	}{
		{filepath.Join(garbage, "x", "bc.db"), "cannot create the directory: mkdir " + garbage + ": not a directory"},
		{"/proc/self/bc.db", "directory /proc/self is not writable"},
		{dir, "cannot write " + dir},
		{garbage, "is not an SQLite database (or is damaged)"},
		{foreign, `table "_runs" has columns (runId, note) but the sync expects (id, started`},
		{"bad?name.db", "must not contain '?'"},
	}
	for _, tt := range tests {
		err := New(tt.path).Open(t.Context())
		require.ErrorContains(t, err, tt.wantErr, tt.path)
		require.True(t, strings.HasPrefix(err.Error(), "sqlite:"+tt.path+": "), err.Error())
		require.NotContains(t, err.Error(), "\n")

		// Checked ahead of Open, the same error.
		s := New(tt.path)
		s.Precheck(t.Context())
		require.Equal(t, err.Error(), s.Open(t.Context()).Error(), tt.path)
		require.NoError(t, s.Close())
	}

	// Failing left both files as they were.
	after, err := os.ReadFile(garbage)
	require.NoError(t, err)
	require.Equal(t, junk, after)
	l, err = lite.Open(t.Context(), "check", foreign, "NORMAL")
	require.NoError(t, err)
	defer l.Close()
	for _, b := range layout.BookTables {
		cols, _, _, err := l.Columns(t.Context(), "main", b.Name)
		require.NoError(t, err)
		if b.Name == "_runs" {
			require.Equal(t, []string{"runId", "note"}, cols)
		} else {
			require.Nil(t, cols, "%s was not created", b.Name)
		}
	}
}

func TestSQLiteReopen(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "bc.db")
	s := New(path)
	require.NoError(t, s.Open(ctx))
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1.50")}}}, nil)
	require.NoError(t, err)
	run, err := s.BeginRun(ctx, store.Run{Mode: "full", Status: "ok"})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice is harmless")

	s = New(path)
	require.NoError(t, s.Open(ctx))
	defer s.Close()
	last, ok, err := s.LastRun(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, run, last)
	require.NoError(t, s.EnsureTable(ctx, tb))
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1.50")}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Unchanged: 1}, got)
	var mode string
	require.NoError(t, s.db.Conn.Query(ctx, "PRAGMA journal_mode", nil, func(row []driver.Value) error {
		mode = lite.AsString(row[0])
		return nil
	}))
	require.Equal(t, "wal", mode)
}

func TestSQLiteKeyMismatch(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := New(filepath.Join(t.TempDir(), "bc.db"))
	require.NoError(t, s.Open(ctx))
	defer s.Close()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	other := fixture.Customers()
	other.Key = []string{"companyId", "number"}
	require.ErrorContains(t, s.EnsureTable(ctx, other), `exists with primary key ("companyId", "id") but the sync needs ("companyId", "number")`)
	_, err := s.Apply(ctx, []store.Batch{{Table: &store.Table{Name: "never", Key: []string{"id"}, Columns: []store.Column{{Name: "id", Type: store.GUID}}}}}, nil)
	require.ErrorContains(t, err, "call EnsureTable first")
	_, err = s.Apply(context.Background(), []store.Batch{{Table: tb, Upserts: []store.Row{{fixture.V(fixture.Co1)}}}}, nil)
	require.ErrorContains(t, err, "row has 1 values for 10 columns")
}

// TestSQLiteOlderStoreAdoptsTheSource: a file made before _source existed
// gets the table at Open and records the next run's source, no step for
// the user.
func TestSQLiteOlderStoreAdoptsTheSource(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "bc.db")
	s := New(path)
	require.NoError(t, s.Open(ctx))
	require.NoError(t, s.Close())
	l, err := lite.Open(ctx, "setup", path, "NORMAL")
	require.NoError(t, err)
	_, err = l.Exec(ctx, `DROP TABLE "_source"`)
	require.NoError(t, err)
	require.NoError(t, l.Close())

	s = New(path)
	require.NoError(t, s.Open(ctx))
	defer s.Close()
	src := store.Source{Tenant: "t", Environment: "Production", ServiceRoot: "https://bc.example/v2.0/t/Production"}
	require.NoError(t, s.CheckSource(ctx, src))
	require.ErrorIs(t, s.CheckSource(ctx, store.Source{Tenant: "t", Environment: "Sandbox", ServiceRoot: "https://bc.example/v2.0/t/Sandbox"}), store.ErrOtherSource)
}

// TestSQLitePrecheck checks an existing file ahead of Open: Open takes the
// checked, locked connection over; a check Open never takes is released by
// Close; a missing file is left to Open, which creates it.
func TestSQLitePrecheck(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "bc.db")

	fresh := New(path)
	fresh.Precheck(ctx)
	require.Nil(t, fresh.pre, "nothing to check in a missing file")
	_, err := os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist, "Precheck creates nothing")
	require.NoError(t, fresh.Open(ctx))
	require.NoError(t, fresh.Close())

	held := New(path)
	held.Precheck(ctx)
	require.NotNil(t, held.pre)
	require.ErrorIs(t, New(path).Open(ctx), store.ErrLocked, "the check holds the lock")
	require.NoError(t, held.Close())
	require.Nil(t, held.pre)

	s := New(path)
	s.Precheck(ctx)
	require.NoError(t, s.Open(ctx))
	require.Nil(t, s.pre)
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	require.NoError(t, s.Close())
}
