package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// held puts a front in front of the harness's fake that holds the requests
// hold picks: they are never answered, and end only when their client gives
// up. Each held request's path and query arrive on the channel. Holding
// stops when the returned flag is cleared.
func held(t *testing.T, h *harness, hold func(*http.Request) bool) (<-chan string, *atomic.Bool) {
	t.Helper()
	arrived := make(chan string, 100)
	released := make(chan struct{})
	var on atomic.Bool
	on.Store(true)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if on.Load() && hold(r) {
			arrived <- r.URL.Path + "?" + r.URL.RawQuery
			select {
			case <-r.Context().Done():
			case <-released: // the test is over
			}
			return
		}
		h.srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	t.Cleanup(func() { close(released) })
	h.env["BC_BASE_URL"] = front.URL + "/v2.0"
	h.env["BC_TOKEN_URL"] = front.URL + "/{tenant}/oauth2/v2.0/token"
	return arrived, &on
}

// start runs the command in the background; its interrupts come from the
// returned channel.
func (h *harness) start(ctx context.Context, args ...string) (chan<- os.Signal, <-chan result) {
	signals := make(chan os.Signal, 2)
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := runWith(ctx, args, &out, &errb, func(k string) string { return h.env[k] }, signals)
		done <- result{code, out.String(), errb.String()}
	}()
	return signals, done
}

// waitHeld waits until a request is held, failing if the run ends first.
func waitHeld(t *testing.T, arrived <-chan string, done <-chan result) {
	t.Helper()
	select {
	case <-arrived:
	case r := <-done:
		t.Fatalf("the run ended (exit %d) before a request was held:\n%s", r.code, r.stderr)
	}
}

// ended waits for a run that must end by itself; the bound only turns a
// hung run into a failure instead of a stuck test.
func ended(t *testing.T, done <-chan result, why string) result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(2 * time.Minute):
		t.Fatalf("the run did not end: %s", why)
		return result{}
	}
}

// runs reads _runs of a SQLite destination: "id mode status" per run.
func runs(t *testing.T, dest string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", strings.TrimPrefix(dest, "sqlite:"))
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT id, mode, status FROM _runs ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, mode, status string
		require.NoError(t, rows.Scan(&id, &mode, &status))
		out = append(out, id+" "+mode+" "+status)
	}
	require.NoError(t, rows.Err())
	return out
}

func isLedgerChunk(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/generalLedgerEntries") && strings.Contains(r.URL.RawQuery, "entryNumber%20ge%20")
}

const (
	interruptedLine = "sync: interrupted; what was committed stays, and the next run resumes from there"
	abortedLine     = "sync: aborted; what was committed stays, and the next run resumes from there"
)

// TestStopAbandonsRequestsInFlight: after a first interrupt the run ends
// without waiting for a request BC never answers, records the run as
// interrupted, and the next run resumes it to exactly the fake's rows.
func TestStopAbandonsRequestsInFlight(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("stop.db")
	arrived, holding := held(t, h, isLedgerChunk)
	args := []string{"--profile", "finance", "--out", dest, "--full"}

	signals, done := h.start(t.Context(), args...)
	waitHeld(t, arrived, done)
	signals <- os.Interrupt
	r := ended(t, done, "it waits for the request in flight")
	require.Equal(t, 1, r.code, r.stderr)
	require.Equal(t, interruptedLine, lastLine(r.stderr))
	require.Contains(t, r.stderr, `"msg":"stopping: requests in flight are abandoned and read again by the next run; interrupt again to abort"`)
	require.Equal(t, []string{"1 full interrupted"}, runs(t, dest))
	requireResumed(t, h, holding, dest, "finance", args...)
}

// requireResumed runs args again, holding nothing: the run resumes the
// interrupted one (run 1, now ok) and ends with exactly the fake's rows.
func requireResumed(t *testing.T, h *harness, holding *atomic.Bool, dest, profile string, args ...string) {
	t.Helper()
	holding.Store(false)
	r := h.run(args...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "resuming the interrupted run")
	require.Len(t, runs(t, dest), 1)
	require.Regexp(t, `^1 \w+ ok$`, runs(t, dest)[0])
	h.requireSynced(dest, h.plan(profile))
}

func lastLine(s string) string {
	ls := lines(s)
	return ls[len(ls)-1]
}

// TestInterruptDuringSetupCreatesNothing: an interrupt while the setup
// waits for BC (here for the companies, which BC never lists) ends the run
// at once with one line saying so, and creates nothing.
func TestInterruptDuringSetupCreatesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("setup.db")
	arrived, _ := held(t, h, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/companies") })

	signals, done := h.start(t.Context(), "--out", dest)
	waitHeld(t, arrived, done)
	signals <- os.Interrupt
	r := ended(t, done, "the interrupt does not end the setup")
	require.Equal(t, 1, r.code, r.stderr)
	require.Len(t, lines(r.stderr), 2, "the stopping record, then one line: %s", r.stderr)
	require.Equal(t, interruptedLine, lastLine(r.stderr))
	require.NoFileExists(t, strings.TrimPrefix(dest, "sqlite:"))
}

// TestSecondInterruptAborts: after a first interrupt the run still commits
// what it fetched and records itself; when that hangs on the store (here
// PostgreSQL waits for a lock another session holds on _runs), a second
// interrupt ends it at once with one line saying so, and the next run
// resumes to exactly the fake's rows.
func TestSecondInterruptAborts(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv(storetest.PostgresDSNEnv)
	if dsn == "" {
		t.Skipf("set %s to run this test", storetest.PostgresDSNEnv)
	}
	h := newHarness(t)
	dest := freshPostgres(t, dsn, "abort")
	args := []string{"--out", dest, "--full"}
	require.Equal(t, 0, h.run(args...).code, "the first run creates the tables")
	arrived, holding := held(t, h, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/employees") })

	signals, done := h.start(t.Context(), args...)
	waitHeld(t, arrived, done)
	conn, err := pgx.Connect(t.Context(), dest)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	tx, err := conn.Begin(t.Context())
	require.NoError(t, err)
	_, err = tx.Exec(t.Context(), `LOCK TABLE "_runs" IN ACCESS EXCLUSIVE MODE`)
	require.NoError(t, err)
	signals <- os.Interrupt
	signals <- os.Interrupt
	r := ended(t, done, "the second interrupt does not abort")
	require.NoError(t, tx.Rollback(t.Context()))
	require.Equal(t, 1, r.code, r.stderr)
	require.Equal(t, abortedLine, lastLine(r.stderr))

	holding.Store(false)
	r = h.run(args...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "resuming the interrupted run")
	h.requireSynced(dest, h.plan("mosaic"))
}

// TestAbortedRunIsRecordedAsInterrupted aborts a run (what a second
// interrupt does) while it reconciles — the phase after every page is
// committed, where BC's answer is awaited: the run is recorded as
// interrupted, not failed, the line says so, and the next run resumes it.
func TestAbortedRunIsRecordedAsInterrupted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("aborted.db")
	keysOnly := func(r *http.Request) bool { return strings.HasSuffix(r.URL.RawQuery, "$select=id") }
	arrived, holding := held(t, h, keysOnly)
	args := []string{"--out", dest, "--reconcile"}

	ctx, abort := context.WithCancel(t.Context())
	_, done := h.start(ctx, args...)
	waitHeld(t, arrived, done)
	abort()
	r := ended(t, done, "the abort does not end it")
	require.Equal(t, 1, r.code, r.stderr)
	require.Equal(t, abortedLine, lastLine(r.stderr))
	require.NotContains(t, r.stderr+r.stdout, "context canceled")
	require.Equal(t, []string{"1 incremental interrupted"}, runs(t, dest))
	requireResumed(t, h, holding, dest, "mosaic", args...)
}

var durations = regexp.MustCompile(`(?m) +(\d+h)?(\d+m)?\d+(\.\d+)?(ns|µs|ms|s)(  |$)`)

// withoutDurations replaces the summary's durations (all but the header's
// line) with D.
func withoutDurations(summary string) string {
	head, rest, _ := strings.Cut(summary, "\n")
	return head + "\n" + durations.ReplaceAllString(rest, " D$5")
}

// TestInterruptedSummaryHasOneLinePerCompany interrupts a finance run of
// three companies while its ledgers are read, one request at a time so
// what finished is exact: the summary lists the finished sets and one line
// per company for the unfinished ones (testdata/interrupted_summary.txt,
// durations as D), then where the tables are.
func TestInterruptedSummaryHasOneLinePerCompany(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("summary.db")
	arrived, _ := held(t, h, isLedgerChunk)

	signals, done := h.start(t.Context(), "--profile", "finance", "--out", dest, "--concurrency", "1")
	waitHeld(t, arrived, done)
	signals <- os.Interrupt
	r := ended(t, done, "it waits for the request in flight")
	require.Equal(t, 1, r.code, r.stderr)
	want, err := os.ReadFile("testdata/interrupted_summary.txt")
	require.NoError(t, err)
	stored := "Stored in " + filepath.Join(h.dir, "summary.db") + " (SQLite): companies, accountingPeriods, accounts, currencies, customers, " +
		"dimensionValues, dimensions, employees, generalLedgerEntries, generalLedgerEntries_dimensionSetLines, projects, " +
		"purchaseInvoiceLines, purchaseInvoices, salesInvoiceLines, salesInvoices, vendors\n"
	require.Equal(t, string(want)+stored, withoutDurations(r.stdout))
}

// TestResumeReadsPartitionsNeverStarted interrupts a set split into slices
// by lastModifiedDateTime (customers, with small pages) while its second
// slice is read, one request at a time: the slices after it never started,
// and the resumed run reads them too.
func TestResumeReadsPartitionsNeverStarted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("slices.db")
	var slices atomic.Int32
	secondSlice := func(r *http.Request) bool {
		slice := strings.HasSuffix(r.URL.Path, "/customers") && strings.Contains(r.URL.Query().Get("$filter"), "lastModifiedDateTime l")
		return slice && slices.Add(1) == 2
	}
	arrived, holding := held(t, h, secondSlice)
	args := []string{"--profile", "finance", "--out", dest, "--concurrency", "1", "--page-size", "50", "--full"}

	signals, done := h.start(t.Context(), args...)
	waitHeld(t, arrived, done)
	signals <- os.Interrupt
	r := ended(t, done, "it waits for the request in flight")
	require.Equal(t, 1, r.code, r.stderr)
	requireResumed(t, h, holding, dest, "finance", args...)
}
