package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/bcsdk/bc/bctest"
)

type bench struct {
	o   options
	dir string
	bin string
	log io.Writer
}

// buildSync compiles the sync command, so it runs as its own process.
func buildSync(ctx context.Context, bin string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/bcsdk/bc/examples/sync")
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// measured is one run of the sync process.
type measured struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes
	stdout    string
}

// fake starts a fake BC with the demo sized for the run.
func (b *bench) fake(glPerCompany int, model bctest.ServiceModel, noDims bool, extra ...bctest.Option) *bctest.Server {
	demo := bctest.DefaultDemo()
	demo.Companies, demo.GLEntries, demo.NoGLDimensions = b.o.companies, glPerCompany, noDims
	opts := append([]bctest.Option{bctest.WithDemo(demo)}, extra...)
	if model.Scale > 0 {
		opts = append(opts, bctest.WithServiceModel(model))
	}
	return bctest.NewServer(opts...)
}

// out is the --out value for a run named name.
func (b *bench) out(name string) string {
	switch {
	case b.o.sink == "sqlite":
		return "sqlite:" + filepath.Join(b.dir, name+".db")
	case b.o.sink == "jsonl":
		return "jsonl:" + filepath.Join(b.dir, name)
	}
	return b.o.sink
}

// sync runs the sync process against srv and measures it.
func (b *bench) sync(ctx context.Context, srv *bctest.Server, out string, args ...string) (measured, error) {
	tenant, client, secret := srv.Credentials()
	all := append([]string{"--tenant", tenant, "--client-id", client, "--environment", srv.Environment(),
		"--base-url", srv.BaseURL(), "--token-url", srv.TokenURL(), "--out", out, "--quiet"}, args...)
	cmd := exec.CommandContext(ctx, b.bin, all...)
	cmd.Env = childEnv(os.Environ(), secret)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Start()
	var hwm int64
	if err == nil {
		stop := make(chan struct{})
		polled := make(chan int64)
		go func() { polled <- peakWhileRunning(cmd.Process.Pid, stop) }()
		err = cmd.Wait()
		close(stop)
		hwm = <-polled
	}
	m := measured{wall: time.Since(start), stdout: stdout.String()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			m.maxRSS = ru.Maxrss * 1024
		}
	}
	if hwm > 0 {
		m.maxRSS = hwm
	}
	if err != nil {
		return m, fmt.Errorf("sync %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return m, nil
}

// peakWhileRunning is the peak resident memory of process pid (VmHWM in
// /proc/PID/status, in bytes), read every 10 ms until stop is closed; 0
// where /proc has no such line. The rusage of a child is no measure of it on
// Linux: the child starts from the bench's address space (os/exec spawns
// with vfork semantics) and exec folds that space's peak into the child's
// ru_maxrss, so a child can never report less than the bench's own peak.
// VmHWM belongs to the program the child runs. Only what the child adds
// in its last 10 ms can be missed.
func peakWhileRunning(pid int, stop <-chan struct{}) int64 {
	path := fmt.Sprintf("/proc/%d/status", pid)
	var peak int64
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			peak = max(peak, vmHWM(b))
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}

// vmHWM reads the VmHWM line ("VmHWM:\t  123456 kB") of a /proc status file,
// in bytes; 0 if there is none.
func vmHWM(status []byte) int64 {
	for line := range strings.Lines(string(status)) {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}

// childEnv is the sync's environment: the bench's own without its BC_*
// variables, which would change what is measured (BC_RECONCILE, BC_PROFILE)
// or contradict the flags the bench passes (BC_DEMO), plus the secret.
func childEnv(environ []string, secret string) []string {
	env := slices.DeleteFunc(slices.Clone(environ), func(kv string) bool { return strings.HasPrefix(kv, "BC_") })
	return append(env, "BC_CLIENT_SECRET="+secret)
}

// serviceBound measures the full sync, the sequential pager and the
// incremental sync at BC's rates. The sequential baseline spends most of its
// time waiting for the model, so it runs beside the parallel sync and the
// incremental run, each against a fake of its own.
func (b *bench) serviceBound(ctx context.Context, res *Results) error {
	model := bctest.ServiceModel{Base: b.o.latency, BytesPerSecond: b.o.bytesPerSecond, Scale: b.o.scale}
	clock := &aheadClock{}
	srv := b.fake(b.o.glEntries, model, false, bctest.WithClock(clock))
	defer srv.Close()
	seq := b.fake(b.o.glEntries, model, false)
	defer seq.Close()

	var wg sync.WaitGroup
	var seqRun measured
	var seqErr error
	wg.Go(func() {
		fmt.Fprintf(b.log, "bench: sequential pager (1 request at a time, pages of 20,000)…\n")
		seqRun, seqErr = b.sync(ctx, seq, b.out("sequential"), "--profile", b.o.profile, "--concurrency", "1", "--split=false", "--page-size", "20000")
	})
	fmt.Fprintf(b.log, "bench: full sync (%d G/L entries in each of %d companies, %s profile, model: %s per request + %.0f bytes/s, scale %g)…\n",
		b.o.glEntries, b.o.companies, b.o.profile, b.o.latency, b.o.bytesPerSecond, b.o.scale)
	full, err := b.sync(ctx, srv, b.out("full"), "--profile", b.o.profile, "--concurrency", fmt.Sprint(b.o.concurrency), "--page-size", fmt.Sprint(b.o.pageSize))
	if err != nil {
		wg.Wait()
		return err
	}
	st := srv.Stats()
	res.FloorSeconds = round(st.Floor.Seconds(), 3)
	res.SyncSeconds = round(full.wall.Seconds(), 3)
	res.RatioToFloor = round(full.wall.Seconds()/st.Floor.Seconds(), 3)
	res.ThrottledRequests = st.Throttled
	res.Details.RowsSynced = st.Rows
	res.Details.SyncRequests = st.Requests

	changed := changeRows(srv, b.o.change)
	res.Details.IncrementalRowsChanged = changed
	clock.skip(1100 * time.Millisecond) // the watermark has whole seconds: the changes must be a second older than the next run
	srv.ResetStats()
	fmt.Fprintf(b.log, "bench: incremental sync after %d rows changed…\n", changed)
	inc, err := b.sync(ctx, srv, b.out("full"), "--profile", b.o.profile, "--concurrency", fmt.Sprint(b.o.concurrency), "--page-size", fmt.Sprint(b.o.pageSize))
	if err != nil {
		wg.Wait()
		return err
	}
	res.IncrementalSeconds = round(inc.wall.Seconds(), 3)
	res.IncrementalFraction = round(inc.wall.Seconds()/full.wall.Seconds(), 4)
	res.Details.IncrementalFloorSeconds = round(srv.Stats().Floor.Seconds(), 3)
	if served := srv.Stats().Rows; served < int64(changed) {
		wg.Wait()
		return fmt.Errorf("the incremental run read %d rows, fewer than the %d changed: it missed changes", served, changed)
	}
	res.ThrottledRequests += srv.Stats().Throttled

	wg.Wait()
	if seqErr != nil {
		return seqErr
	}
	res.SequentialSeconds = round(seqRun.wall.Seconds(), 3)
	res.SpeedupVsSequential = round(seqRun.wall.Seconds()/full.wall.Seconds(), 3)
	res.Details.SequentialFloorSeconds = round(seq.Stats().Floor.Seconds(), 3)
	return nil
}

// changeRows changes a fraction of the rows of every set the finance profile
// reads incrementally (G/L entries included) and returns how many.
func changeRows(srv *bctest.Server, fraction float64) int {
	sets := []string{"generalLedgerEntries", "accounts", "customers", "vendors", "employees", "projects",
		"salesInvoices", "purchaseInvoices", "dimensions", "dimensionValues", "currencies", "accountingPeriods"}
	changed := 0
	for _, co := range srv.Tenant().Companies() {
		for _, set := range sets {
			n := co.Count(set)
			want := int(float64(n)*fraction + 0.5)
			if want == 0 {
				continue
			}
			step := n / want
			var keys []string
			i := 0
			co.Each(set, func(r map[string]string) bool {
				if i%step == 0 {
					keys = append(keys, r["id"])
				}
				i++
				return len(keys) < want
			})
			for _, k := range keys {
				field := "description"
				if set != "generalLedgerEntries" {
					field = "displayName"
				}
				if _, err := co.Update(set, k, map[string]any{field: "changed"}); err != nil {
					// Sets without that field get a change time only.
					if _, err := co.Update(set, k, map[string]any{}); err != nil {
						continue
					}
				}
				changed++
			}
		}
	}
	return changed
}

// clientBound measures the client's own cost: the fake answers as fast as
// it can, with G/L entries only.
func (b *bench) clientBound(ctx context.Context, res *Results) error {
	for _, rows := range b.o.clientGLEntries {
		run, err := b.clientRun(ctx, rows, b.out(fmt.Sprintf("client-%d", rows)), fmt.Sprintf("client-%d.pprof", rows))
		if err != nil {
			return err
		}
		res.Details.ClientRuns = append(res.Details.ClientRuns, run)
	}
	if b.o.postgres != "" {
		run, err := b.postgresRun(ctx, b.o.clientGLEntries[0])
		if err != nil {
			return err
		}
		res.Details.PostgresRun = &run
		res.ClientCPUUsPerRowPostgres = run.CPUMicrosecondsPerRow
	}
	runs := res.Details.ClientRuns
	if len(runs) > 0 {
		first, last := runs[0], runs[len(runs)-1]
		res.RowsPerSecond = first.RowsPerSecond
		res.ClientCPUUsPerRow = first.CPUMicrosecondsPerRow
		res.PeakRSSMiB1M = first.PeakRSSMiB
		res.PeakRSSMiB5M = last.PeakRSSMiB
	}
	return nil
}

// clientRun syncs rows G/L entries of one company, from a fake that answers
// as fast as it can, to out.
func (b *bench) clientRun(ctx context.Context, rows int, out, profile string) (ClientRun, error) {
	srv := b.fake(rows, bctest.ServiceModel{}, true)
	defer srv.Close()
	srv.ResetStats()
	fmt.Fprintf(b.log, "bench: client-bound sync of %d G/L entries to %s…\n", rows, strings.SplitN(out, ":", 2)[0])
	args := []string{"--entities", "generalLedgerEntries", "--companies", srv.Tenant().Companies()[0].ID,
		"--concurrency", fmt.Sprint(b.o.concurrency), "--page-size", fmt.Sprint(b.o.pageSize)}
	if b.o.cpuProfiles != "" {
		args = append(args, "--cpuprofile", filepath.Join(b.o.cpuProfiles, profile))
	}
	m, err := b.sync(ctx, srv, out, args...)
	if err != nil {
		return ClientRun{}, err
	}
	return ClientRun{Rows: rows, Seconds: round(m.wall.Seconds(), 3), CPUSeconds: round(m.cpu.Seconds(), 3),
		PeakRSSMiB: round(float64(m.maxRSS)/(1<<20), 1), RowsPerSecond: round(float64(rows)/m.wall.Seconds(), 0),
		CPUMicrosecondsPerRow: round(float64(m.cpu.Microseconds())/float64(rows), 2)}, nil
}

// printTable writes the results with the targets they are judged by.
func printTable(w io.Writer, r *Results, o options) {
	check := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "MISSED"
	}
	fmt.Fprintf(w, "\n%-24s %14s  %-22s %s\n", "figure", "value", "target", "")
	row := func(name string, v float64, format, target string, ok bool) {
		fmt.Fprintf(w, "%-24s %14s  %-22s %s\n", name, fmt.Sprintf(format, v), target, check(ok))
	}
	if !o.skipService {
		row("floor_seconds", r.FloorSeconds, "%.2f", "", true)
		row("sync_seconds", r.SyncSeconds, "%.2f", "", true)
		row("ratio_to_floor", r.RatioToFloor, "%.3f", "<= 1.10", r.RatioToFloor <= 1.10)
		row("throttled_requests", float64(r.ThrottledRequests), "%.0f", "= 0", r.ThrottledRequests == 0)
		row("sequential_seconds", r.SequentialSeconds, "%.2f", "", true)
		row("speedup_vs_sequential", r.SpeedupVsSequential, "%.2f", ">= 4.5", r.SpeedupVsSequential >= 4.5)
		row("incremental_seconds", r.IncrementalSeconds, "%.2f", "", true)
		row("incremental_fraction", r.IncrementalFraction, "%.4f", "<= 0.02", r.IncrementalFraction <= 0.02)
	}
	if !o.skipClient {
		row("rows_per_second", r.RowsPerSecond, "%.0f", "", true)
		row("client_cpu_us_per_row", r.ClientCPUUsPerRow, "%.2f", "<= 10", r.ClientCPUUsPerRow <= 10)
		row("peak_rss_mib_1m", r.PeakRSSMiB1M, "%.1f", "", true)
		row("peak_rss_mib_5m", r.PeakRSSMiB5M, "%.1f", "<= 100, <= 1m +15%", r.PeakRSSMiB5M <= 100 && r.PeakRSSMiB5M <= r.PeakRSSMiB1M*1.15)
		if o.postgres != "" {
			row("client_cpu_us_per_row_postgres", r.ClientCPUUsPerRowPostgres, "%.2f", "<= 10", r.ClientCPUUsPerRowPostgres <= 10)
		} else {
			fmt.Fprintf(w, "%-24s %14s  (no --postgres DSN or $%s)\n", "client_cpu_us_per_row_postgres", "skipped", postgresEnv)
		}
	}
	fmt.Fprintf(w, "\n%d rows synced in %d requests; bench took %.0f s (%s, %s CPUs)\n", r.Details.RowsSynced, r.Details.SyncRequests, r.Details.BenchSeconds, r.Details.GoVersion, r.Details.CPUs)
}
