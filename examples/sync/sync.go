package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/examples/sync/internal/config"
	"github.com/bcsdk/bc/examples/sync/internal/progress"
)

// version is sent in the User-Agent, so BC's telemetry shows the sync.
const version = "0.1.0"

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*config.Config, error) {
	return config.Parse(args, getenv, stderr)
}

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
	if cfg.DemoGLEntries > 0 {
		demo.GLEntries = cfg.DemoGLEntries
	}
	if cfg.DemoCompanies > 0 {
		demo.Companies = cfg.DemoCompanies
	}
	opts := []bctest.Option{bctest.WithDemo(demo), bctest.WithCustomAPI("bcsdk", "demo", "v1.0", bctest.JobTasksAPI())}
	if cfg.Watch {
		opts = append(opts, bctest.WithWebhooks(demoWebhooks))
	}
	fake := bctest.NewServer(opts...)
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
// before the setup checks pass: --out is only parsed until BC has accepted
// the credentials and listed the companies.
func runSync(ctx, stop context.Context, cfg *config.Config, stdout, stderr io.Writer, logger *slog.Logger, bars bool) int {
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
	stopShown := onStop(stop, tracker.Stopping)
	opts := bcsync.Options{
		Companies: cfg.Companies, Profile: cfg.PlanProfile(), Entities: cfg.Entities,
		Full: cfg.Full, Since: cfg.Since, Overlap: cfg.Overlap, Reconcile: cfg.Reconcile, MarkDeleted: cfg.MarkDeleted,
		Workers: cfg.Concurrency, PageSize: cfg.PageSize, NoSplit: !cfg.Split,
	}
	eng := bcsync.New(opts, client, st, logger, tracker)
	var summary *bcsync.Summary
	if err = eng.Prepare(ctx); err == nil && stop.Err() == nil {
		if err = st.Open(ctx); err != nil {
			err = &openError{err}
		} else {
			defer st.Close()
			summary, err = eng.Run(ctx, stop)
		}
	}
	stopShown()
	tracker.Close()
	if summary != nil && len(summary.Results) > 0 {
		progress.Summary(stdout, summary.Results, companyNames(summary), summary.Duration)
		where, tables := location(cfg.Out), tableNames(summary.Results)
		progress.Stored(stdout, where, tables)
		if !bars {
			logger.Info("stored", "in", where, "tables", tables)
		}
	}
	var setup *bcsync.SetupError
	var open *openError
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "sync: aborted; what was committed stays, and the next run resumes from there\n")
		return exitPartial
	case errors.As(err, &open):
		fmt.Fprintf(stderr, "sync: --out: %v\n", open.err)
		return exitSetup
	case errors.As(err, &setup):
		fmt.Fprintf(stderr, "sync: %s\n", oneLine(setup.Error()))
		explain(ctx, cfg, tgt, err, nil, stderr)
		return exitSetup
	case err != nil:
		fmt.Fprintf(stderr, "sync: %s\n", oneLine(err.Error()))
		return exitPartial
	case summary == nil || summary.Run.Status == "interrupted":
		fmt.Fprintf(stderr, "sync: interrupted; what was committed stays, and the next run resumes from there\n")
		return exitPartial
	}
	if failed := summary.Failed(); len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintf(stderr, "sync: %s: %s\n", f.Set, oneLine(f.Error))
		}
		fmt.Fprintf(stderr, "sync: %d of %d sets failed; the others are synced\n", len(failed), len(summary.Results))
		explain(ctx, cfg, tgt, nil, failed, stderr)
		if !cfg.Watch {
			return exitPartial
		}
	}
	if cfg.Watch {
		if tgt.fake != nil {
			defer demoEdits(tgt.fake, logger)()
		}
		defer onStop(stop, func() {
			logger.Warn("stopping the watch: its subscriptions are deleted; interrupt again to abort")
		})()
		return watchAfter(ctx, stop, cfg, ln, client, st, opts, summary, logger, stderr)
	}
	return exitOK
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

// openError is a destination that could not be opened: bad input (exit 2).
type openError struct{ err error }

func (e *openError) Error() string { return e.err.Error() }

func companyNames(s *bcsync.Summary) map[string]string { return s.CompanyNames }

// location says where --out writes, for people: an absolute path, or the
// PostgreSQL server, database and schema — never the password.
func location(out string) string {
	kind, rest, _ := strings.Cut(out, ":")
	switch kind {
	case "sqlite":
		return absolute(rest) + " (SQLite)"
	case "jsonl":
		return absolute(rest) + " (JSON Lines, a <table>.jsonl each)"
	}
	u, err := url.Parse(out)
	if err != nil {
		return "the PostgreSQL database of --out"
	}
	where := u.Scheme + "://" + u.Host + u.Path
	if schema := u.Query().Get("search_path"); schema != "" {
		where += ", schema " + schema
	}
	return where + " (PostgreSQL)"
}

func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// tableNames lists the tables a run wrote: companies, then the sets' and
// their children's tables by name.
func tableNames(results []store.SetResult) []string {
	var names []string
	for _, r := range results {
		if !slices.Contains(names, r.Set) {
			names = append(names, r.Set)
		}
	}
	slices.Sort(names)
	return append([]string{"companies"}, names...)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
