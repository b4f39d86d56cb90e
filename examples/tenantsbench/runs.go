package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"syscall"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// buildSyncd compiles syncd, so it runs as its own processes.
func buildSyncd(ctx context.Context, bin string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/bcsdk/bc/examples/syncd")
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// fakes are the demo tenants, served for every mode.
type fakes struct {
	principals []*synctest.Principal
	tenants    []jobs.Tenant // without Store
	close      func()
}

const benchSecret = "tenantsbench-secret"

func newFakes(n, envsPer int, profile string) *fakes {
	f := &fakes{}
	var closers []func()
	for i := range n {
		if i%envsPer == 0 {
			// Random ids: advisory locks are database-wide, and another
			// test's principals must not share this one's.
			f.principals = append(f.principals, synctest.NewPrincipal())
		}
		p := f.principals[len(f.principals)-1]
		demo := bctest.DemoConfig{Seed: uint64(i + 1), Companies: 1, GLEntries: 20, Customers: 30, Vendors: 3, Items: 3, Employees: 12, Projects: 4, InvoicesPerMonth: 2, Months: 2}
		fake := bctest.NewUnstartedServer(bctest.WithDemo(demo), bctest.WithCredentials(p.Entra, p.Client, benchSecret), bctest.WithEnvironment(fmt.Sprintf("Env%d", i)))
		hs := httptest.NewServer(p.Count(fake.Handler()))
		fake.URL = hs.URL
		closers = append(closers, hs.Close, fake.Close)
		f.tenants = append(f.tenants, jobs.Tenant{Name: fmt.Sprintf("t%03d", i), EntraTenant: p.Entra, ClientID: p.Client, SecretRef: "env:BC_BENCH_SECRET",
			Environment: fake.Environment(), Profile: profile, Every: time.Hour, BaseURL: fake.BaseURL(), TokenURL: fake.TokenURL(), Enabled: true})
	}
	f.close = func() {
		for _, c := range closers {
			c()
		}
	}
	return f
}

// maxInFlight is the most any principal had in flight; reset starts over.
func (f *fakes) maxInFlight(reset bool) int {
	m := 0
	for _, p := range f.principals {
		m = max(m, p.MaxInFlight(reset))
	}
	return m
}

type runner struct {
	o     options
	dir   string
	bin   string
	fakes *fakes
	log   io.Writer
}

// mode registers every tenant (fresh stores) in the jobs database dsn, runs
// procs syncd processes until every tenant has synced once, and measures.
func (b *runner) mode(ctx context.Context, name, dsn string, procs int) (Mode, error) {
	ctx, cancel := context.WithTimeout(ctx, b.o.timeout)
	defer cancel()
	db, err := jobs.Open(ctx, dsn)
	if err != nil {
		return Mode{}, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return Mode{}, err
	}
	storeDir := filepath.Join(b.dir, name)
	if err := os.MkdirAll(storeDir, 0o700); err != nil {
		return Mode{}, err
	}
	for _, t := range b.fakes.tenants {
		t.Store = "sqlite:" + filepath.Join(storeDir, t.Name+".db")
		if err := db.Registry().Add(ctx, t); err != nil {
			return Mode{}, err
		}
	}
	b.fakes.maxInFlight(true)
	fmt.Fprintf(b.log, "%s: %d tenants, %d process(es)\n", name, len(b.fakes.tenants), procs)
	var cmds []*exec.Cmd
	for i := range procs {
		logf, err := os.Create(filepath.Join(b.dir, fmt.Sprintf("%s-%d.log", name, i)))
		if err != nil {
			return Mode{}, err
		}
		defer logf.Close()
		cmd := exec.Command(b.bin, "serve", "--http", "", "--db", dsn, "--workers", fmt.Sprint(b.o.workers), "--poll", "50ms", "--busy-snooze", "100ms",
			"--tick", "1m", "--job-timeout", "10m", "--rescue-after", "11m")
		cmd.Env, cmd.Stderr = append(os.Environ(), "BC_BENCH_SECRET="+benchSecret), logf
		if err := cmd.Start(); err != nil {
			return Mode{}, err
		}
		cmds = append(cmds, cmd)
	}
	stop := func() {
		for _, c := range cmds {
			c.Process.Signal(syscall.SIGTERM)
		}
		for _, c := range cmds {
			c.Wait()
		}
	}
	runs, err := awaitSynced(ctx, db, len(b.fakes.tenants))
	stop()
	if err != nil {
		return Mode{}, fmt.Errorf("%s: %w (logs in %s)", name, err, b.dir)
	}
	m := Mode{Processes: procs, MaxInFlightPerPrincipal: b.fakes.maxInFlight(false)}
	m.CapHeld = m.MaxInFlightPerPrincipal <= 5
	first, last := runs[0].Started, runs[0].Finished
	var syncTotal time.Duration
	for _, r := range runs {
		first, last = minTime(first, r.Started), maxTime(last, r.Finished)
		syncTotal += r.Duration()
	}
	m.Seconds = round(last.Sub(first).Seconds(), 1)
	m.TenantsPerMinute = round(float64(len(b.fakes.tenants))/last.Sub(first).Minutes(), 1)
	m.MeanSyncMs = round(float64(syncTotal.Microseconds())/1000/float64(len(runs)), 1)
	m.RunOverlaps = overlaps(runs)
	fmt.Fprintf(b.log, "%s: synced; timing River\n", name)
	if m.RiverOverheadMsPerJob, err = riverOverhead(ctx, db, runs); err != nil {
		return Mode{}, err
	}
	if m.NoopMsPerJob, err = noopCost(ctx, db, b.o.workers, 500); err != nil {
		return Mode{}, err
	}
	fmt.Fprintf(b.log, "%s: %.1f s, %.1f tenants/min\n", name, m.Seconds, m.TenantsPerMinute)
	return m, nil
}

// awaitSynced polls the runs table until n tenants have a run that ended
// ok, and returns every run.
func awaitSynced(ctx context.Context, db *jobs.DB, n int) ([]jobs.Run, error) {
	for {
		runs, err := db.Registry().Runs(ctx, "")
		if err != nil {
			return nil, err
		}
		ok := map[string]bool{}
		for _, r := range runs {
			if r.Status == "ok" {
				ok[r.Tenant] = true
			}
		}
		if len(ok) >= n {
			return runs, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%d of %d tenants synced: %w", len(ok), n, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// overlaps counts the runs that started before the previous run of their
// principal had finished.
func overlaps(runs []jobs.Run) int {
	byKey := map[string][]jobs.Run{}
	for _, r := range runs {
		byKey[r.Principal] = append(byKey[r.Principal], r)
	}
	n := 0
	for _, rs := range byKey {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Started.Before(rs[j].Started) })
		for i := 1; i < len(rs); i++ {
			if rs[i].Started.Before(rs[i-1].Finished) {
				n++
			}
		}
	}
	return n
}

// riverOverhead is the mean, over the completed sync jobs, of the last
// attempt's duration (River's attempted_at to finalized_at) minus the
// duration of the run that attempt recorded.
func riverOverhead(ctx context.Context, db *jobs.DB, runs []jobs.Run) (float64, error) {
	lastRun := map[int64]jobs.Run{}
	for _, r := range runs {
		if prev, ok := lastRun[r.JobID]; !ok || r.Started.After(prev.Started) {
			lastRun[r.JobID] = r
		}
	}
	client, err := jobs.NewClient(jobs.Config{DB: db}, river.Config{})
	if err != nil {
		return 0, err
	}
	list, err := client.JobList(ctx, river.NewJobListParams().Kinds(jobs.KindSyncEnvironment).States(rivertype.JobStateCompleted).First(10_000))
	if err != nil {
		return 0, err
	}
	var total time.Duration
	n := 0
	for _, j := range list.Jobs {
		r, ok := lastRun[j.ID]
		if !ok || j.AttemptedAt == nil || j.FinalizedAt == nil {
			continue
		}
		total += j.FinalizedAt.Sub(*j.AttemptedAt) - r.Duration()
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("no completed sync job to measure")
	}
	return round(float64(total.Microseconds())/1000/float64(n), 2), nil
}

// noopArgs is a job that does nothing, to time River itself.
type noopArgs struct{}

func (noopArgs) Kind() string { return "tenantsbench_noop" }

type noopWorker struct{ river.WorkerDefaults[noopArgs] }

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

// noopCost is the wall time per job of n no-op jobs worked by a River
// client on db with workers workers and syncd's poll settings: River's
// fetch, locking and completion, amortized.
func noopCost(ctx context.Context, db *jobs.DB, workers, n int) (float64, error) {
	ws := river.NewWorkers()
	river.AddWorker(ws, noopWorker{})
	client, err := jobs.NewClient(jobs.Config{DB: db}, river.Config{Workers: ws, FetchPollInterval: 50 * time.Millisecond, FetchCooldown: 50 * time.Millisecond,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}}})
	if err != nil {
		return 0, err
	}
	done, cancel := client.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	if err := client.Start(ctx); err != nil {
		return 0, err
	}
	defer client.Stop(context.WithoutCancel(ctx))
	params := make([]river.InsertManyParams, n)
	for i := range params {
		params[i] = river.InsertManyParams{Args: noopArgs{}}
	}
	start := time.Now()
	if _, err := client.InsertMany(ctx, params); err != nil {
		return 0, err
	}
	for got := 0; got < n; {
		select {
		case ev := <-done:
			if ev.Job.Kind == (noopArgs{}).Kind() {
				got++
			}
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return round(float64(time.Since(start).Microseconds())/1000/float64(n), 2), nil
}

// freshSchema makes a schema of its own for a mode and returns dsn with
// its search_path, and a func dropping it.
func freshSchema(ctx context.Context, dsn, name string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, fmt.Errorf("--postgres: %w", err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	schema := "tenantsbench_" + name + "_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(context.Background())
	}, nil
}

func cpus() int { return runtime.NumCPU() }

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
