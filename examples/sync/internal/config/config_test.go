package config

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/examples/internal/cli/clitest"
	"github.com/stretchr/testify/require"
)

// env is a getenv over a map.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// demoEnv runs without credentials, so only the flags under test matter.
var demoEnv = map[string]string{"BC_DEMO": "true"}

func help(t *testing.T, vars map[string]string) string {
	t.Helper()
	var out strings.Builder
	_, err := Parse([]string{"--help"}, env(vars), &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	return out.String()
}

// TestHelpShowsTypesAndTwoDashes: every flag is spelled --name as in the
// README, with its type (int, duration; none for a switch) and built-in
// default.
func TestHelpShowsTypesAndTwoDashes(t *testing.T) {
	t.Parallel()
	out := help(t, nil)
	for _, want := range []string{
		"usage: sync [flags]\n",
		"\n  --concurrency int\n        requests in flight (BC processes 5 at once per app) (default 5; env BC_CONCURRENCY)\n",
		"\n  --overlap duration\n        incremental reads re-read this much before the watermark, for late commits (default 10m; env BC_OVERLAP)\n",
		"\n  --full\n        ignore watermarks and read everything (env BC_FULL)\n",
		"\n  --split\n        split big sets into partitions read in parallel; --split=false reads each set as one chain of pages (default true; env BC_SPLIT)\n",
		"\n  --demo-gl-entries int\n        with --demo: G/L entries per company (generated on demand; millions are fine) (default 2000; env BC_DEMO_GL_ENTRIES)\n",
		"\n  --since date\n",
	} {
		require.Contains(t, out, want)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  -") {
			require.True(t, strings.HasPrefix(line, "  --"), "spelled --flag: %q", line)
		}
	}
}

// TestHelpNeverShowsSecrets: values from the environment used to become
// the defaults help printed, secret and DSN password included.
func TestHelpNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	out := help(t, map[string]string{
		"BC_CLIENT_SECRET": "Xy7~s3cr3t-value",
		"BC_OUT":           "postgres://sync:pg-pa55word@db.example.com/bc",
		"BC_TENANT":        "contoso.onmicrosoft.com",
	})
	require.NotContains(t, out, "Xy7~s3cr3t-value")
	require.NotContains(t, out, "pg-pa55word")
	require.NotContains(t, out, "db.example.com")
	require.Contains(t, out, "(default sqlite:bc.db; env BC_OUT)")
}

// TestDocsListEveryFlag compares the documented flag table with the code:
// same flags, order, types and defaults.
func TestDocsListEveryFlag(t *testing.T) {
	t.Parallel()
	var companies, entities string
	fs := (&Config{}).flags(nil, &companies, &entities)
	clitest.RequireDocumented(t, "../../../../docs/sync.md", "## Flags", fs)
}

// TestBadFlagsAreOneLine: unknown flags and missing values are spelled
// --name, with a hint.
func TestBadFlagsAreOneLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag --bogus (sync --help lists the flags)"},
		{[]string{"-bogus"}, "unknown flag --bogus (sync --help lists the flags)"},
		{[]string{"--concurency", "3"}, "unknown flag --concurency: did you mean --concurrency? (sync --help lists the flags)"},
		{[]string{"--tenant"}, "--tenant needs a value (string)"},
		{[]string{"--tenant", "--client-id", "x"}, "--tenant needs a value, but --client-id follows it"},
		{[]string{"--split", "false"}, `unexpected argument "false" after --split: a switch takes a value only as --split=false`},
		{[]string{"--full", "yes"}, `unexpected argument "yes" after --full, which is a switch and takes no value (sync --help lists the flags)`},
		{[]string{"finance"}, `unexpected argument "finance": sync takes only flags (sync --help lists them)`},
	} {
		_, err := Parse(tt.args, env(demoEnv), nil)
		require.EqualError(t, err, tt.want, "%q", tt.args)
	}
}

// TestBadValuesNameTheFlagOrTheVariable: typed flags keep their range
// checks, and a bad value from the environment names the variable.
func TestBadValuesNameTheFlagOrTheVariable(t *testing.T) {
	t.Parallel()
	const conc = "must be a number from 1 to 100 (BC processes 5 requests at once per app)"
	for _, tt := range []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"--concurrency", "abc"}, nil, `--concurrency "abc" ` + conc},
		{[]string{"--concurrency", "0"}, nil, `--concurrency "0" ` + conc},
		{nil, map[string]string{"BC_CONCURRENCY": "abc"}, `BC_CONCURRENCY "abc" ` + conc},
		{nil, map[string]string{"BC_CONCURRENCY": "101"}, `BC_CONCURRENCY "101" ` + conc},
		{[]string{"--page-size", "20001"}, nil, `--page-size "20001" must be a number from 1 to 20000 (BC's largest page)`},
		{nil, map[string]string{"BC_PAGE_SIZE": "5k"}, `BC_PAGE_SIZE "5k" must be a number from 1 to 20000 (BC's largest page)`},
		{[]string{"--overlap", "-1s"}, nil, `--overlap "-1s" must be a duration such as 10m`},
		{nil, map[string]string{"BC_OVERLAP": "ten minutes"}, `BC_OVERLAP "ten minutes" must be a duration such as 10m`},
		{[]string{"--retry-delay", "fast"}, nil, `--retry-delay "fast" must be a duration such as 500ms`},
		{[]string{"--poll", "0s"}, nil, `--poll "0s" must be a positive duration such as 15m`},
		{nil, map[string]string{"BC_DEBOUNCE": "2"}, `BC_DEBOUNCE "2" must be a positive duration such as 2s`},
		{[]string{"--demo-gl-entries", "0"}, nil, `--demo-gl-entries "0" must be a number of at least 1`},
		{nil, map[string]string{"BC_DEMO_COMPANIES": "three"}, `BC_DEMO_COMPANIES "three" must be a number of at least 1`},
		{[]string{"--full=maybe"}, nil, `--full "maybe" must be true or false`},
		{nil, map[string]string{"BC_FULL": "yes"}, `BC_FULL "yes" must be true or false`},
		{nil, map[string]string{"BC_SPLIT": "nope"}, `BC_SPLIT "nope" must be true or false`},
		{[]string{"--since", "yesterday"}, nil, `--since "yesterday" must be a date (2025-01-31) or an RFC 3339 time (2025-01-31T12:00:00Z)`},
		{nil, map[string]string{"BC_SINCE": "31.01.2025"}, `BC_SINCE "31.01.2025" must be a date (2025-01-31) or an RFC 3339 time (2025-01-31T12:00:00Z)`},
		{[]string{"--profile", "everything"}, nil, `--profile "everything" must be mosaic, finance or all`},
		{nil, map[string]string{"BC_PROFILE": "Finance"}, `BC_PROFILE "Finance" must be mosaic, finance or all`},
		{[]string{"--log-format", "xml"}, nil, `--log-format "xml" must be text or json`},
		{nil, map[string]string{"BC_LOG_LEVEL": "trace"}, `BC_LOG_LEVEL "trace" must be debug, info, warn or error`},
	} {
		vars := map[string]string{"BC_DEMO": "true"}
		for k, v := range tt.vars {
			vars[k] = v
		}
		_, err := Parse(tt.args, env(vars), nil)
		require.EqualError(t, err, tt.want, "%q %v", tt.args, tt.vars)
		var u *UsageError
		require.ErrorAs(t, err, &u)
	}
}

// TestTypedValuesComeFromFlagsOrTheEnvironment: a flag wins over its
// variable, even over a malformed one.
func TestTypedValuesComeFromFlagsOrTheEnvironment(t *testing.T) {
	t.Parallel()
	c, err := Parse([]string{"--concurrency", "3"}, env(map[string]string{"BC_DEMO": "true", "BC_CONCURRENCY": "abc",
		"BC_OVERLAP": "1h", "BC_SPLIT": "false", "BC_PAGE_SIZE": "20000", "BC_DEMO_GL_ENTRIES": "10", "BC_SINCE": "2025-01-31"}), nil)
	require.NoError(t, err)
	require.Equal(t, 3, c.Concurrency)
	require.Equal(t, time.Hour, c.Overlap)
	require.False(t, c.Split)
	require.Equal(t, 20000, c.PageSize)
	require.Equal(t, 10, c.DemoGLEntries)
	require.Equal(t, time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC), c.Since)

	c, err = Parse([]string{"--demo"}, env(nil), nil)
	require.NoError(t, err)
	require.Equal(t, bctest.DefaultDemo().GLEntries, c.DemoGLEntries)
	require.Equal(t, bctest.DefaultDemo().Companies, c.DemoCompanies)
	require.True(t, c.Split)
	require.Equal(t, 5, c.Concurrency)
}

// TestEnvironmentValuesThatDoNotApplyAreIgnored: settings the environment
// holds for other runs do not stop this one, and neither do flags set to
// their defaults.
func TestEnvironmentValuesThatDoNotApplyAreIgnored(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		args []string
		vars map[string]string
	}{
		{"credentials while trying the demo", []string{"--demo"}, map[string]string{"BC_TENANT": "contoso.onmicrosoft.com",
			"BC_CLIENT_ID": "0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f0", "BC_CLIENT_SECRET": "s3cret", "BC_ENVIRONMENT": "Sandbox",
			"BC_BASE_URL": "https://bc.example.com/v2.0"}},
		{"JSON for the doctor", []string{"--demo"}, map[string]string{"BC_JSON": "true"}},
		{"a watcher's settings", []string{"--demo"}, map[string]string{"BC_LISTEN": ":8443", "BC_PUBLIC_URL": "https://x.example.com", "BC_POLL": "1m"}},
		{"demo sizes", []string{"--demo=false", "--tenant", "contoso.onmicrosoft.com", "--client-id", "0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f1"},
			map[string]string{"BC_CLIENT_SECRET": "s3cret", "BC_DEMO_GL_ENTRIES": "100000"}},
		{"sync settings for the doctor", []string{"--doctor"}, map[string]string{"BC_DEMO": "true", "BC_OUT": "jsonl:out", "BC_LOG_FORMAT": "json", "BC_FULL": "true", "BC_WATCH": "true"}},
		{"a full read with a since in the environment", []string{"--full"}, map[string]string{"BC_DEMO": "true", "BC_SINCE": "2025-01-01", "BC_MARK_DELETED": "true"}},
		{"defaults typed out", []string{"--demo", "--environment", "Production", "--split=true", "--json=false", "--log-level", "info", "--quiet"}, nil},
		{"overlap for the watch's incremental rounds", []string{"--demo", "--full", "--overlap", "1h", "--watch", "--listen", ":0", "--public-url", "http://127.0.0.1/bc"}, nil},
		{"mark deleted while watching", []string{"--demo", "--mark-deleted", "--watch", "--listen", ":0", "--public-url", "http://127.0.0.1/bc"}, nil},
		{"quiet at error level", []string{"--demo", "--quiet", "--log-level", "error"}, nil},
	} {
		_, err := Parse(tt.args, env(tt.vars), nil)
		require.NoError(t, err, tt.name)
	}
}
