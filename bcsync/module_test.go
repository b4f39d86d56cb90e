package bcsync_test

import (
	"bytes"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// TestAProgramOutsideTheRepositoryRunsASync proves the module can be used
// the way a service uses it: testdata/outside is copied into a module of
// its own in a temporary directory (no go.work, only `replace` lines
// pointing at this checkout, as a user's go.mod would before a release
// tag), its dependencies are resolved by `go mod tidy`, and it is run. It
// needs the Go toolchain and the module cache the other tests already use.
func TestAProgramOutsideTheRepositoryRunsASync(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program in a module of its own")
	}
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command must be on PATH")
	here, err := os.Getwd()
	require.NoError(t, err)
	repo := filepath.Dir(here)

	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "outside", "main.go"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644))
	gomod := "module example.com/outside\n\ngo 1.26.0\n\n" +
		"require github.com/bcsdk/bc/bcsync v0.0.0\n\n" +
		"replace (\n" +
		"\tgithub.com/bcsdk/bc => " + repo + "\n" +
		"\tgithub.com/bcsdk/bc/bcsync => " + here + "\n" +
		")\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))

	goCmd := func(args ...string) string {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		// GOWORK=off: the repository's go.work must not be what makes it
		// build. -mod=mod lets tidy write go.sum.
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "go %s: %s", strings.Join(args, " "), stderr.String())
		return stdout.String()
	}
	goCmd("mod", "tidy")
	db := filepath.Join(dir, "bc.db")
	out := goCmd("run", ".", db)

	require.Equal(t, "status ok\ncustomers 120\nitems 80\n", out)

	// The rows are in the file the program wrote, not only in its report.
	conn, err := sql.Open("sqlite", db)
	require.NoError(t, err)
	defer conn.Close()
	for table, want := range map[string]int{"customers": 120, "items": 80, "companies": 1} {
		var n int
		require.NoError(t, conn.QueryRow(`SELECT count(*) FROM "`+table+`"`).Scan(&n))
		require.Equal(t, want, n, table)
	}
}
