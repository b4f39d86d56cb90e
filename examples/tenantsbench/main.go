// Command tenantsbench measures syncd running many small tenants: tenants
// synced per minute on the embedded SQLite jobs database (one process), on
// PostgreSQL (one process), and on PostgreSQL with two processes (the
// speed-up of adding a machine), whether BC's per-principal cap (5 requests
// at once) held, and River's own cost per job.
//
// The fake tenants are served by this process, each principal counting its
// requests in flight across all of its environments; syncd runs as child
// processes, built once, as in production. Each tenant's store is a SQLite
// file of its own in every mode, so the modes differ only in the jobs
// database.
//
//	go run ./examples/tenantsbench --postgres postgres://… [--json]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/bcsdk/bc/examples/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the bench's flags.
type options struct {
	tenants, envsPer, workers int
	profile, postgres         string
	timeout                   time.Duration
	json, keep                bool
	workDir                   string
}

func flags(o *options) *cli.Set {
	fs := cli.New("tenantsbench", nil, "", "Measures syncd on many small demo tenants: SQLite, PostgreSQL, and two processes on PostgreSQL.",
		"syncd runs as child processes; progress goes to stderr, the results to stdout.")
	fs.Int(&o.tenants, "tenants", 200, "demo tenants (one company each)").Must("a number of at least 1", func() bool { return o.tenants >= 1 })
	fs.Int(&o.envsPer, "envs-per-principal", 2, "environments sharing an (Entra tenant, client id), whose runs take turns").Must("a number of at least 1", func() bool { return o.envsPer >= 1 })
	fs.String(&o.profile, "profile", "mosaic", "sync profile of every tenant (finance reads more sets at once: up to 5 requests in flight)")
	fs.Int(&o.workers, "workers", 10, "syncd --workers of each process").Must("a number of at least 1", func() bool { return o.workers >= 1 })
	fs.String(&o.postgres, "postgres", os.Getenv("BC_TEST_POSTGRES_DSN"), "PostgreSQL for the jobs database (each mode gets a schema of its own); empty: SQLite only").As("dsn")
	fs.Duration(&o.timeout, "timeout", 15*time.Minute, "longest a mode may take").Must("a positive duration", func() bool { return o.timeout > 0 })
	fs.Bool(&o.json, "json", false, "print the results as JSON")
	fs.String(&o.workDir, "work-dir", "", "directory for the jobs databases and stores (default: a temp dir)").As("dir")
	fs.Bool(&o.keep, "keep", false, "keep the work dir")
	return fs
}

// Results are what the bench measured.
type Results struct {
	Tenants    int    `json:"tenants"`
	Profile    string `json:"profile"`
	Principals int    `json:"principals"`
	Workers    int    `json:"workers_per_process"`
	CPUs       int    `json:"cpus"`
	// SQLite, Postgres and Postgres2 are the modes; Postgres* are absent
	// without --postgres.
	SQLite    Mode  `json:"sqlite"`
	Postgres  *Mode `json:"postgres,omitempty"`
	Postgres2 *Mode `json:"postgres_2_processes,omitempty"`
	// Speedup2Processes is Postgres2's tenants per minute over Postgres's.
	Speedup2Processes float64 `json:"speedup_2_processes,omitempty"`
}

// Mode is one configuration's measurement.
type Mode struct {
	Processes        int     `json:"processes"`
	Seconds          float64 `json:"seconds"`
	TenantsPerMinute float64 `json:"tenants_per_minute"`
	// MaxInFlightPerPrincipal is the most requests any principal had in
	// flight at once (BC's cap: 5).
	MaxInFlightPerPrincipal int  `json:"max_in_flight_per_principal"`
	CapHeld                 bool `json:"cap_held"`
	// RunOverlaps counts runs of one principal that overlapped in time
	// (the runs table); 0 when the lock held.
	RunOverlaps int `json:"run_overlaps"`
	// MeanSyncMs is the mean time inside a run (the engine's work).
	MeanSyncMs float64 `json:"mean_sync_ms"`
	// RiverOverheadMsPerJob is the job's time in River's hands beyond its
	// run: the last attempt's duration minus the run's, averaged (registry
	// read, lock, mode decision, runs table, completion).
	RiverOverheadMsPerJob float64 `json:"river_overhead_ms_per_job"`
	// NoopMsPerJob is the wall time per no-op job through a River client
	// of the same database and settings, 1 worker: fetch, work, complete.
	NoopMsPerJob float64 `json:"noop_ms_per_job"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	if err := flags(&o).Parse(args, stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "tenantsbench: %v\n", err)
		return 2
	}
	if err := bench(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "tenantsbench: %v\n", err)
		return 1
	}
	return 0
}

func bench(ctx context.Context, o options, stdout, stderr io.Writer) error {
	dir := o.workDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "tenantsbench-")
		if err != nil {
			return err
		}
		dir = tmp
		if !o.keep {
			defer os.RemoveAll(dir)
		}
	}
	bin := filepath.Join(dir, "syncd")
	fmt.Fprintln(stderr, "building syncd")
	if err := buildSyncd(ctx, bin); err != nil {
		return fmt.Errorf("building syncd: %w", err)
	}
	f := newFakes(o.tenants, o.envsPer, o.profile)
	defer f.close()
	res := &Results{Tenants: o.tenants, Profile: o.profile, Principals: len(f.principals), Workers: o.workers, CPUs: cpus()}
	b := &runner{o: o, dir: dir, bin: bin, fakes: f, log: stderr}
	var err error
	if res.SQLite, err = b.mode(ctx, "sqlite", "sqlite:"+filepath.Join(dir, "sqlite-jobs.db"), 1); err != nil {
		return err
	}
	if o.postgres != "" {
		for _, m := range []struct {
			name  string
			procs int
			into  **Mode
		}{{"postgres", 1, &res.Postgres}, {"postgres2", 2, &res.Postgres2}} {
			dsn, drop, err := freshSchema(ctx, o.postgres, m.name)
			if err != nil {
				return err
			}
			got, err := b.mode(ctx, m.name, dsn, m.procs)
			drop()
			if err != nil {
				return err
			}
			*m.into = &got
		}
		res.Speedup2Processes = round(res.Postgres2.TenantsPerMinute/res.Postgres.TenantsPerMinute, 2)
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printTable(stdout, res)
	return nil
}

func printTable(w io.Writer, r *Results) {
	fmt.Fprintf(w, "%d tenants (%s), %d principals, %d workers per process, %d CPUs\n", r.Tenants, r.Profile, r.Principals, r.Workers, r.CPUs)
	fmt.Fprintf(w, "%-22s %6s %9s %12s %8s %9s %10s %8s\n", "mode", "procs", "seconds", "tenants/min", "max/prin", "overlaps", "river ms", "noop ms")
	row := func(name string, m *Mode) {
		if m != nil {
			fmt.Fprintf(w, "%-22s %6d %9.1f %12.1f %8d %9d %10.2f %8.2f\n", name, m.Processes, m.Seconds, m.TenantsPerMinute, m.MaxInFlightPerPrincipal, m.RunOverlaps, m.RiverOverheadMsPerJob, m.NoopMsPerJob)
		}
	}
	row("sqlite", &r.SQLite)
	row("postgres", r.Postgres)
	row("postgres, 2 processes", r.Postgres2)
	if r.Speedup2Processes > 0 {
		fmt.Fprintf(w, "speed-up of 2 processes: %.2f×\n", r.Speedup2Processes)
	}
}
