package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
)

const testToken = "page-token-0123456789abcdef"

// webBackends are the jobs databases the HTTP side is tested on.
var webBackends = []struct {
	name string
	dsn  func(testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "jobs.db") }},
	{"postgres", storetest.PostgresDSN},
}

// newWeb opens a migrated jobs database with one tenant and one queued
// job, and serves its HTTP side (River not started) guarded by token.
func newWeb(t *testing.T, dsn, token string) *httptest.Server {
	ctx := t.Context()
	db, err := openDB(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	tn := jobs.Tenant{Name: "contoso", EntraTenant: "contoso.onmicrosoft.com", ClientID: "app-1", SecretRef: "env:CONTOSO_SECRET",
		Environment: "Production", Profile: "mosaic", Every: time.Hour, Store: "sqlite:" + filepath.Join(t.TempDir(), "c.db"), Enabled: true}
	require.NoError(t, db.Registry().Add(ctx, tn))
	client, err := jobs.NewClient(jobs.Config{DB: db}, river.Config{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = client.Insert(ctx, jobs.SyncArgs(tn), nil)
	require.NoError(t, err)
	reg, _, err := newMetrics(db)
	require.NoError(t, err)
	wb := &web{db: db, reg: reg, logger: slog.New(slog.DiscardHandler), refresh: pageRefresh}
	h, err := wb.handler(ctx, client, token)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// get fetches path with edit applied to the request; it returns the
// status and body.
func get(t *testing.T, srv *httptest.Server, path string, edit func(*http.Request)) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	if edit != nil {
		edit(req)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	for _, vs := range res.Header {
		for _, v := range vs {
			require.NotContains(t, v, testToken)
		}
	}
	require.NotContains(t, string(body), testToken)
	return res.StatusCode, string(body)
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func basic(user, pass string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

// TestWebAuth: without a token the page answers loopback names only; with
// one, every path answers 401 unless the request carries it, as a bearer
// token or a basic-auth password.
func TestWebAuth(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "jobs.db")
	open := newWeb(t, dsn, "")
	for _, path := range []string{"/", "/metrics", "/riverui/", "/riverui/api/jobs?state=available"} {
		code, _ := get(t, open, path, nil)
		require.Equal(t, http.StatusOK, code, path)
	}
	code, body := get(t, open, "/", func(r *http.Request) { r.Host = "attacker.example:8080" })
	require.Equal(t, http.StatusMisdirectedRequest, code)
	require.Equal(t, "421 this page answers only to localhost or a loopback address\n", body)
	code, _ = get(t, open, "/", func(r *http.Request) { r.Host = "localhost:8080" })
	require.Equal(t, http.StatusOK, code)

	guarded := newWeb(t, "sqlite:"+filepath.Join(t.TempDir(), "jobs.db"), testToken)
	for _, path := range []string{"/", "/metrics", "/riverui/", "/riverui/api/jobs?state=available"} {
		for name, c := range map[string]struct {
			edit func(*http.Request)
			want int
		}{
			"none":               {nil, http.StatusUnauthorized},
			"wrong bearer":       {bearer(testToken[:len(testToken)-1] + "X"), http.StatusUnauthorized},
			"wrong basic":        {basic("ops", "guess-guess-guess-guess"), http.StatusUnauthorized},
			"token as user name": {basic(testToken, ""), http.StatusUnauthorized},
			"bearer":             {bearer(testToken), http.StatusOK},
			"basic":              {basic("ops", testToken), http.StatusOK},
		} {
			code, body := get(t, guarded, path, c.edit)
			require.Equal(t, c.want, code, "%s %s", path, name)
			if c.want == http.StatusUnauthorized {
				require.Equal(t, "401 unauthorized: give the page's token as the password, or as Authorization: Bearer\n", body)
			}
		}
	}
	// A bound address answers any Host once the token is given.
	code, _ = get(t, guarded, "/", func(r *http.Request) { r.Host = "syncd.internal:8080"; bearer(testToken)(r) })
	require.Equal(t, http.StatusOK, code)

	// River UI's POSTs (cancel, retry, delete) refuse other sites.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, open.URL+"/riverui/api/jobs/cancel", strings.NewReader(`{"ids":["1"]}`))
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
}

// TestServeRefusesExposedPage: a page bound beyond loopback needs a token,
// and a token that cannot be used is refused in a line that never quotes
// it.
func TestServeRefusesExposedPage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "jobs.db")
	short := filepath.Join(dir, "short")
	require.NoError(t, os.WriteFile(short, []byte("s3cr3t\n"), 0o600))
	for _, c := range []struct {
		args   []string
		env    map[string]string
		stderr string
	}{
		{[]string{"--http", "0.0.0.0:0"}, nil,
			"syncd serve: --http 0.0.0.0:0 is reachable from other machines: give a token with --http-token-file FILE (or SYNCD_HTTP_TOKEN), or bind a loopback address such as 127.0.0.1:8080\n"},
		{[]string{"--http", ":8080"}, nil,
			"syncd serve: --http :8080 is reachable from other machines: give a token with --http-token-file FILE (or SYNCD_HTTP_TOKEN), or bind a loopback address such as 127.0.0.1:8080\n"},
		{[]string{"--http", "0.0.0.0:0", "--http-token-file", filepath.Join(dir, "missing")}, nil,
			"syncd serve: --http-token-file: cannot read " + filepath.Join(dir, "missing") + ": no such file or directory\n"},
		{[]string{"--http-token-file", short}, nil,
			"syncd serve: the token of --http-token-file " + short + " is shorter than 16 characters: use a random one, e.g. openssl rand -hex 32\n"},
		{[]string{"--http", "0.0.0.0:0"}, map[string]string{tokenEnv: "s3cr3t"},
			"syncd serve: the token of SYNCD_HTTP_TOKEN is shorter than 16 characters: use a random one, e.g. openssl rand -hex 32\n"},
	} {
		var out, errb strings.Builder
		code := run(t.Context(), append([]string{"serve", "--db", db}, c.args...), func(k string) string { return c.env[k] }, &out, &errb)
		require.Equal(t, exitUsage, code, c.args)
		require.Equal(t, c.stderr, errb.String())
		require.NotContains(t, errb.String(), "s3cr3t")
	}
	var help strings.Builder
	require.Equal(t, exitOK, run(t.Context(), []string{"serve", "--help"}, func(string) string { return testToken }, &help, io.Discard))
	require.Contains(t, help.String(), "  --http addr\n        address of the page, River UI and /metrics; a non-loopback one needs a token; \"\" serves none (default 127.0.0.1:8080)\n")
	require.NotContains(t, help.String(), testToken)
}

// lines is an io.Writer handing each line written to it to a channel: the
// log of an in-process syncd serve.
type lines struct {
	w  *io.PipeWriter
	ch chan string
}

func newLines(t *testing.T) *lines {
	r, w := io.Pipe()
	l := &lines{w: w, ch: make(chan string, 10000)}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			l.ch <- sc.Text()
		}
		close(l.ch)
	}()
	t.Cleanup(func() { w.Close() })
	return l
}

func (l *lines) Write(p []byte) (int, error) { return l.w.Write(p) }

// waitFor returns the first line containing s (and every line before it),
// failing the test if the log ends first.
func (l *lines) waitFor(t *testing.T, s string, log *[]string) string {
	t.Helper()
	for line := range l.ch {
		*log = append(*log, line)
		if strings.Contains(line, s) {
			return line
		}
	}
	t.Fatalf("the log ended without %q:\n%s", s, strings.Join(*log, "\n"))
	return ""
}

// startServe runs syncd serve in this process until the test ends, and
// returns the page's URL and its log.
func serveInProcess(t *testing.T, env map[string]string, args ...string) (string, *lines, *[]string) {
	ctx, cancel := context.WithCancel(context.Background())
	l := newLines(t)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--http", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, io.Discard, l)
	}()
	t.Cleanup(func() {
		cancel()
		require.Equal(t, exitOK, <-done)
	})
	var log []string
	line := l.waitFor(t, `msg=page url=`, &log)
	url := strings.Fields(strings.SplitN(line, "url=", 2)[1])[0]
	return url, l, &log
}

// TestServePageWithToken serves a real syncd with a token file: the page
// asks for it, takes it, and the token is in no line of the log.
func TestServePageWithToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(file, []byte(testToken+"\n"), 0o600))
	url, _, log := serveInProcess(t, nil, "--db", "sqlite:"+filepath.Join(dir, "jobs.db"), "--http-token-file", file)
	require.Regexp(t, `^http://127\.0\.0\.1:\d+/$`, url)
	srv := &httptest.Server{URL: strings.TrimSuffix(url, "/")}
	code, _ := get(t, srv, "/", nil)
	require.Equal(t, http.StatusUnauthorized, code)
	code, body := get(t, srv, "/", basic("ops", testToken))
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `<p id="empty">No tenants yet`)
	require.Contains(t, strings.Join(*log, "\n"), `auth=token`)
	require.NotContains(t, strings.Join(*log, "\n"), testToken)
}

// TestServePortInUse: a page whose port is taken stops serve before any
// job starts, in one line naming the address.
func TestServePortInUse(t *testing.T) {
	t.Parallel()
	taken := httptest.NewServer(http.NotFoundHandler())
	defer taken.Close()
	addr := strings.TrimPrefix(taken.URL, "http://")
	var errb strings.Builder
	code := run(t.Context(), []string{"serve", "--db", "sqlite:" + filepath.Join(t.TempDir(), "jobs.db"), "--http", addr}, func(string) string { return "" }, io.Discard, &errb)
	require.Equal(t, exitFailed, code)
	require.Equal(t, "syncd serve: --http "+addr+": listen tcp "+addr+": bind: address already in use\n", errb.String())
}
