package store_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	_ "github.com/bcsdk/bc/bcsync/store/jsonl"
	_ "github.com/bcsdk/bc/bcsync/store/sqlite"
	"github.com/stretchr/testify/require"
)

// TestStoreFilesAreOwnerOnly: under the usual umask 022, the SQLite file
// with its -wal and -shm, the JSONL directory, its .sync state and lock are
// created 0600 (files) and 0700 (directories): they hold business data.
// Not parallel: the umask is the process's.
func TestStoreFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	for _, dest := range []string{"sqlite:" + filepath.Join(dir, "db", "bc.db"), "jsonl:" + filepath.Join(dir, "j")} {
		st, err := store.New(dest)
		require.NoError(t, err)
		require.NoError(t, st.Open(t.Context()))
		defer st.Close()
	}
	for path, want := range map[string]os.FileMode{
		"db": 0o700 | os.ModeDir, "db/bc.db": 0o600, "db/bc.db-wal": 0o600, "db/bc.db-shm": 0o600,
		"j": 0o700 | os.ModeDir, "j/.sync": 0o700 | os.ModeDir, "j/.sync/lock": 0o600, "j/.sync/state.db": 0o600,
	} {
		fi, err := os.Stat(filepath.Join(dir, path))
		require.NoError(t, err)
		require.Equal(t, want, fi.Mode(), path)
	}
}
