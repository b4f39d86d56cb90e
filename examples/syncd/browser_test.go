package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// screenshotEnv names a file for the browser test's screenshot of the
// page (default: the test's temp dir).
const screenshotEnv = "SYNCD_SCREENSHOT"

// chromiumPath is Debian's chromium. Without it the browser test skips,
// except in CI (CI=1), which installs it and must run the test.
func chromiumPath(t *testing.T) string {
	path, err := exec.LookPath("chromium")
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "1" {
		t.Fatalf("chromium is not installed, and CI=1 must test the page in a browser: apt-get install chromium (.ci/run does)")
	}
	t.Skip("chromium is not installed, so the page is not tested in a real browser: apt-get install chromium to run this test")
	return ""
}

// chromium runs headless Chromium on url with args (--dump-dom or
// --screenshot) and returns what it printed.
func chromium(t *testing.T, bin, url string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless=new", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + t.TempDir(), "--window-size=1400,900"}
	if os.Geteuid() == 0 {
		// Chromium's sandbox refuses to run as root.
		base = append(base, "--no-sandbox")
	}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "chromium %v: %s", args, stderr.String())
	return stdout.String()
}

// rowsCell finds each tenant's rows cell in the page's DOM.
var rowsCell = regexp.MustCompile(`(?s)<tr data-tenant="([^"]+)"[^>]*>.*?<td data-col="rows" class="num">(\d+)</td>`)

// TestPageInBrowser starts syncd serve --demo, waits until the demo
// tenants have synced, and loads the page in headless Chromium: its DOM
// lists every demo tenant with the rows its run synced, a screenshot is
// taken, and River UI, a JavaScript application, lists the sync jobs.
func TestPageInBrowser(t *testing.T) {
	bin := chromiumPath(t)
	dir := t.TempDir()
	// --tick 1h: only the first syncs run, so the rows stay those.
	url, l, log := serveInProcess(t, nil, "--demo", "--demo-every", "5s", "--tick", "1h", "--busy-snooze", "1s",
		"--db", "sqlite:"+filepath.Join(dir, "jobs.db"), "--data-dir", filepath.Join(dir, "data"))
	synced := map[string]bool{}
	for len(synced) < 3 {
		if m := finished.FindStringSubmatch(l.waitFor(t, `msg="sync finished"`, log)); m != nil {
			synced[m[1]] = true
		}
	}

	start := time.Now()
	dom := chromium(t, bin, url, "--dump-dom")
	t.Logf("chromium loaded and dumped the page in %v", time.Since(start).Round(time.Millisecond))
	rows := map[string]int{}
	for _, m := range rowsCell.FindAllStringSubmatch(dom, -1) {
		n, err := strconv.Atoi(m[2])
		require.NoError(t, err)
		rows[m[1]] = n
	}
	require.Len(t, rows, 3, "the page's DOM:\n%s", dom)
	for _, name := range []string{"demo-1", "demo-2", "demo-3"} {
		require.Positive(t, rows[name], "rows of %s", name)
		require.Contains(t, dom, `<td data-col="name">`+name+`</td>`)
	}
	require.Contains(t, dom, `<b>3</b> tenants, <b id="attention-count">0</b> need attention.`)

	shot := os.Getenv(screenshotEnv)
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "page.png")
	}
	chromium(t, bin, url, "--screenshot="+shot)
	png, err := os.ReadFile(shot)
	require.NoError(t, err)
	require.Equal(t, "\x89PNG\r\n\x1a\n", string(png[:8]))
	require.Greater(t, len(png), 10_000, "a blank page compresses to less")
	t.Logf("screenshot of the page: %s (%d bytes)", shot, len(png))

	// River UI renders in the browser from its API, on SQLite.
	dom = chromium(t, bin, url+"riverui/jobs?state=completed", "--virtual-time-budget=10000", "--dump-dom")
	for _, name := range []string{"demo-1", "demo-2", "demo-3"} {
		require.Regexp(t, `"tenant":\s*"`+name+`"`, dom, "River UI's job list")
	}
}
