package main

import (
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/stretchr/testify/require"
)

var finished = regexp.MustCompile(`msg="sync finished" tenant=(\S+) mode=\S+ status=ok`)

// TestKillResumes runs 20 fake tenants (5 principals × 4 environments) and
// kills a syncd with -9 while tenant k0's run is mid-job: another syncd
// on the same PostgreSQL, or the restarted one on SQLite, rescues the job
// (RescueStuckJobsAfter) and resumes that run from its checkpoints. With
// SIGTERM instead, the syncd exits 0 and the restarted one resumes the run
// without waiting for a rescue. Run-now while k0's job is stuck or
// queued again, and the restarted process's tick, are skipped as
// duplicates. Then fleet.check:
// every store equals its fake, no principal ever had more than 5 requests
// in flight, no two runs of a principal overlapped, one job per tenant.
func TestKillResumes(t *testing.T) {
	bin := buildSyncd(t)
	sqlite := func(t testing.TB) string { return "sqlite:" + t.TempDir() + "/jobs.db" }
	for _, c := range []struct {
		name string
		dsn  func(testing.TB) string
		sig  syscall.Signal
	}{
		{"sqlite", sqlite, syscall.SIGKILL},
		// SIGTERM drains: the run commits, its job is queued again at
		// once, and the restarted process resumes it.
		{"sqlite-sigterm", sqlite, syscall.SIGTERM},
		{"postgres", storetest.PostgresDSN, syscall.SIGKILL},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 20
			f := newFleet(t, bin, c.dsn(t), n, 4)
			env := []string{"BC_TEST_SECRET=kill-test-secret"}
			// A generous job timeout for a loaded machine, and a rescue soon
			// after it: a live job is never rescued.
			flags := []string{"--db", f.dsn, "--job-timeout", "3s", "--rescue-after", "4s", "--poll", "20ms", "--busy-snooze", "20ms", "--drain", "0s"}
			a := startServe(t, bin, env, flags...)
			done := map[string]bool{}
			select {
			case <-f.block.arrived:
			case <-time.After(2 * time.Minute):
				t.Fatal("k0's run never reached timeRegistrationEntries")
			}
			// Kill at once: k0's run stays blocked only until its job times out.
			b := a
			if c.name == "postgres" {
				b = startServe(t, bin, env, flags...)
			}
			require.NoError(t, a.cmd.Process.Signal(c.sig))
			werr := a.cmd.Wait()
			killedAt := time.Now()
			if c.sig == syscall.SIGTERM {
				require.NoError(t, werr, "a drained syncd exits 0")
			}
			for line := range a.lines {
				if m := finished.FindStringSubmatch(line); m != nil {
					done[m[1]] = true
				}
			}
			require.False(t, done["k0"])
			// k0's job is still running as far as River knows (-9), or queued
			// again (SIGTERM): a run-now is a duplicate either way.
			require.Regexp(t, `^k0: a sync is already queued or running \(job \d+\)\n$`, f.runNow(t, bin, "k0"))
			if c.name != "postgres" {
				b = startServe(t, bin, env, flags...)
			}
			var log []string
			resumed := false
			deadline := time.After(3 * time.Minute)
			for len(done) < n {
				select {
				case line, ok := <-b.lines:
					require.True(t, ok, "syncd ended; log:\n%s", strings.Join(log, "\n"))
					log = append(log, line)
					if m := finished.FindStringSubmatch(line); m != nil {
						done[m[1]] = true
					}
					if strings.Contains(line, `msg="resuming the interrupted run"`) && strings.Contains(line, "tenant=k0") {
						resumed = true
					}
				case <-deadline:
					t.Fatalf("%d of %d tenants synced; log:\n%s", len(done), n, strings.Join(log, "\n"))
				}
			}
			require.True(t, resumed, "k0 was not resumed; log:\n%s", strings.Join(log, "\n"))
			f.check(t, killedAt)
		})
	}
}
