// Command bench measures the sync against the fake BC's own floor.
//
// Service-bound: the fake serves at BC's published rates (a base cost per
// request plus the body at about 2 MB/s per call, 5 requests at once per
// app), so no client can finish faster than the fake's floor: the service
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
//	go run ./examples/bench [--json results.json]
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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the bench's flags.
type options struct {
	rows, companies   int
	profile, sink     string
	concurrency       int
	pageSize          int
	base              time.Duration
	bytesPerSecond    float64
	scale             float64
	change            float64
	clientRows        []int
	skipService       bool
	skipClient        bool
	jsonPath, workDir string
	keep              bool
	cpuProfiles       string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var clientRows string
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.rows, "rows", 200_000, "G/L entries in the service-bound runs, over all companies")
	fs.IntVar(&o.companies, "companies", 3, "companies")
	fs.StringVar(&o.profile, "profile", "finance", "sync profile of the service-bound runs")
	fs.StringVar(&o.sink, "sink", "sqlite", "store: sqlite, jsonl, or a postgres:// DSN")
	fs.IntVar(&o.concurrency, "concurrency", 5, "the sync's requests in flight (BC processes 5 at once per app)")
	fs.IntVar(&o.pageSize, "page-size", 5000, "the sync's rows per request")
	fs.DurationVar(&o.base, "base", 20*time.Millisecond, "model: service time per request before the first byte")
	fs.Float64Var(&o.bytesPerSecond, "bytes-per-second", 2e6, "model: transfer rate per request (BC documents about 2 MB/s per API call)")
	fs.Float64Var(&o.scale, "scale", 1, "model: time scale (1 = real BC rates)")
	fs.Float64Var(&o.change, "change", 0.001, "fraction of rows changed before the incremental run")
	fs.StringVar(&clientRows, "client-rows", "1000000,5000000", "G/L entries of the client-bound runs (the first and last give peak_rss_mib_1m and _5m)")
	fs.BoolVar(&o.skipService, "skip-service", false, "skip the service-bound runs")
	fs.BoolVar(&o.skipClient, "skip-client", false, "skip the client-bound runs")
	fs.StringVar(&o.jsonPath, "json", "", "also write the results to this JSON file")
	fs.StringVar(&o.workDir, "dir", "", "work directory (default: a temporary one)")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory")
	fs.StringVar(&o.cpuProfiles, "cpuprofile-dir", "", "write a CPU profile of each client-bound sync to this directory (client-ROWS.pprof; read with go tool pprof -top)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, s := range strings.Split(clientRows, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("--client-rows %q: give counts such as 1000000,5000000", clientRows)
		}
		o.clientRows = append(o.clientRows, n)
	}
	switch {
	case o.rows < o.companies || o.companies < 1:
		return o, errors.New("--rows must be at least --companies, which must be at least 1")
	case o.concurrency < 1 || o.pageSize < 1 || o.scale <= 0 || o.bytesPerSecond <= 0:
		return o, errors.New("--concurrency, --page-size, --scale and --bytes-per-second must be positive")
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

	Details Details `json:"details"`
}

// Details say what was measured and how.
type Details struct {
	Rows, Companies         int
	Profile, Sink           string
	Concurrency, PageSize   int
	Base                    string
	BytesPerSecond, Scale   float64
	RowsSynced              int64
	SyncRequests            int64
	SequentialFloorSeconds  float64
	IncrementalRowsChanged  int
	IncrementalFloorSeconds float64
	ClientRuns              []ClientRun
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
	bin := filepath.Join(dir, "bcsync")
	fmt.Fprintf(stderr, "bench: building the sync…\n")
	if err := buildSync(ctx, bin); err != nil {
		fmt.Fprintf(stderr, "bench: building the sync: %v\n", err)
		return 1
	}
	res := &Results{Details: Details{Rows: o.rows, Companies: o.companies, Profile: o.profile, Sink: o.sink,
		Concurrency: o.concurrency, PageSize: o.pageSize, Base: o.base.String(), BytesPerSecond: o.bytesPerSecond,
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
	printTable(stdout, res, o)
	if o.jsonPath != "" {
		data, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(o.jsonPath, append(data, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "bench: --json: %v\n", err)
			return 1
		}
	}
	return 0
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}
