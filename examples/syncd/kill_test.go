package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// buildSyncd builds the command once per test into a temp dir.
func buildSyncd(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "syncd")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// process is a running syncd serve whose log lines arrive on lines.
type process struct {
	cmd   *exec.Cmd
	lines chan string
}

func startServe(t *testing.T, bin string, env []string, args ...string) *process {
	// Each on a port of its own: the default 127.0.0.1:8080 is one per machine.
	cmd := exec.Command(bin, append([]string{"serve", "--http", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, lines: make(chan string, 1000)}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return p
}

var finished = regexp.MustCompile(`msg="sync finished" tenant=(\S+) mode=\S+ status=ok`)

// blocker holds the first request for a set until the client goes away,
// and says when it has arrived: the moment its run is mid-job.
type blocker struct {
	set     string
	once    sync.Once
	arrived chan struct{}
}

func (b *blocker) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first := false
		if strings.Contains(r.URL.Path, "/"+b.set) {
			b.once.Do(func() { first = true })
		}
		if first {
			close(b.arrived)
			<-r.Context().Done()
			return
		}
		h.ServeHTTP(w, r)
	})
}

// TestKillResumes kills a syncd with -9 while a tenant's run is mid-job;
// another syncd (PostgreSQL) or the restarted one (SQLite) rescues the job
// and resumes that run from its checkpoints, and every store ends equal to
// its fake tenant. With SIGTERM instead, the syncd exits 0 and the
// restarted one resumes the run without waiting for a rescue.
func TestKillResumes(t *testing.T) {
	bin := buildSyncd(t)
	sqlite := func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "jobs.db") }
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
			dsn := c.dsn(t)
			dir := t.TempDir()
			const n = 6
			block := &blocker{set: "timeRegistrationEntries", arrived: make(chan struct{})}
			fakes := map[string]*bctest.Server{}
			stores := map[string]string{}
			env := []string{"BC_TEST_SECRET=kill-test-secret"}
			for i := range n {
				name := fmt.Sprintf("k%d", i)
				demo := bctest.DemoConfig{Seed: uint64(i + 1), Companies: 1, GLEntries: 20, Customers: 30, Vendors: 3, Items: 3, Employees: 12, Projects: 4, InvoicesPerMonth: 2, Months: 2}
				fake := bctest.NewUnstartedServer(bctest.WithDemo(demo), bctest.WithCredentials(fmt.Sprintf("00000000-0000-4000-8000-%012d", i), fmt.Sprintf("00000000-0000-4000-9000-%012d", i), "kill-test-secret"))
				var h http.Handler = fake.Handler()
				if i == 0 {
					h = block.wrap(h)
				}
				hs := httptest.NewServer(h)
				fake.URL = hs.URL
				t.Cleanup(func() { hs.Close(); fake.Close() })
				tenant, client, _ := fake.Credentials()
				fakes[name], stores[name] = fake, "sqlite:"+filepath.Join(dir, name+".db")
				out, err := exec.Command(bin, "tenants", "add", "--db", dsn, "--name", name, "--tenant", tenant, "--client-id", client,
					"--secret-ref", "env:BC_TEST_SECRET", "--environment", fake.Environment(), "--every", "1h", "--store", stores[name],
					"--base-url", fake.BaseURL(), "--token-url", fake.TokenURL()).CombinedOutput()
				require.NoError(t, err, "%s", out)
			}
			flags := []string{"--db", dsn, "--job-timeout", "1s", "--rescue-after", "2s", "--poll", "20ms", "--busy-snooze", "20ms", "--drain", "0s"}
			a := startServe(t, bin, env, flags...)
			done := map[string]bool{}
			<-block.arrived
			b := a
			if c.name == "postgres" {
				b = startServe(t, bin, env, flags...)
			}
			require.NoError(t, a.cmd.Process.Signal(c.sig))
			werr := a.cmd.Wait()
			if c.sig == syscall.SIGTERM {
				require.NoError(t, werr, "a drained syncd exits 0")
			}
			for line := range a.lines {
				if m := finished.FindStringSubmatch(line); m != nil {
					done[m[1]] = true
				}
			}
			require.False(t, done["k0"])
			if c.name != "postgres" {
				b = startServe(t, bin, env, flags...)
			}
			var log []string
			resumed := false
			for len(done) < n {
				line, ok := <-b.lines
				require.True(t, ok, "syncd ended; log:\n%s", strings.Join(log, "\n"))
				log = append(log, line)
				if m := finished.FindStringSubmatch(line); m != nil {
					done[m[1]] = true
				}
				if strings.Contains(line, `msg="resuming the interrupted run"`) && strings.Contains(line, "tenant=k0") {
					resumed = true
				}
			}
			require.True(t, resumed, "k0 was not resumed; log:\n%s", strings.Join(log, "\n"))
			for name, fake := range fakes {
				requireSynced(t, stores[name], fake)
			}
		})
	}
}

func requireSynced(t *testing.T, dest string, fake *bctest.Server) {
	t.Helper()
	diff, err := synctest.DiffStore(t.Context(), fake, "mosaic", dest)
	require.NoError(t, err)
	require.Empty(t, diff, dest)
}
