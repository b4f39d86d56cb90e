package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/examples/sync/internal/config"
	"github.com/bcsdk/bc/examples/sync/internal/progress"
)

// version is sent in the User-Agent, so BC's telemetry shows the sync.
const version = "0.1.0"

// target is where the sync reads from: a real environment or the demo.
type target struct {
	tenant, clientID, secret, environment, baseURL, tokenURL string
	fake                                                     *bctest.Server
}

func newTarget(cfg *config.Config) target {
	if !cfg.Demo {
		return target{cfg.Tenant, cfg.ClientID, cfg.Secret(), cfg.Environment, cfg.BaseURL, cfg.TokenURL, nil}
	}
	demo := bctest.DefaultDemo()
	demo.GLEntries, demo.Companies = cfg.DemoGLEntries, cfg.DemoCompanies
	var opts []bctest.Option
	if cfg.Watch {
		// Notifications 3 s after a change instead of BC's 30 s, so that
		// --demo --watch shows them soon.
		opts = append(opts, bctest.WithWebhooks(bctest.Webhooks{Delay: 3 * time.Second}))
	}
	fake := bctest.NewDemoServer(demo, opts...)
	tenant, client, secret := fake.Credentials()
	return target{tenant, client, secret, fake.Environment(), fake.BaseURL(), fake.TokenURL(), fake}
}

func (t target) client(cfg *config.Config, logger *slog.Logger) (*bc.Client, error) {
	ts := bc.ClientCredentials(t.tenant, t.clientID, t.secret, bc.WithTokenURL(t.tokenURL))
	retry := bc.DefaultRetryPolicy()
	retry.BaseDelay = cfg.RetryDelay
	return bc.NewClient(t.tenant, t.environment,
		bc.WithBaseURL(t.baseURL), bc.WithTokenSource(ts), bc.WithMaxConcurrency(cfg.Concurrency),
		bc.WithLogger(logger), bc.WithUserAgent("bcsdk-sync/"+version), bc.WithRetryPolicy(retry))
}

// runSync runs one sync and returns the exit code. Nothing is created
// before the setup checks pass: the engine opens --out only once BC has
// accepted the credentials and listed the companies. runCtx ends with a
// first interrupt, ctx with a second one.
func runSync(ctx, runCtx context.Context, cfg *config.Config, stdout, stderr io.Writer, logger *slog.Logger, bars bool) int {
	var ln net.Listener
	if cfg.Watch {
		var err error
		if ln, err = listen(cfg.Listen); err != nil {
			fmt.Fprintf(stderr, "sync: --listen: %v\n", err)
			return exitSetup
		}
		defer ln.Close()
	}
	st, err := store.New(cfg.Out)
	if err != nil {
		fmt.Fprintf(stderr, "sync: --out: %v\n", err)
		return exitSetup
	}

	tgt := newTarget(cfg)
	if tgt.fake != nil {
		defer tgt.fake.Close()
		logger.Info("running against the embedded fake BC (demo tenant)", "url", tgt.fake.URL)
	}
	client, err := tgt.client(cfg, logger)
	if err != nil {
		fmt.Fprintf(stderr, "sync: %v\n", err)
		return exitSetup
	}

	tracker := progress.New(stderr, logger, bars)
	stopShown := onStop(runCtx, tracker.Stopping)
	opts := bcsync.Options{
		Companies: cfg.Companies, Profile: cfg.PlanProfile(), Sets: cfg.Entities,
		Full: cfg.Full, Since: cfg.Since, Overlap: cfg.Overlap, Reconcile: cfg.Reconcile, MarkDeleted: cfg.MarkDeleted, Force: cfg.Force,
		Workers: cfg.Concurrency, PageSize: cfg.PageSize, NoSplit: !cfg.Split, Logger: logger, Observer: tracker,
	}
	if tuneMemory {
		debug.SetMemoryLimit(memoryLimit(opts.RowsHeld()))
	}
	var summary *bcsync.Summary
	eng, err := bcsync.New(client, st, opts)
	if err == nil {
		defer context.AfterFunc(ctx, eng.Abort)()
		summary, err = eng.Run(runCtx)
	}
	stopShown()
	tracker.Close()
	if summary != nil && len(summary.Results) > 0 {
		_ = summary.WriteTable(stdout)
		where := store.Describe(cfg.Out)
		fmt.Fprintf(stdout, "Stored in %s: %s\n", where, strings.Join(summary.Tables(), ", "))
		if !bars {
			logger.Info("stored", "in", where, "tables", summary.Tables())
		}
	}
	var setup *bcsync.SetupError
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "sync: aborted; what was committed stays, and the next run resumes from there\n")
		return exitPartial
	case errors.As(err, &setup):
		flag := setupFlags[setup.Step]
		fmt.Fprintf(stderr, "sync: %s%s%s\n", flag.prefix, oneLine(setup.Error()), flag.suffix)
		if setup.Step != bcsync.StepStore {
			explain(ctx, cfg, tgt, err, nil, stderr)
		}
		return exitSetup
	case errors.Is(err, bcsync.ErrInterrupted):
		fmt.Fprintf(stderr, "sync: %v\n", err)
		return exitPartial
	case summary == nil || summary.Status == bcsync.StatusFailed:
		fmt.Fprintf(stderr, "sync: %s\n", oneLine(err.Error()))
		return exitPartial
	}
	if failed := summary.Failed(); len(failed) > 0 {
		for _, f := range failed {
			var limit *store.DeleteLimitError
			hint := ""
			if errors.As(f.Err, &limit) {
				hint = "; run with --force"
			}
			fmt.Fprintf(stderr, "sync: %s: %s%s\n", f.Set, oneLine(f.Reason()), hint)
		}
		fmt.Fprintf(stderr, "sync: %d of %d sets failed; the others are synced\n", len(failed), len(summary.Results))
		explain(ctx, cfg, tgt, nil, failed, stderr)
		if !cfg.Watch {
			return exitPartial
		}
	}
	if cfg.Watch {
		return watchAfter(ctx, runCtx, cfg, ln, client, st, opts, summary, logger, stderr, tgt.fake)
	}
	return exitOK
}

// setupFlags put a setup error in the command's terms: the flag to change.
var setupFlags = map[bcsync.SetupStep]struct{ prefix, suffix string }{
	bcsync.StepEnvironment:      {"", "; check --environment against the BC admin center"},
	bcsync.StepCompanySelection: {"--companies: ", ""},
	bcsync.StepMetadata:         {"", " (check the route in --entities)"},
	bcsync.StepPlan:             {"--entities: ", ""},
	bcsync.StepStore:            {"--out: ", ""},
}

// onStop calls f once stop ends. The returned function unhooks f, or waits
// until it has returned, so that what f writes comes before the run's last
// lines.
func onStop(stop context.Context, f func()) (settle func()) {
	done := make(chan struct{})
	unhook := context.AfterFunc(stop, func() {
		defer close(done)
		f()
	})
	return func() {
		if !unhook() {
			<-done
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
