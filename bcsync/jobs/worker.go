package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	_ "github.com/bcsdk/bc/bcsync/store/jsonl"    // the stores a tenant may name
	_ "github.com/bcsdk/bc/bcsync/store/postgres" //
	_ "github.com/bcsdk/bc/bcsync/store/sqlite"   //
	"github.com/riverqueue/river"
)

// syncWorker runs SyncEnvironment jobs.
type syncWorker struct {
	river.WorkerDefaults[SyncEnvironment]
	cfg   Config
	locks principalLocks
}

// Work syncs the job's tenant under its principal's lock.
func (w *syncWorker) Work(ctx context.Context, job *river.Job[SyncEnvironment]) error {
	reg := w.cfg.DB.Registry()
	t, err := reg.Get(ctx, job.Args.Tenant)
	switch {
	case errors.Is(err, ErrUnknownTenant):
		return river.JobCancel(err)
	case err != nil && ctx.Err() != nil:
		// Stopped before it began (a shutdown): the next worker runs it.
		return river.JobSnooze(0)
	case err != nil:
		// The jobs database did not answer; it is not the tenant's fault.
		return fmt.Errorf("reading tenant %s from the registry: %w", job.Args.Tenant, err)
	}
	if !t.Enabled {
		return river.JobCancel(fmt.Errorf("tenant %s is disabled; enable it to sync it", t.Name))
	}
	release, ok, err := w.locks.tryLock(ctx, t.Key())
	if err != nil && ctx.Err() != nil {
		return river.JobSnooze(0)
	}
	if err != nil {
		return fmt.Errorf("taking the lock of principal %s: %w", t.Key(), err)
	}
	if !ok {
		// Another run uses this principal's request limits.
		return river.JobSnooze(w.cfg.BusySnooze)
	}
	defer release()

	run := Run{Tenant: t.Name, Principal: t.Key(), JobID: job.ID, Attempt: job.Attempt, Started: w.cfg.Clock.Now().UTC()}
	eng, mode := w.engine(ctx, t)
	run.Mode = mode.String()
	if run.ID, err = w.cfg.DB.beginRun(ctx, run); err != nil {
		return fmt.Errorf("recording the run: %w", err)
	}
	var summary *bcsync.Summary
	var renewErr error
	err = eng.err
	if err == nil && mode == modeRenew {
		// A subscription that cannot be renewed leaves the tenant polled:
		// the sync goes on, and the next run tries again.
		var n int
		if n, renewErr = w.renew(ctx, t, eng.client); renewErr != nil {
			w.cfg.Logger.Warn("renewing the webhook subscriptions failed; the next run tries again", "tenant", t.Name, "err", oneLine(renewErr.Error()))
		} else {
			w.cfg.Logger.Info("webhook subscriptions renewed", "tenant", t.Name, "renewed", n)
		}
	}
	if err == nil {
		summary, err = eng.engine.Run(ctx)
	}
	out := w.classify(ctx, t, eng.secret, summary, err)
	if renewErr != nil && out.message == "" {
		out.message = "renewing the webhook subscriptions: " + oneLine(renewErr.Error())
	}
	run.Finished, run.Status, run.Error = w.cfg.Clock.Now().UTC(), out.status, out.message
	if summary != nil {
		run.Rows, run.Requests, run.Throttled = rowsOf(summary), summary.Stats.Requests, summary.Stats.Throttled
	}
	if ferr := w.cfg.DB.finishRun(context.WithoutCancel(ctx), run); ferr != nil {
		w.cfg.Logger.Error("recording the end of a run", "tenant", t.Name, "err", ferr)
	}
	w.cfg.Logger.Info("sync finished", "tenant", t.Name, "mode", run.Mode, "status", run.Status, "rows", run.Rows, "duration", run.Duration(), "err", run.Error)
	w.cfg.Hooks.runFinished(run)
	return out.err
}

// prepared is a run made ready: its engine, or why there is none.
type prepared struct {
	engine *bcsync.Engine
	client *bc.Client
	secret string
	err    error
}

// engine resolves t's secret, decides the mode from its store and builds
// the engine. Failures are kept in prepared.err, for classify.
func (w *syncWorker) engine(ctx context.Context, t Tenant) (prepared, mode) {
	secret, err := w.cfg.Secrets.Resolve(ctx, t.SecretRef)
	if err != nil {
		return prepared{err: &secretError{err}}, modeFull
	}
	st, err := store.New(t.Store)
	if err != nil {
		return prepared{secret: secret, err: &storeError{err}}, modeFull
	}
	m, err := w.decideMode(ctx, t, st)
	if err != nil {
		return prepared{secret: secret, err: err}, m
	}
	client, err := w.client(t, secret)
	if err == nil {
		var eng *bcsync.Engine
		eng, err = bcsync.New(client, st, bcsync.Options{
			Profile: t.Profile, Full: m == modeFull, Reconcile: m == modeReconcile,
			DrainTimeout: w.cfg.DrainTimeout, Logger: w.cfg.Logger.With("tenant", t.Name),
		})
		if err == nil {
			return prepared{engine: eng, client: client, secret: secret}, m
		}
	}
	return prepared{secret: secret, err: err}, m
}

// client is the BC client of t, with the caller's options after ours.
func (w *syncWorker) client(t Tenant, secret string) (*bc.Client, error) {
	var tokenOpts []bc.CredentialOption
	if t.TokenURL != "" {
		tokenOpts = append(tokenOpts, bc.WithTokenURL(t.TokenURL))
	}
	opts := []bc.Option{bc.WithTokenSource(bc.ClientCredentials(t.EntraTenant, t.ClientID, secret, tokenOpts...)), bc.WithLogger(w.cfg.Logger.With("tenant", t.Name))}
	if t.BaseURL != "" {
		opts = append(opts, bc.WithBaseURL(t.BaseURL))
	}
	return bc.NewClient(t.EntraTenant, t.Environment, append(opts, w.cfg.ClientOptions...)...)
}

// rowsOf counts the rows a run changed.
func rowsOf(s *bcsync.Summary) int64 {
	var n int64
	for _, r := range s.Results {
		n += r.Counts.Inserted + r.Counts.Updated + r.Counts.Deleted
	}
	return n
}

// Config is what the jobs need: the jobs database, how secrets resolve,
// and the knobs of the schedule. The zero values of the knobs are the
// defaults.
type Config struct {
	DB      *DB
	Secrets Secrets
	// ClientOptions are added to every BC client (a retry policy, a user
	// agent, an HTTP client).
	ClientOptions []bc.Option
	// TickEvery is how often the tick looks for due syncs (default 1m).
	TickEvery time.Duration
	// BusySnooze is how long a job waits when its principal is busy with
	// another tenant's run (default 30s).
	BusySnooze time.Duration
	// ThrottledSnooze is how long a job waits after a 429 that outlasted
	// the client's retries without a Retry-After (default 1m).
	ThrottledSnooze time.Duration
	// DrainTimeout lets requests in flight finish, to be committed, when a
	// job is stopped (see bcsync.Options.DrainTimeout; default 5s).
	DrainTimeout time.Duration
	Logger       *slog.Logger
	// RenewBefore is how long before a webhook subscription expires its
	// tenant's next run renews it (default 24h; BC's last 3 days).
	RenewBefore time.Duration
	// Hooks are told what happens, for metrics.
	Hooks Hooks
	// Clock dates the runs (nil: the system's).
	Clock bc.Clock
}

// Hooks are told of every run's end; nil fields are skipped.
type Hooks struct {
	RunFinished func(Run)
}

func (h Hooks) runFinished(r Run) {
	if h.RunFinished != nil {
		h.RunFinished(r)
	}
}

func (c Config) withDefaults() (Config, error) {
	if c.DB == nil {
		return c, fmt.Errorf("jobs: Config.DB is needed")
	}
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&c.TickEvery, time.Minute)
	set(&c.BusySnooze, 30*time.Second)
	set(&c.ThrottledSnooze, time.Minute)
	set(&c.DrainTimeout, 5*time.Second)
	set(&c.RenewBefore, 24*time.Hour)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = systemClock{}
	}
	return c, nil
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
