package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// requireNoSecrets fails if any of secrets appears in text or in any file
// under dir.
func requireNoSecrets(t *testing.T, what, text, dir string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		require.NotContains(t, text, s, "%s leaks a secret", what)
	}
	if dir == "" {
		return
	}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			require.False(t, bytes.Contains(b, []byte(s)), "%s holds a secret after %s", path, what)
		}
		return nil
	}))
}

// TestSecretsNeverLeak runs the sync at debug level with a known secret
// through success and every failure path, and looks for the secret and
// every token the fake issued in stdout, stderr (the logs and the error
// messages) and everything written to disk.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const secret = "S3cr3t~Value.Never+Logged/=="
	const wrongSecret = "Wr0ng~Secret.Also+Private/=="
	const dsnPassword = "pg-Passw0rd-Private"
	// dsn is BC_OUT in the steps about the command's own surface: help,
	// bad input and the doctor must not show its password either.
	const envDSNPassword = "pw-XYZ-Private"
	dsn := "postgres://u:" + envDSNPassword + "@127.0.0.1:1/bc"
	withDSN := func(more ...string) map[string]string {
		env := map[string]string{"BC_OUT": dsn}
		for i := 0; i+1 < len(more); i += 2 {
			env[more[i]] = more[i+1]
		}
		return env
	}
	srv := bctest.NewServer(bctest.WithDemo(bctest.DemoConfig{Seed: 3, Companies: 2, GLEntries: 300}),
		bctest.WithCredentials(bctest.TenantID, bctest.ClientID, secret),
		bctest.WithFaults(mixedFaults(12, 0.05)))
	t.Cleanup(srv.Close)
	h := newHarness(t)
	h.srv = srv
	h.env["BC_CLIENT_SECRET"] = secret
	h.env["BC_BASE_URL"], h.env["BC_TOKEN_URL"] = srv.BaseURL(), srv.TokenURL()
	h.env["BC_LOG_LEVEL"] = "debug"
	h.env["BC_RETRY_DELAY"] = "1ms"
	sqliteOut, jsonlOut := h.sqlite("s.db"), "jsonl:"+filepath.Join(h.dir, "s")

	type step struct {
		name  string
		setup func()
		env   map[string]string
		args  []string
		code  int
		help  bool // the run prints --help
	}
	broken := bctest.DefaultApp()
	broken.Registered = false
	denied := bctest.DefaultApp()
	denied.DeniedSets = []string{"generalLedgerEntries"}
	steps := []step{
		{name: "full sync to SQLite", args: []string{"--profile", "finance", "--out", sqliteOut}},
		{name: "full sync to JSON Lines", args: []string{"--profile", "finance", "--out", jsonlOut}},
		{name: "incremental sync", args: []string{"--profile", "finance", "--out", sqliteOut, "--reconcile"}},
		{name: "wrong secret", env: map[string]string{"BC_CLIENT_SECRET": wrongSecret}, args: []string{"--out", sqliteOut}, code: 2},
		{name: "app not registered in BC", setup: func() { srv.SetApp(broken) }, args: []string{"--out", sqliteOut}, code: 2},
		{name: "a set not permitted", setup: func() { srv.SetApp(denied) }, args: []string{"--profile", "finance", "--out", sqliteOut}, code: 1},
		{name: "BC unavailable", setup: func() {
			srv.SetApp(bctest.DefaultApp())
			srv.SetFaults(bctest.Faults{Seed: 1, Unavailable: 1, RetryAfter: time.Millisecond})
		}, args: []string{"--out", sqliteOut}, code: 2},
		{name: "tokens expire mid-run", setup: func() { srv.SetFaults(bctest.Faults{}); srv.ExpireTokensAfter(40) },
			args: []string{"--profile", "finance", "--out", jsonlOut, "--full"}},
		{name: "PostgreSQL with no server", args: []string{"--out", "postgres://sync:" + dsnPassword + "@127.0.0.1:1/bc"}, code: 2},
		{name: "doctor", args: []string{"--doctor"}},
		{name: "doctor as JSON with a wrong secret", env: map[string]string{"BC_CLIENT_SECRET": wrongSecret}, args: []string{"--doctor", "--json"}, code: 1},
		{name: "--help", env: withDSN(), args: []string{"--help"}, help: true},
		{name: "-h after the secret as a flag", env: withDSN(), args: []string{"--client-secret", wrongSecret, "-h"}, help: true},
		{name: "--version", env: withDSN(), args: []string{"--version"}, code: 2},
		{name: "a bad flag value", env: withDSN(), args: []string{"--concurrency", "0"}, code: 2},
		{name: "a misspelt secret flag", env: withDSN(), args: []string{"--client-secrett=" + wrongSecret}, code: 2},
		{name: "a bad --out", args: []string{"--out", "postgres://u:" + envDSNPassword + "@127.0.0.1:notaport/bc"}, code: 2},
		{name: "a bad BC_OUT", env: withDSN("BC_OUT", "postgres://u:"+envDSNPassword+"@[::1/bc"), code: 2},
		{name: "PostgreSQL from BC_OUT with no server", env: withDSN(), code: 2},
		{name: "unknown company", env: withDSN(), args: []string{"--companies", "Nobody Ltd", "--out", sqliteOut}, code: 2},
		{name: "doctor as JSON with BC_OUT and a wrong secret", env: withDSN("BC_CLIENT_SECRET", wrongSecret), args: []string{"--doctor", "--json"}, code: 1},
	}
	for _, st := range steps {
		if st.setup != nil {
			st.setup()
		}
		hh := *h
		hh.env = map[string]string{}
		for k, v := range h.env {
			hh.env[k] = v
		}
		for k, v := range st.env {
			hh.env[k] = v
		}
		r := hh.run(st.args...)
		require.Equal(t, st.code, r.code, "%s: %s", st.name, r.stderr)
		secrets := append([]string{secret, wrongSecret, dsnPassword, envDSNPassword}, srv.IssuedTokens()...)
		requireNoSecrets(t, st.name, r.stdout+r.stderr, h.dir, secrets)
		if st.help {
			// Help still lists the flags, the secret's without a value.
			require.Contains(t, r.stderr+r.stdout, "\n  --client-secret string\n        the client secret's Value; prefer the environment variable (env BC_CLIENT_SECRET)\n", st.name)
			require.Contains(t, r.stderr+r.stdout, "\n  --out dest\n        destination: sqlite:PATH, postgres://…, or jsonl:DIR (default sqlite:bc.db; env BC_OUT)\n", st.name)
		}
	}
	require.NotEmpty(t, srv.IssuedTokens())
	require.Positive(t, srv.Stats().ExpiredTokens)
}
