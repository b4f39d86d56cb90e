package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/stretchr/testify/require"
)

// TestOpenRefuses checks the one line of each jobs database that cannot be
// used; a password never appears in it.
func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "jobs.db")
	for _, c := range []struct{ dsn, want string }{
		{"", "no jobs database: write sqlite:PATH (e.g. sqlite:syncd.db) or postgres://USER:PASSWORD@HOST:PORT/DATABASE"},
		{"sqlite:", "sqlite: needs a file path: write sqlite:PATH (e.g. sqlite:syncd.db) or postgres://USER:PASSWORD@HOST:PORT/DATABASE"},
		{"mysql://u:hunter2@h/db", "jobs database mysql:…: unknown kind: write sqlite:PATH (e.g. sqlite:syncd.db) or postgres://USER:PASSWORD@HOST:PORT/DATABASE"},
		{"postgres://u:hunter2@127.0.0.1:99999/db", "jobs database postgres://u:xxxxx@127.0.0.1:99999/db: not a valid PostgreSQL URL: write sqlite:PATH (e.g. sqlite:syncd.db) or postgres://USER:PASSWORD@HOST:PORT/DATABASE"},
		{"sqlite:" + missing, "jobs database sqlite:" + missing + ": the directory " + filepath.Dir(missing) + " does not exist; create it or choose another path"},
	} {
		_, err := jobs.Open(t.Context(), c.dsn)
		require.EqualError(t, err, c.want, "dsn %q", c.dsn)
	}
}

// TestOpenUnreachablePostgres names the database, without its password,
// and what pgx found, in one line.
func TestOpenUnreachablePostgres(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := jobs.Open(ctx, "postgres://bcsync:hunter2@127.0.0.1:1/jobs?connect_timeout=5")
	require.Error(t, err)
	require.Regexp(t, `^jobs database postgres://bcsync:xxxxx@127.0.0.1:1/jobs\?connect_timeout=5: failed to connect to .*127.0.0.1.*connection refused$`, err.Error())
	require.NotContains(t, err.Error(), "hunter2")
}

// TestSecrets resolves each kind of reference and checks the errors, which
// name the reference and never a value.
func TestSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(file, []byte("  from-file\n"), 0o600))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	s := jobs.Secrets{
		Getenv: envMap{"BC_SECRET": "from-env"}.get,
		Providers: map[string]jobs.SecretProvider{"vault": jobs.SecretFunc(func(_ context.Context, ref string) (string, error) {
			if ref == "vault:bc" {
				return "from-vault", nil
			}
			return "", os.ErrNotExist
		})},
	}
	for _, c := range []struct{ ref, want, err string }{
		{ref: "env:BC_SECRET", want: "from-env"},
		{ref: "file:" + file, want: "from-file"},
		{ref: "vault:bc", want: "from-vault"},
		{ref: "env:NOPE", err: "secret env:NOPE: the environment variable NOPE is not set or empty"},
		{ref: "file:" + empty, err: "secret file:" + empty + ": " + empty + " is empty"},
		{ref: "vault:other", err: "secret vault:other: file does not exist"},
		{ref: "kv:x", err: `secret kv:x: no provider for the scheme "kv" (built in: env, file)`},
		{ref: "s3cr3t~value", err: "the secret reference is not env:NAME, file:PATH or a provider's scheme:NAME (the registry never holds the secret itself)"},
	} {
		got, err := s.Resolve(t.Context(), c.ref)
		if c.err != "" {
			require.EqualError(t, err, c.err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, c.want, got)
	}
}

type envMap map[string]string

func (m envMap) get(k string) string { return m[k] }
