// Command sync copies Business Central data one way into a store Mosaic's
// loaders read: SQLite (default), PostgreSQL or JSON Lines files.
//
//	go run ./examples/sync --demo      # the embedded fake BC and its demo tenant → ./bc.db
//	BC_CLIENT_SECRET=… go run ./examples/sync --tenant T --client-id C --environment Production
//
// Exit codes: 0 everything synced, 1 some sets failed or the run was
// interrupted or aborted (the next run resumes it), 2 bad input or a setup
// problem.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/bcsdk/bc/examples/sync/internal/config"
	"golang.org/x/term"
)

func main() {
	// A higher GC percentage spends less CPU well below the memory limit,
	// which runSync sets from the run's options (memoryLimit). GOMEMLIMIT
	// and GOGC in the environment win.
	tuneMemory = os.Getenv("GOMEMLIMIT") == ""
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// tuneMemory: runSync sets the process's memory limit (main only, so that
// tests running the command in-process leave theirs alone).
var tuneMemory bool

// memoryLimit is the soft memory limit of a run that holds rows decoded
// rows at once (bcsync.Options.RowsHeld): the sync's memory must stay flat
// however big the tables, so the collector works harder near the limit
// instead of growing the heap. A held row costs about 700 bytes of heap
// (a G/L entry); 1 KiB a row leaves the collector room, and the base
// covers the rest of the heap.
func memoryLimit(rows int) int64 {
	return 24<<20 + int64(rows)<<10
}

// Exit codes.
const (
	exitOK      = 0
	exitPartial = 1
	exitSetup   = 2
)

// run is main without the process, so tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	return runWith(ctx, args, stdout, stderr, getenv, signals)
}

// runWith is run with its interrupts (SIGINT, SIGTERM) coming from
// signals, so tests can interrupt one run among many in parallel.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, signals <-chan os.Signal) int {
	cfg, err := config.Parse(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "sync: %v\n", err)
		return exitSetup
	}
	logger := newLogger(cfg.LogFormat, cfg.LogLevel, cfg.Quiet, stderr)
	if cfg.Doctor {
		return runDoctor(ctx, cfg, stdout, stderr)
	}

	// A first SIGINT/SIGTERM cancels the run: no more requests are made, the
	// ones in flight are abandoned (the next run reads them again) and the
	// pages already fetched are committed. A second one aborts: it ends the
	// store's work in progress too (see bcsync.Engine.Abort).
	ctx, abort := context.WithCancel(ctx)
	defer abort()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		select {
		case <-signals:
			stop()
		case <-ctx.Done():
			return
		}
		select {
		case <-signals:
			abort()
		case <-ctx.Done():
		}
	}()

	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			fmt.Fprintf(stderr, "sync: --cpuprofile: %v\n", err)
			return exitSetup
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "sync: --cpuprofile: %v\n", err)
			return exitSetup
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.MemProfile != "" {
		defer func() {
			if f, err := os.Create(cfg.MemProfile); err == nil {
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}()
	}
	bars := !cfg.Quiet && cfg.LogFormat == "text" && isTerminal(stderr)
	return runSync(ctx, runCtx, cfg, stdout, stderr, logger, bars)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newLogger(format, level string, quiet bool, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(level))
	if quiet && lvl < slog.LevelError {
		lvl = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
