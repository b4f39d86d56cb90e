package main

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/examples/internal/cli/clitest"
	"github.com/stretchr/testify/require"
)

// TestBadFlagsAreOneLine: G/L counts are per company under their new
// names, the old names point to them, and contradictions are refused.
func TestBadFlagsAreOneLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--rows", "200000"}, "unknown flag --rows: it is called --gl-entries now (G/L entries per company, no longer over all companies)"},
		{[]string{"--client-rows", "1000"}, "unknown flag --client-rows: it is called --client-gl-entries now"},
		{[]string{"--base", "20ms"}, "unknown flag --base: it is called --latency now"},
		{[]string{"--json", "bench.json"}, `unexpected argument "bench.json" after --json, which is a switch and takes no value (bench --help lists the flags)`},
		{[]string{"--gl-entries", "0"}, `--gl-entries "0" must be a number of at least 1`},
		{[]string{"--companies", "x"}, `--companies "x" must be a number of at least 1`},
		{[]string{"--page-size", "30000"}, `--page-size "30000" must be a number from 1 to 20000`},
		{[]string{"--scale", "0"}, `--scale "0" must be a number above 0`},
		{[]string{"--change", "2"}, `--change "2" must be a fraction from 0 to 1`},
		{[]string{"--latency", "-1ms"}, `--latency "-1ms" must be a duration of at least 0, such as 20ms`},
		{[]string{"--client-gl-entries", "1e6"}, `--client-gl-entries "1e6" must be counts such as 1000000,5000000`},
		{[]string{"--skip-service", "--skip-client"}, "--skip-service and --skip-client together measure nothing: drop one"},
		{[]string{"--skip-service", "--gl-entries", "1000"}, "--gl-entries has no effect with --skip-service (those runs are skipped): drop --gl-entries, or drop --skip-service"},
		{[]string{"--skip-service", "--latency", "1ms"}, "--latency has no effect with --skip-service (those runs are skipped): drop --latency, or drop --skip-service"},
		{[]string{"--skip-client", "--client-gl-entries", "1000"}, "--client-gl-entries has no effect with --skip-client (those runs are skipped): drop --client-gl-entries, or drop --skip-client"},
		{[]string{"--skip-client", "--cpuprofile-dir", "prof"}, "--cpuprofile-dir has no effect with --skip-client (those runs are skipped): drop --cpuprofile-dir, or drop --skip-client"},
		{[]string{"--skip-client", "--postgres", "postgres://x"}, "--postgres has no effect with --skip-client (those runs are skipped): drop --postgres, or drop --skip-client"},
		{[]string{"--dir", "work", "--keep"}, "--keep has no effect with --dir (a directory you name is always kept): drop --keep, or drop --dir"},
	} {
		clitest.RequireRefused(t, "bench", func(args []string, stdout, stderr io.Writer) int {
			return run(t.Context(), args, stdout, stderr)
		}, tt.args, tt.want)
	}
}

// TestFlagsKeepTheirMeaning: counts are per company, as in the sync's
// --demo-gl-entries and fakebc's --gl-entries.
func TestFlagsKeepTheirMeaning(t *testing.T) {
	t.Parallel()
	o, err := parseFlags([]string{"--gl-entries", "1000", "--companies", "4", "--client-gl-entries", "10, 20", "--latency", "5ms", "--json"}, nil)
	require.NoError(t, err)
	require.Equal(t, 1000, o.glEntries)
	require.Equal(t, 4, o.companies)
	require.Equal(t, []int{10, 20}, o.clientGLEntries)
	require.Equal(t, 5*time.Millisecond, o.latency)
	require.True(t, o.json)
}

// TestQuickShrinksWhatIsNotGiven: --quick sets the work of a short run,
// but not over sizes given beside it.
func TestQuickShrinksWhatIsNotGiven(t *testing.T) {
	t.Parallel()
	o, err := parseFlags([]string{"--quick"}, nil)
	require.NoError(t, err)
	require.Equal(t, 10_000, o.glEntries)
	require.Equal(t, []int{100_000, 200_000}, o.clientGLEntries)
	o, err = parseFlags([]string{"--quick", "--gl-entries", "500", "--client-gl-entries", "7"}, nil)
	require.NoError(t, err)
	require.Equal(t, 500, o.glEntries)
	require.Equal(t, []int{7}, o.clientGLEntries)
}

// TestJSONGoesToStdout: --json is a switch like the sync's: the results as
// JSON on stdout, the table beside the progress on stderr.
func TestJSONGoesToStdout(t *testing.T) {
	t.Parallel()
	res := &Results{FloorSeconds: 1.5, RatioToFloor: 1.05, Details: Details{GLEntries: 1000, Companies: 3}}
	var stdout, stderr strings.Builder
	require.NoError(t, report(&stdout, &stderr, res, options{json: true, skipClient: true}))
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout.String()), &got), stdout.String())
	require.Equal(t, 1.5, got["floor_seconds"])
	require.Equal(t, 1000.0, got["details"].(map[string]any)["GLEntries"])
	require.Contains(t, stderr.String(), "ratio_to_floor")

	stdout.Reset()
	stderr.Reset()
	require.NoError(t, report(&stdout, &stderr, res, options{skipClient: true}))
	require.Contains(t, stdout.String(), "ratio_to_floor")
	require.Empty(t, stderr.String())
}

// TestTheSyncGetsNoBCVariables: the caller's BC_* settings would change what
// the child sync measures or contradict the flags the bench passes it.
func TestTheSyncGetsNoBCVariables(t *testing.T) {
	t.Parallel()
	env := childEnv([]string{"HOME=/root", "BC_RECONCILE=true", "BC_DEMO=true", "PATH=/bin", "BC_CLIENT_SECRET=users"}, "fake-secret")
	require.Equal(t, []string{"HOME=/root", "PATH=/bin", "BC_CLIENT_SECRET=fake-secret"}, env)
}

// TestDocsListEveryFlag compares the documented bench table with the code.
func TestDocsListEveryFlag(t *testing.T) {
	t.Parallel()
	var o options
	var clientGL string
	clitest.RequireDocumented(t, "../../docs/performance.md", "## Running the bench", flags(&o, &clientGL))
}

// TestVMHWM reads the peak from a /proc status file's line, in bytes.
func TestVMHWM(t *testing.T) {
	t.Parallel()
	status := "Name:\tbcsync\nVmPeak:\t  999999 kB\nVmHWM:\t   86016 kB\nVmRSS:\t   1024 kB\n"
	require.Equal(t, int64(86016)<<10, vmHWM([]byte(status)))
	require.Equal(t, int64(0), vmHWM([]byte("Name:\tbcsync\n")))
}
