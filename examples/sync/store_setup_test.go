package main

import (
	"bytes"
	"crypto/sha256"
	"os"
	"strings"
	"testing"

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
// way a bad disk or a stray write would (8 KB overwritten at offset 8192):
// the next sync exits 2 with one line saying what to do, and the file's
// bytes are unchanged — no run was recorded in it.
func TestDamagedSQLiteIsRefusedAndLeftAlone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("bc.db")
	path := strings.TrimPrefix(dest, "sqlite:")
	r := h.run("--entities", "customers,vendors", "--out", dest)
	require.Equal(t, 0, r.code, r.stderr)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	_, err = f.WriteAt(bytes.Repeat([]byte{0x5a}, 8192), 8192)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	before := fileHash(t, path)

	r = h.run("--entities", "customers,vendors", "--out", dest)
	require.Equal(t, exitSetup, r.code, r.stderr)
	require.Equal(t, []string{"sync: --out: " + dest + ": the database file is damaged (SQLite's quick_check failed) and was not written to: restore it from a backup, or move it aside to sync afresh"},
		lines(r.stderr))
	require.Equal(t, before, fileHash(t, path), "the damaged file is left as it was")
}
