package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/bcsdk/bc/examples/internal/cli/clitest"
	"github.com/stretchr/testify/require"
)

// TestBadFlagsAreOneLine: bad input used to print the flag package's
// message and every flag's help, or (--companies 0, --gl-entries 0) to
// serve the default demo silently.
func TestBadFlagsAreOneLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag --bogus (fakebc --help lists the flags)"},
		{[]string{"--gl-entrie", "10"}, "unknown flag --gl-entrie: did you mean --gl-entries? (fakebc --help lists the flags)"},
		{[]string{"--companies", "0"}, `--companies "0" must be a number of at least 1`},
		{[]string{"--gl-entries", "0"}, `--gl-entries "0" must be a number of at least 1`},
		{[]string{"--seed", "-1"}, `--seed "-1" must be a whole number of at least 0`},
		{[]string{"--latency", "-5ms"}, `--latency "-5ms" must be a duration of at least 0, such as 20ms`},
		{[]string{"--bytes-per-second", "fast"}, `--bytes-per-second "fast" must be a number of at least 0`},
		{[]string{"--throttle", "1.5"}, `--throttle "1.5" must be a fraction from 0 to 1`},
		{[]string{"8080"}, `unexpected argument "8080": fakebc takes only flags (fakebc --help lists them)`},
	} {
		clitest.RequireRefused(t, "fakebc", func(args []string, stdout, stderr io.Writer) int {
			return run(t.Context(), args, stdout, stderr)
		}, tt.args, tt.want)
	}
}

// TestHelpSpellsFlagsWithTwoDashes lists every flag as --name TYPE.
func TestHelpSpellsFlagsWithTwoDashes(t *testing.T) {
	t.Parallel()
	var stdout, stderr strings.Builder
	require.Equal(t, 0, run(t.Context(), []string{"-h"}, &stdout, &stderr))
	for _, want := range []string{"\n  --addr addr\n", "\n  --gl-entries int\n        G/L entries per company", "\n  --latency duration\n", "\n  --throttle float\n", "\n  --no-dimensions\n"} {
		require.Contains(t, stderr.String(), want)
	}
}

// TestBannerNamesTheCustomAPI: the route the demo's job tasks are served
// at is printed with the rest of what a client needs.
func TestBannerNamesTheCustomAPI(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	r, w := io.Pipe()
	done := make(chan int)
	go func() {
		code := run(ctx, []string{"--addr", "127.0.0.1:0"}, w, io.Discard)
		w.Close()
		done <- code
	}()
	lines := bufio.NewScanner(r)
	var banner []string
	for len(banner) < 4 && lines.Scan() {
		banner = append(banner, lines.Text())
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, r) }()
	require.Equal(t, 0, <-done)
	require.Len(t, banner, 4)
	url := strings.TrimPrefix(banner[0], "fake Business Central listening on ")
	require.Equal(t, "  custom API:  "+url+"/v2.0/5e2c0d3a-7b41-4f6e-9c1d-2a8b4e6f0c13/Production/api/bcsdk/demo/v1.0 (jobTasks)", banner[3])
}

// TestDocsListEveryFlag compares the documented fakebc table with the code.
func TestDocsListEveryFlag(t *testing.T) {
	t.Parallel()
	var o options
	clitest.RequireDocumented(t, "../../docs/testing.md", "## The fake as a server (fakebc)", flags(&o))
}
