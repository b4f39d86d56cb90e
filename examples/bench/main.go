// Command bench measures the sync against the fake BC's own floor.
//
// Service-bound: the fake serves at a model of BC online (a base cost per
// request plus the body at about 2 MB/s per call — what Microsoft's guide to
// extracting data reports measuring, not a published limit — and BC's
// published 5 requests at once per app), so no client can finish faster than the fake's floor: the service
// time of all the work divided by 5. The sync is judged by how close it gets
// (ratio_to_floor), by its speed-up over a plain sequential pager over the
// same sets into the same store, and by how long an incremental run takes
// after 0.1% of the rows changed.
//
// Client-bound: the fake answers as fast as it can, so only the client's own
// cost shows: CPU per row (decode + SQLite) and peak memory syncing 1 M and
// 5 M G/L entries — which must not grow with the table.
//
// The sync runs as a child process, so its CPU time and peak memory are
// measured apart from the fake's.
//
//	go run ./examples/bench [--json > results.json]
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
	"runtime"
	"strconv"
	"strings"
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
	glEntries, companies int
	profile, sink        string
	concurrency          int
	pageSize             int
	latency              time.Duration
	bytesPerSecond       float64
	scale                float64
	change               float64
	clientGLEntries      []int
	skipService          bool
	skipClient           bool
	json                 bool
	workDir              string
	keep                 bool
	cpuProfiles          string
	syncBinary           string
	quick                bool
	postgres             string
}

// flags defines the bench's flags into o (the list into clientGL), in the
// order of --help and docs/performance.md's table.
func flags(o *options, clientGL *string) *cli.Set {
	fs := cli.New("bench", nil, "", "Measures the sync against the fake BC's floor (service-bound) and its own cost per row (client-bound).",
		"The sync runs as a child process; progress goes to stderr, the results to stdout.")
	positive := func(n *int) func() bool { return func() bool { return *n >= 1 } }
	fs.Int(&o.glEntries, "gl-entries", 66_667, "G/L entries per company in the service-bound runs").Must("a number of at least 1", positive(&o.glEntries))
	fs.Int(&o.companies, "companies", 3, "companies in the fake").Must("a number of at least 1", positive(&o.companies))
	fs.String(&o.profile, "profile", "finance", "sync profile of the service-bound runs")
	fs.String(&o.sink, "sink", "sqlite", "store: sqlite, jsonl, or a postgres:// DSN").As("dest")
	fs.Int(&o.concurrency, "concurrency", 5, "the sync's requests in flight (BC processes 5 at once per app)").Must("a number of at least 1", positive(&o.concurrency))
	fs.Int(&o.pageSize, "page-size", 5000, "the sync's rows per request").Must("a number from 1 to 20000", func() bool { return o.pageSize >= 1 && o.pageSize <= 20000 })
	fs.Duration(&o.latency, "latency", 20*time.Millisecond, "model: service time of each request before its first byte").
		Must("a duration of at least 0, such as 20ms", func() bool { return o.latency >= 0 })
	fs.Float(&o.bytesPerSecond, "bytes-per-second", 2e6, "model: transfer rate of each response (the ~2 MB/s per call that Microsoft's guide to extracting data reports measuring, not a published limit)").
		Must("a number above 0", func() bool { return o.bytesPerSecond > 0 })
	fs.Float(&o.scale, "scale", 1, "model: time scale (1 = the modelled BC rates)").Must("a number above 0", func() bool { return o.scale > 0 })
	fs.Float(&o.change, "change", 0.001, "fraction of rows changed before the incremental run").Must("a fraction from 0 to 1", func() bool { return o.change >= 0 && o.change <= 1 })
	fs.String(clientGL, "client-gl-entries", "1000000,5000000", "G/L entries of the client-bound runs, one company each (the first and last give peak_rss_mib_1m and _5m)").As("list")
	fs.Bool(&o.skipService, "skip-service", false, "skip the service-bound runs")
	fs.Bool(&o.skipClient, "skip-client", false, "skip the client-bound runs")
	fs.Bool(&o.json, "json", false, "print the results as JSON on stdout (the table goes to stderr)")
	fs.String(&o.workDir, "dir", "", "work directory (default: a temporary one, removed at the end)").As("dir")
	fs.Bool(&o.keep, "keep", false, "keep the temporary work directory")
	fs.Bool(&o.quick, "quick", false, "a short run (about a minute, for CI): 10,000 G/L entries per company and client-bound runs of 100,000 and 200,000, unless given")
	fs.String(&o.postgres, "postgres", "", "PostgreSQL DSN for a client-bound run into PostgreSQL (client_cpu_us_per_row_postgres; default $"+postgresEnv+", none: skipped)").As("dsn")
	fs.String(&o.cpuProfiles, "cpuprofile-dir", "", "write a CPU profile of each client-bound sync to this directory (client-ROWS.pprof; read with go tool pprof -top)").As("dir")
	fs.String(&o.syncBinary, "sync-binary", "", "measure this build of the sync command instead of building it from this checkout (another revision, side by side)").As("path")
	fs.Renamed("rows", "gl-entries", "G/L entries per company, no longer over all companies")
	fs.Renamed("client-rows", "client-gl-entries", "")
	fs.Renamed("base", "latency", "")
	return fs
}

// serviceOnly and clientOnly are the flags only one kind of run reads.
var (
	serviceOnly = []string{"gl-entries", "profile", "latency", "bytes-per-second", "scale", "change"}
	clientOnly  = []string{"client-gl-entries", "cpuprofile-dir", "postgres"}
)

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var clientGL string
	fs := flags(&o, &clientGL)
	if err := fs.Parse(args, stderr); err != nil {
		return o, err
	}
	if o.quick {
		if !fs.Given("gl-entries") {
			o.glEntries = 10_000
		}
		if !fs.Given("client-gl-entries") {
			clientGL = "100000,200000"
		}
	}
	if !fs.Given("postgres") && !o.skipClient {
		o.postgres = os.Getenv(postgresEnv)
	}
	for _, s := range strings.Split(clientGL, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("--client-gl-entries %q must be counts such as 1000000,5000000", clientGL)
		}
		o.clientGLEntries = append(o.clientGLEntries, n)
	}
	if o.skipService && o.skipClient {
		return o, errors.New("--skip-service and --skip-client together measure nothing: drop one")
	}
	for _, r := range []struct {
		skip  string
		on    bool
		flags []string
	}{{"skip-service", o.skipService, serviceOnly}, {"skip-client", o.skipClient, clientOnly}} {
		for _, name := range r.flags {
			if r.on && fs.Given(name) {
				return o, fs.Pointless(name, r.skip, "those runs are skipped")
			}
		}
	}
	if o.keep && fs.Given("dir") {
		return o, fs.Pointless("keep", "dir", "a directory you name is always kept")
	}
	return o, nil
}

// Results are the bench's figures; the JSON field names are a contract.
type Results struct {
	FloorSeconds        float64 `json:"floor_seconds"`
	SyncSeconds         float64 `json:"sync_seconds"`
	RatioToFloor        float64 `json:"ratio_to_floor"`
	SequentialSeconds   float64 `json:"sequential_seconds"`
	SpeedupVsSequential float64 `json:"speedup_vs_sequential"`
	IncrementalSeconds  float64 `json:"incremental_seconds"`
	IncrementalFraction float64 `json:"incremental_fraction"`
	ThrottledRequests   int64   `json:"throttled_requests"`

	RowsPerSecond     float64 `json:"rows_per_second"`
	ClientCPUUsPerRow float64 `json:"client_cpu_us_per_row"`
	PeakRSSMiB1M      float64 `json:"peak_rss_mib_1m"`
	PeakRSSMiB5M      float64 `json:"peak_rss_mib_5m"`
	// ClientCPUUsPerRowPostgres is the first client-bound run's, into
	// PostgreSQL; 0 when no DSN was given.
	ClientCPUUsPerRowPostgres float64 `json:"client_cpu_us_per_row_postgres"`

	Details Details `json:"details"`
}

// Details say what was measured and how.
type Details struct {
	// GLEntries is per company, like the fake's DemoConfig.GLEntries.
	GLEntries, Companies    int
	Profile, Sink           string
	Concurrency, PageSize   int
	Latency                 string
	BytesPerSecond, Scale   float64
	RowsSynced              int64
	SyncRequests            int64
	SequentialFloorSeconds  float64
	IncrementalRowsChanged  int
	IncrementalFloorSeconds float64
	ClientRuns              []ClientRun
	PostgresRun             *ClientRun `json:",omitempty"`
	GoVersion, CPUs         string
	BenchSeconds            float64
}

// ClientRun is one client-bound run.
type ClientRun struct {
	Rows                  int
	Seconds, CPUSeconds   float64
	PeakRSSMiB            float64
	RowsPerSecond         float64
	CPUMicrosecondsPerRow float64
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	start := time.Now()
	dir := o.workDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "bcbench-"); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
	}
	if !o.keep && o.workDir == "" {
		defer os.RemoveAll(dir)
	}
	bin := o.syncBinary
	if bin == "" {
		bin = filepath.Join(dir, "bcsync")
		fmt.Fprintf(stderr, "bench: building the sync…\n")
		if err := buildSync(ctx, bin); err != nil {
			fmt.Fprintf(stderr, "bench: building the sync: %v\n", err)
			return 1
		}
	}
	res := &Results{Details: Details{GLEntries: o.glEntries, Companies: o.companies, Profile: o.profile, Sink: o.sink,
		Concurrency: o.concurrency, PageSize: o.pageSize, Latency: cli.FormatDuration(o.latency), BytesPerSecond: o.bytesPerSecond,
		Scale: o.scale, GoVersion: runtime.Version(), CPUs: strconv.Itoa(runtime.NumCPU())}}
	b := &bench{o: o, dir: dir, bin: bin, log: stderr}
	if !o.skipService {
		if err := b.serviceBound(ctx, res); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
	}
	if !o.skipClient {
		if err := b.clientBound(ctx, res); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
	}
	res.Details.BenchSeconds = time.Since(start).Seconds()
	if err := report(stdout, stderr, res, o); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	return 0
}

// report writes the results: the table to stdout, or with --json the JSON
// to stdout and the table to stderr, beside the progress lines.
func report(stdout, stderr io.Writer, res *Results, o options) error {
	if !o.json {
		printTable(stdout, res, o)
		return nil
	}
	printTable(stderr, res, o)
	data, err := json.MarshalIndent(res, "", "  ")
	if err == nil {
		_, err = fmt.Fprintf(stdout, "%s\n", data)
	}
	return err
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}
