// Package engine runs one sync: discover companies, plan company × set,
// split big sets into partitions, fetch pages in parallel under the client's
// shared concurrency budget, decode rows and hand them to a single writer
// that commits each page with its checkpoint.
package bcsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/schema"
)

// Options are what the command line asked for.
type Options struct {
	// Companies are names or ids; empty means all.
	Companies []string
	Profile   string
	Entities  []Ref
	// Full ignores watermarks; Since, when set, reads changes since then.
	Full  bool
	Since time.Time
	// Overlap is re-read before the watermark, so rows whose change committed
	// late (SystemModifiedAt is set before commit) are not lost.
	Overlap     time.Duration
	Reconcile   bool
	MarkDeleted bool
	// Workers is how many requests are kept in flight (the client's gate
	// enforces the same number).
	Workers int
	// PageSize caps the rows of one request; it bounds memory per request.
	PageSize int
	// NoSplit reads every set as one chain of pages: no partitions, no
	// counting requests (the plain pager the bench compares against).
	NoSplit bool
}

// Reporter receives progress; the command shows bars or logs from it.
type Reporter interface {
	// Planned announces a company × set; estimate is -1 when unknown.
	Planned(company, set string, estimate int64)
	// Fetched reports rows read in one page.
	Fetched(company, set string, rows int64)
	// Finished reports the end of a company × set.
	Finished(company, set string, r store.SetResult)
}

// Summary is the outcome of a run.
type Summary struct {
	Run store.Run
	// CompanyNames maps company ids to names, for display.
	CompanyNames map[string]string
	Results      []store.SetResult
	Stats        bc.Stats
	Resumed      bool
	Duration     time.Duration
}

// Failed returns the results of sets that failed.
func (s *Summary) Failed() []store.SetResult {
	var out []store.SetResult
	for _, r := range s.Results {
		if r.Error != "" {
			out = append(out, r)
		}
	}
	return out
}

// SetupError is a failure caused by the setup (credentials, app
// registration, permissions, bad input) rather than by one set; the command
// exits with 2 and the message names what to change.
type SetupError struct{ Err error }

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// Engine runs syncs.
type Engine struct {
	opts   Options
	client *bc.Client
	store  store.Store
	log    *slog.Logger
	report Reporter
	prep   *prepared // set by Prepare
}

// New returns an engine; it does no I/O.
func New(opts Options, c *bc.Client, st store.Store, log *slog.Logger, rep Reporter) *Engine {
	if opts.Workers <= 0 {
		opts.Workers = bc.DefaultMaxConcurrency
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 5000
	}
	return &Engine{opts: opts, client: c, store: st, log: log, report: rep}
}

// company is a company being synced.
type company struct {
	id, name string
}

// Run syncs. stop (a first SIGINT/SIGTERM) ends scheduling and abandons the
// requests in flight: the pages fetched are committed, and the run is
// recorded as interrupted so the next one resumes it and reads the
// abandoned pages again. ctx (a second signal) aborts everything at once;
// the run is recorded as interrupted too.
func (e *Engine) Run(ctx, stop context.Context) (*Summary, error) {
	if err := e.Prepare(ctx); err != nil {
		return nil, err
	}
	started, companies, serverStart, rows, sets := e.prep.started, e.prep.companies, e.prep.serverStart, e.prep.companyRows, e.prep.sets
	companiesTable, err := e.ensureTables(ctx, e.prep.schemas[StandardRoute], sets)
	if err != nil {
		return nil, err
	}
	run, cps, resumed, err := e.beginRun(ctx, companies, sets, serverStart, started)
	if err != nil {
		return nil, err
	}
	if _, err := e.store.Apply(ctx, []store.Batch{{Table: companiesTable, Upserts: rows}}, nil); err != nil {
		return nil, fmt.Errorf("writing companies: %w", err)
	}
	r := newRunner(e, run, cps)
	for _, co := range companies {
		for _, s := range sets {
			if err := r.plan(ctx, co, s); err != nil {
				return nil, err
			}
		}
	}
	r.execute(ctx, stop)
	if e.opts.Reconcile && r.fatal == nil && stop.Err() == nil {
		reconcileCtx, cancel := untilStopped(ctx, stop)
		r.reconcileAll(reconcileCtx)
		cancel()
	}
	summary := &Summary{Run: run, Results: r.results(), Stats: e.client.Stats(), Resumed: resumed, Duration: time.Since(started), CompanyNames: map[string]string{}}
	for _, co := range companies {
		summary.CompanyNames[co.id] = co.name
	}
	run.Finished = time.Now().UTC()
	aborted := ctx.Err() != nil
	switch {
	case aborted:
		// What failed after an abort failed because of it; the run resumes
		// like any interrupted one.
		run.Status = "interrupted"
	case r.fatal != nil:
		run.Status = "failed"
	case stop.Err() != nil:
		run.Status = "interrupted"
	case len(summary.Failed()) > 0:
		run.Status = "partial"
	default:
		run.Status = "ok"
	}
	summary.Run = run
	if err := e.store.UpdateRun(context.WithoutCancel(ctx), run); err != nil && r.fatal == nil {
		return summary, fmt.Errorf("recording the run: %w", err)
	}
	if r.fatal != nil && !aborted {
		return summary, r.fatal
	}
	return summary, nil
}

// schemas reads the live $metadata of every route in use, so the store
// gets new properties as columns; the built-in registry serves when BC's
// document cannot be read.
func (e *Engine) schemas(ctx context.Context) (map[string]*schema.Service, error) {
	routes := []string{StandardRoute}
	for _, r := range e.opts.Entities {
		if !slices.Contains(routes, r.Route) {
			routes = append(routes, r.Route)
		}
	}
	out := map[string]*schema.Service{}
	for _, route := range routes {
		r, err := e.client.RouteAt(route)
		if err != nil {
			return nil, &SetupError{err}
		}
		svc, err := r.Metadata(ctx)
		switch {
		case err == nil:
			out[route] = svc
		case route == StandardRoute && !isSetupFailure(err):
			e.log.Warn("using the built-in v26 schema: BC's $metadata could not be read", "error", err)
			out[route] = builtinSchema()
		case isSetupFailure(err):
			return nil, &SetupError{err}
		default:
			return nil, &SetupError{fmt.Errorf("reading the $metadata of /%s: %w (check the route in --entities)", route, err)}
		}
	}
	return out, nil
}

// isSetupFailure reports errors that no retry or other set can avoid.
func isSetupFailure(err error) bool {
	var ae *bc.AuthError
	return errors.As(err, &ae) || errors.Is(err, bc.ErrUnauthorized)
}

// ensureTables creates the output tables (adding new columns) before any
// row is written.
func (e *Engine) ensureTables(ctx context.Context, std *schema.Service, sets []*Set) (*store.Table, error) {
	ct := companiesTable(std)
	if err := e.store.EnsureTable(ctx, ct); err != nil {
		return nil, err
	}
	for _, t := range Tables(sets) {
		if err := e.store.EnsureTable(ctx, t); err != nil {
			return nil, err
		}
	}
	return ct, nil
}

// planText describes what a run reads; a run resumes only the same plan.
func (e *Engine) planText(companies []company, sets []*Set) string {
	var b strings.Builder
	mode := "incremental"
	if e.opts.Full {
		mode = "full"
	}
	fmt.Fprintf(&b, "mode=%s since=%s reconcile=%t companies=", mode, e.opts.Since.Format(time.RFC3339), e.opts.Reconcile)
	for i, co := range companies {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(co.id)
	}
	b.WriteString(" sets=")
	for i, s := range sets {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s.Name)
		if s.Route != StandardRoute {
			b.WriteString("@/" + s.Route)
		}
	}
	return b.String()
}

// beginRun resumes the last run if it was interrupted with the same plan,
// or starts a new one.
func (e *Engine) beginRun(ctx context.Context, companies []company, sets []*Set, serverStart, started time.Time) (store.Run, []store.Checkpoint, bool, error) {
	text := e.planText(companies, sets)
	last, ok, err := e.store.LastRun(ctx)
	if err != nil {
		return store.Run{}, nil, false, err
	}
	if ok && (last.Status == "running" || last.Status == "interrupted") && last.Plan == text {
		cps, err := e.store.Checkpoints(ctx, last.ID)
		if err != nil {
			return store.Run{}, nil, false, err
		}
		if bad := checkCheckpoints(cps, e.client.ServiceRoot()); bad != nil {
			// Set the run aside so the next one starts afresh; its rows are
			// upserts, so nothing it committed is lost or doubled.
			last.Status = "abandoned"
			if err := e.store.UpdateRun(ctx, last); err != nil {
				return store.Run{}, nil, false, err
			}
			return store.Run{}, nil, false, &SetupError{fmt.Errorf("the interrupted run %d cannot be resumed: %w; it is set aside and the next run starts afresh", last.ID, bad)}
		}
		last.Status = "running"
		if err := e.store.UpdateRun(ctx, last); err != nil {
			return store.Run{}, nil, false, err
		}
		e.log.Info("resuming the interrupted run", "run", last.ID, "checkpoints", len(cps))
		return last, cps, true, nil
	}
	mode := "incremental"
	if e.opts.Full {
		mode = "full"
	}
	run, err := e.store.BeginRun(ctx, store.Run{Started: started.UTC(), ServerStart: serverStart, Mode: mode, Status: "running", Plan: text})
	return run, nil, false, err
}

// results collects the per-set results of a run.
func (r *runner) results() []store.SetResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []store.SetResult
	for _, u := range r.units {
		u.mu.Lock()
		out = append(out, u.results()...)
		u.mu.Unlock()
	}
	return out
}
