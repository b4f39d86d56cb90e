package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"
)

// The kill tests' world: syncd processes built once, fake tenants served by
// the test, each principal counting its requests in flight across all of
// its environments, as BC's per-principal limit does.

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
	p := &process{cmd: cmd, lines: make(chan string, 10000)}
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

// fleet is n fake tenants, envsPer environments to a principal, registered
// in the jobs database dsn; tenant k0's first timeRegistrationEntries
// request blocks.
type fleet struct {
	dsn        string
	names      []string
	fakes      map[string]*bctest.Server
	stores     map[string]string
	principals []*synctest.Principal
	block      *blocker
}

func newFleet(t *testing.T, bin, dsn string, n, envsPer int) *fleet {
	f := &fleet{dsn: dsn, fakes: map[string]*bctest.Server{}, stores: map[string]string{},
		block: &blocker{set: "timeRegistrationEntries", arrived: make(chan struct{})}}
	dir := t.TempDir()
	for i := range n {
		if i%envsPer == 0 {
			// Random ids: advisory locks are database-wide, and another
			// test's principals must not share this one's.
			f.principals = append(f.principals, synctest.NewPrincipal())
		}
		p := f.principals[len(f.principals)-1]
		name := fmt.Sprintf("k%d", i)
		demo := bctest.DemoConfig{Seed: uint64(i + 1), Companies: 1, GLEntries: 20, Customers: 30, Vendors: 3, Items: 3, Employees: 12, Projects: 4, InvoicesPerMonth: 2, Months: 2}
		fake := bctest.NewUnstartedServer(bctest.WithDemo(demo), bctest.WithCredentials(p.Entra, p.Client, "kill-test-secret"), bctest.WithEnvironment(fmt.Sprintf("Env%d", i)))
		h := fake.Handler()
		if i == 0 {
			h = f.block.wrap(h)
		}
		hs := httptest.NewServer(p.Count(h))
		fake.URL = hs.URL
		t.Cleanup(func() { hs.Close(); fake.Close() })
		f.names = append(f.names, name)
		f.fakes[name], f.stores[name] = fake, "sqlite:"+filepath.Join(dir, name+".db")
		out, err := exec.Command(bin, "tenants", "add", "--db", dsn, "--name", name, "--tenant", p.Entra, "--client-id", p.Client,
			"--secret-ref", "env:BC_TEST_SECRET", "--environment", fake.Environment(), "--every", "1h", "--store", f.stores[name],
			"--base-url", fake.BaseURL(), "--token-url", fake.TokenURL()).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	return f
}

// runNow runs syncd tenants run-now for name and returns its output.
func (f *fleet) runNow(t *testing.T, bin, name string) string {
	out, err := exec.Command(bin, "tenants", "run-now", "--db", f.dsn, "--name", name).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

// check requires what the issue asks of a fleet after a kill: every store
// equal to its fake; no principal above 5 requests in flight; no two runs
// of one principal overlapping (a killed run, never finished, counts as
// running until killedAt); one job per tenant, however many inserts the
// ticks and run-now made.
func (f *fleet) check(t *testing.T, killedAt time.Time) {
	t.Helper()
	for _, name := range f.names {
		diff, err := synctest.DiffStore(t.Context(), f.fakes[name], "mosaic", f.stores[name])
		require.NoError(t, err)
		require.Empty(t, diff, name)
	}
	for _, p := range f.principals {
		require.LessOrEqual(t, p.MaxInFlight(false), 5, "principal %s/%s", p.Entra, p.Client)
		require.Positive(t, p.MaxInFlight(false))
	}
	db, err := jobs.Open(t.Context(), f.dsn)
	require.NoError(t, err)
	defer db.Close()
	runs, err := db.Registry().Runs(t.Context(), "")
	require.NoError(t, err)
	byKey := map[string][]jobs.Run{}
	for _, r := range runs {
		if r.Finished.IsZero() {
			require.True(t, r.Started.Before(killedAt), "run %d of %s never finished", r.ID, r.Tenant)
			r.Finished = killedAt
		}
		byKey[r.Principal] = append(byKey[r.Principal], r)
	}
	for key, rs := range byKey {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Started.Before(rs[j].Started) })
		for i := 1; i < len(rs); i++ {
			require.False(t, rs[i].Started.Before(rs[i-1].Finished), "principal %s: run %d of %s started at %v, before run %d of %s finished at %v",
				key, rs[i].ID, rs[i].Tenant, rs[i].Started, rs[i-1].ID, rs[i-1].Tenant, rs[i-1].Finished)
		}
	}
	client, err := jobs.NewClient(jobs.Config{DB: db}, river.Config{})
	require.NoError(t, err)
	list, err := client.JobList(t.Context(), river.NewJobListParams().Kinds(jobs.KindSyncEnvironment).States(rivertype.JobStates()...).First(10_000))
	require.NoError(t, err)
	perTenant := map[string]int{}
	for _, j := range list.Jobs {
		require.Equal(t, rivertype.JobStateCompleted, j.State, "job %d: %s", j.ID, j.EncodedArgs)
		var args jobs.SyncEnvironment
		require.NoError(t, json.Unmarshal(j.EncodedArgs, &args))
		perTenant[args.Tenant]++
	}
	for _, name := range f.names {
		require.Equal(t, 1, perTenant[name], "jobs of %s", name)
	}
}
