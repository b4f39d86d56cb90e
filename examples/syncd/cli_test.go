package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func runSyncd(t *testing.T, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(string) string { return "" }, &out, &errb)
	return code, out.String(), errb.String()
}

// TestTenantsCommands adds, lists, runs, disables and shows a tenant, and
// checks the one line of each bad input.
func TestTenantsCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "jobs.db")
	store := "sqlite:" + filepath.Join(dir, "c.db")

	code, _, stderr := runSyncd(t, "tenants", "add", "--db", db, "--name", "c", "--tenant", "t", "--client-id", "id", "--secret-ref", "my-secret-value", "--store", store)
	require.Equal(t, exitFailed, code)
	require.Equal(t, "syncd tenants add: the secret reference is not env:NAME, file:PATH or a provider's scheme:NAME (the registry never holds the secret itself)\n", stderr)

	code, stdout, stderr := runSyncd(t, "tenants", "add", "--db", db, "--name", "c", "--tenant", "t", "--client-id", "id", "--secret-ref", "env:C_SECRET", "--store", store)
	require.Equal(t, exitOK, code, stderr)
	require.Equal(t, "added c (Production, every 15m) storing in "+store+"\n", stdout)

	code, stdout, _ = runSyncd(t, "tenants", "list", "--db", db)
	require.Equal(t, exitOK, code)
	require.Equal(t, []string{"NAME  ENABLED  ENVIRONMENT  PRINCIPAL  SECRET        PROFILE  EVERY  STORE", "c     true     Production   t/id       env:C_SECRET  mosaic   15m    " + store},
		strings.Split(strings.TrimSpace(stdout), "\n"))

	code, stdout, _ = runSyncd(t, "tenants", "run-now", "--db", db, "--name", "c")
	require.Equal(t, exitOK, code)
	require.Equal(t, "c: queued job 1\n", stdout)
	code, stdout, _ = runSyncd(t, "tenants", "run-now", "--db", db, "--name", "c")
	require.Equal(t, exitOK, code)
	require.Equal(t, "c: a sync is already queued or running (job 1)\n", stdout)

	code, _, stderr = runSyncd(t, "tenants", "run-now", "--db", db, "--name", "nobody")
	require.Equal(t, exitFailed, code)
	require.Equal(t, "syncd tenants run-now: unknown tenant \"nobody\": add it to the registry first\n", stderr)

	code, stdout, _ = runSyncd(t, "tenants", "disable", "--db", db, "--name", "c")
	require.Equal(t, exitOK, code)
	require.Equal(t, "disabled c\n", stdout)
	code, stdout, _ = runSyncd(t, "status", "--db", db)
	require.Equal(t, exitOK, code)
	require.Equal(t, []string{"TENANT  STATUS    LAST RUN  ROWS  DURATION  NEXT RUN  ATTENTION", "c       disabled  -         0     0s        -"},
		strings.Split(strings.TrimSpace(stdout), "\n"))

	code, _, stderr = runSyncd(t, "status", "--db", "sqlite:"+filepath.Join(dir, "missing", "jobs.db"))
	require.Equal(t, exitFailed, code)
	require.Equal(t, "syncd status: jobs database sqlite:"+filepath.Join(dir, "missing", "jobs.db")+": the directory "+filepath.Join(dir, "missing")+" does not exist; create it or choose another path\n", stderr)
}
