package record

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// fakeTB records what Fixture does to a test: failures, logs, cleanups.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	failed   bool
	msgs     []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) add(fail bool, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = f.failed || fail
	f.msgs = append(f.msgs, msg)
}

func (f *fakeTB) Logf(format string, args ...any)   { f.add(false, fmt.Sprintf(format, args...)) }
func (f *fakeTB) Error(args ...any)                 { f.add(true, fmt.Sprint(args...)) }
func (f *fakeTB) Errorf(format string, args ...any) { f.add(true, fmt.Sprintf(format, args...)) }
func (f *fakeTB) Fatal(args ...any)                 { f.add(true, fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.add(true, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) Skipped() bool { return false }

func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

// run runs body as a test would (Fatal ends it), then the cleanups, and
// returns the messages.
func (f *fakeTB) run(body func(testing.TB)) []string {
	inGoroutine := func(fn func()) {
		done := make(chan struct{})
		go func() { defer close(done); fn() }()
		<-done
	}
	inGoroutine(func() { body(f) })
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		inGoroutine(f.cleanups[i])
	}
	return f.msgs
}

// redirect sends every request to srv through base (default
// http.DefaultTransport), as a proxy in front of it would, keeping the Host
// header: the tests record "BC online" and "Entra" without the network.
type redirect struct {
	srv  *url.URL
	base http.RoundTripper
}

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = r.srv.Scheme, r.srv.Host, req.URL.Host
	out.Header.Set("X-Forwarded-Proto", req.URL.Scheme)
	if r.base == nil {
		return http.DefaultTransport.RoundTrip(out)
	}
	return r.base.RoundTrip(out)
}

// sessionProxy starts the session server and returns a transport that plays
// BC online and Entra with it.
func sessionProxy(t *testing.T) redirect {
	t.Helper()
	u, err := url.Parse(sessionServer(t).URL)
	require.NoError(t, err)
	return redirect{srv: u}
}

func envOf(vars map[string]string, dir string, base http.RoundTripper) fixtureEnv {
	return fixtureEnv{getenv: func(k string) string { return vars[k] }, dir: dir, base: base}
}

var recordVars = map[string]string{
	"BC_TEST_MODE": "record", "BC_TENANT": sessTenant, "BC_CLIENT_ID": sessClient,
	"BC_CLIENT_SECRET": sessSecret, "BC_ENVIRONMENT": "Sandbox-Fixtures",
}

// TestFixtureRecordThenReplay records the session through FixtureClient in
// record mode against "BC online" (the session server behind a proxy), which
// must give exactly the golden file, then replays it in the default mode.
func TestFixtureRecordThenReplay(t *testing.T) {
	t.Parallel()
	proxy := sessionProxy(t)
	dir := t.TempDir()

	rec := &fakeTB{}
	msgs := rec.run(func(tb testing.TB) {
		c := fixtureClient(tb, "TestSession/first", envOf(recordVars, dir, proxy), nil)
		require.Equal(t, "https://api.businesscentral.dynamics.com/v2.0/"+sessTenant+"/Sandbox-Fixtures", c.ServiceRoot())
		_, err := runSession(t.Context(), c, "")
		require.NoError(t, err)
	})
	path := filepath.Join(dir, "TestSession", "first.json")
	require.False(t, rec.Failed(), "%q", msgs)
	require.Equal(t, []string{"bctest: recorded " + path + "; review it before committing"}, msgs)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	want, err := os.ReadFile(sessionGolden)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))

	rep := &fakeTB{}
	msgs = rep.run(func(tb testing.TB) {
		c := fixtureClient(tb, "TestSession/first", envOf(map[string]string{}, dir, nil), nil)
		require.Equal(t, FakeBaseURL+"/"+FakeTenantID+"/"+FakeEnvironment, c.ServiceRoot())
		_, err := runSession(t.Context(), c, "")
		require.NoError(t, err)
	})
	require.Empty(t, msgs)
	require.False(t, rep.Failed())
}

func TestFixtureLive(t *testing.T) {
	t.Parallel()
	proxy := sessionProxy(t)
	vars := map[string]string{"BC_TEST_MODE": "LIVE"}
	for k, v := range recordVars {
		if k != "BC_TEST_MODE" {
			vars[k] = v
		}
	}
	dir := t.TempDir()
	tb := &fakeTB{}
	msgs := tb.run(func(tb testing.TB) {
		_, err := runSession(t.Context(), fixtureClient(tb, "TestLive", envOf(vars, dir, proxy), nil), "")
		require.NoError(t, err)
	})
	require.Empty(t, msgs)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "live mode records nothing")
}

// TestFixtureReplayReportsUnused: a test that stops making some of the
// recorded requests fails, and says which.
func TestFixtureReplayReportsUnused(t *testing.T) {
	t.Parallel()
	tb := &fakeTB{}
	msgs := tb.run(func(tb testing.TB) {
		c := fixtureClient(tb, "TestRecordReplaySession", envOf(map[string]string{"BC_TEST_MODE": "playback"}, filepath.Dir(sessionGolden), nil), nil)
		_, err := c.Companies().List(nil).Collect(t.Context())
		require.NoError(t, err)
		_, err = sets.For(c.Company(sessCompany)).Items().List(nil).Collect(t.Context())
		require.Error(t, err)
	})
	require.True(t, tb.Failed())
	require.Len(t, msgs, 2)
	require.True(t, strings.HasPrefix(msgs[0], "bctest: 1 requests had no recorded answer:\nbctest: no exchange recorded in "+sessionGolden+
		" matches GET https://bc.invalid/v2.0/"+FakeTenantID+"/sandbox/api/v2.0/companies(00000000-0000-0000-c0c0-39c6ad03aa84)/items;"), msgs[0])
	require.True(t, strings.HasPrefix(msgs[1], "bctest: the test no longer makes 6 recorded requests of "+sessionGolden+
		"; re-record it with BC_TEST_MODE=record:\n#3 GET https://bc.invalid/"), msgs[1])
}

func TestFixtureRefusals(t *testing.T) {
	t.Parallel()
	prod := map[string]string{}
	for k, v := range recordVars {
		prod[k] = v
	}
	prod["BC_ENVIRONMENT"] = "Production-EU"
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"no recording", map[string]string{}, "bctest: no recording " + filepath.Join("none", "TestX_y.json") +
			": record it with BC_TEST_MODE=record (see the doc of bctest.Fixture)"},
		{"unknown mode", map[string]string{"BC_TEST_MODE": "rec"}, `bctest: BC_TEST_MODE="rec": use replay (the default), record or live`},
		{"missing credentials", map[string]string{"BC_TEST_MODE": "record", "BC_TENANT": sessTenant},
			"bctest: BC_TEST_MODE=record needs BC_ENVIRONMENT, BC_CLIENT_ID, BC_CLIENT_SECRET; see the doc of bctest.Fixture"},
		{"production", prod, `bctest: BC_TEST_MODE=record refuses the environment "Production-EU": record and run live tests against a sandbox, never production`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tb := &fakeTB{}
			reached := false
			msgs := tb.run(func(tb testing.TB) {
				fixture(tb, "TestX y", envOf(tc.vars, "none", nil))
				reached = true
			})
			require.False(t, reached, "Fatal ends the test")
			require.Equal(t, []string{tc.want}, msgs)
		})
	}
}

func TestFixtureName(t *testing.T) {
	t.Parallel()
	require.Equal(t, "TestA/sub_case_1", fixtureName("TestA/sub case#1"))
	require.Equal(t, "x/_/y", fixtureName("/x/../y/"))
}

func TestFixtureRecordFailedTestSavesNothing(t *testing.T) {
	t.Parallel()
	proxy := sessionProxy(t)
	dir := t.TempDir()
	tb := &fakeTB{}
	msgs := tb.run(func(tb testing.TB) {
		c := fixtureClient(tb, "TestFailing", envOf(recordVars, dir, proxy), nil)
		_, err := c.Companies().List(nil).Collect(t.Context())
		require.NoError(t, err)
		tb.Errorf("the test failed")
	})
	require.Equal(t, []string{"the test failed", "bctest: not saving the recording " + filepath.Join(dir, "TestFailing.json") + " of a failed or skipped test"}, msgs)
	require.NoFileExists(t, filepath.Join(dir, "TestFailing.json"))
}
