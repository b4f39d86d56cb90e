package lite

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// pageSize opens path and returns its page size.
func pageSize(t *testing.T, path string) int64 {
	t.Helper()
	l, err := Open(t.Context(), "test", path, "NORMAL")
	require.NoError(t, err)
	defer l.Close()
	n, err := l.Count(t.Context(), "PRAGMA page_size")
	require.NoError(t, err)
	return n
}

// A new file gets 64 KiB pages; a file made with other pages keeps them.
func TestPageSizeOnlyForANewFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fresh := filepath.Join(dir, "new.db")
	l, err := Open(t.Context(), "test", fresh, "NORMAL")
	require.NoError(t, err)
	_, err = l.Exec(t.Context(), "CREATE TABLE t(x)")
	require.NoError(t, err)
	require.NoError(t, l.Close())
	require.Equal(t, int64(65536), pageSize(t, fresh))

	old := filepath.Join(dir, "old.db")
	l, err = Open(t.Context(), "test", old, "NORMAL")
	require.NoError(t, err)
	for _, q := range []string{"PRAGMA journal_mode = DELETE", "PRAGMA page_size = 4096", "VACUUM", "CREATE TABLE t(x)"} {
		_, err = l.Exec(t.Context(), q)
		require.NoError(t, err)
	}
	require.NoError(t, l.Close())
	require.Equal(t, int64(4096), pageSize(t, old))
}

// A damaged file is refused before anything is written to it, even when
// it is not yet in WAL mode (switching would write its header).
func TestDamagedFileIsNotWritten(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bc.db")
	l, err := Open(t.Context(), "test", path, "NORMAL")
	require.NoError(t, err)
	for _, q := range []string{"CREATE TABLE t(x)", "INSERT INTO t VALUES (1)", "PRAGMA journal_mode = DELETE"} {
		_, err = l.Exec(t.Context(), q)
		require.NoError(t, err)
	}
	require.NoError(t, l.Close())
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	_, err = f.WriteAt(bytes.Repeat([]byte{0x5a}, 4096), 65536) // page 2, t's root
	require.NoError(t, err)
	require.NoError(t, f.Close())
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	_, err = Open(t.Context(), "test", path, "NORMAL")
	require.EqualError(t, err, "test: the database file is damaged (SQLite's quick_check failed) and was not written to: restore it from a backup, or move it aside to sync afresh")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, sha256.Sum256(before), sha256.Sum256(after))
}
