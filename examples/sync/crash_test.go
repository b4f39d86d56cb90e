package main

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// buildSync compiles the command, so it can be killed like a real process.
func buildSync(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sync")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// process runs the built command with the harness's environment.
func (h *harness) process(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + h.dir}
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// sqliteIntact opens path as a reader would (recovering a hot journal or
// WAL left by a killed writer) and runs SQLite's integrity check.
func sqliteIntact(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var verdict string
	require.NoError(t, db.QueryRow("PRAGMA integrity_check").Scan(&verdict))
	require.Equal(t, "ok", verdict, path)
}

// TestKilledRunsResumeToTheCleanResult kills the sync with SIGKILL at seeded
// random points of its work — as the fake receives the n-th request of the
// run — over and over, resuming after each kill; after every kill the store
// is intact and readable, and the run that finally completes leaves exactly
// what an uninterrupted run leaves. Kills tied to requests rather than to
// moments land where they are aimed however loaded the machine is.
func TestKilledRunsResumeToTheCleanResult(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and kills it repeatedly")
	}
	t.Parallel()
	bin := buildSync(t)
	for _, kind := range []string{"sqlite", "jsonl"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, bctest.WithServiceModel(bctest.ServiceModel{Base: 2 * time.Millisecond, BytesPerSecond: 20e6, Scale: 1}))
			out := func(name string) string {
				if kind == "jsonl" {
					return "jsonl:" + filepath.Join(h.dir, name)
				}
				return h.sqlite(name + ".db")
			}
			sets := h.plan("finance")
			args := []string{"--profile", "finance", "--page-size", "200", "--full", "--retry-delay", "2ms"}

			clean := out("clean")
			before := h.srv.Stats().Requests
			res, err := h.process(bin, append(args, "--out", clean)...).CombinedOutput()
			require.NoError(t, err, "%s", res)
			cleanRequests := h.srv.Stats().Requests - before
			want := h.snapshot(clean, sets)

			dest := out("killed")
			rng := rand.New(rand.NewPCG(42, uint64(len(kind))))
			const kills = 10 // per store: 20 in all
			killed, finished, resumed := 0, 0, 0
			seen := map[string]bool{} // tables a killed run had created
			for i := 0; killed < kills; i++ {
				require.Less(t, i, 4*kills, "runs keep finishing before the kill: %d killed, %d finished", killed, finished)
				var stderr strings.Builder
				cmd := h.process(bin, append(args, "--out", dest)...)
				cmd.Stderr = &stderr
				// The first kill lands on the first request, the companies
				// list, before any output table exists. A resumed run has
				// less to do, so the others aim at the first 60% of a whole
				// run's requests.
				at := 1
				if i > 0 {
					at = 1 + rng.IntN(int(cleanRequests)*6/10)
				}
				started := make(chan struct{})
				disarm := h.srv.AtRequest(at, func() {
					<-started
					_ = cmd.Process.Signal(syscall.SIGKILL)
				})
				require.NoError(t, cmd.Start())
				close(started)
				err := cmd.Wait()
				disarm()
				var exit *exec.ExitError
				if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() {
					killed++
				} else {
					require.NoError(t, err, stderr.String())
					finished++
				}
				if strings.Contains(stderr.String(), "resuming the interrupted run") {
					resumed++
				}
				// Whatever the moment, the store is whole and readable; a run
				// killed on its first request, before the setup checks
				// passed, has created nothing at all.
				db := strings.TrimPrefix(dest, "sqlite:")
				if kind == "jsonl" {
					db = filepath.Join(strings.TrimPrefix(dest, "jsonl:"), ".sync", "state.db")
				}
				if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
					require.Empty(t, seen, "%s is gone after a run had created tables in it", db)
				} else {
					require.False(t, i == 0 && killed == 1, "a run killed on its companies request created %s", db)
					sqliteIntact(t, db)
				}
				// A table the killed runs had not got to create yet is
				// missing, truthfully; once created it stays.
				for _, tb := range sets.Tables() {
					_, err := synctest.Actual(context.Background(), dest, []*store.Table{tb})
					if errors.Is(err, synctest.ErrNoTable) && !seen[tb.Name] {
						continue
					}
					require.NoError(t, err, "after kill %d the store is readable", killed)
					seen[tb.Name] = true
				}
			}
			res, err = h.process(bin, append(args, "--out", dest)...).CombinedOutput()
			require.NoError(t, err, "%s", res)
			require.Empty(t, synctest.Diff(want, h.snapshot(dest, sets)), "the resumed store equals the clean one")
			h.requireSynced(dest, sets)
			require.Positive(t, resumed, "killed runs were resumed")
			t.Logf("%s: %d runs killed at random requests (%d finished first), %d resumed an interrupted run; a clean run makes %d requests",
				kind, killed, finished, resumed, cleanRequests)
		})
	}
}
