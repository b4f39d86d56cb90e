// Package bcsync copies Business Central data one way into a store
// (SQLite, PostgreSQL or JSON Lines files; see package store): it discovers
// the companies, plans company × set, splits big sets into partitions,
// fetches pages in parallel under the client's shared concurrency budget,
// and hands the rows to a single writer that commits each page with its
// checkpoint, so a run killed at any moment resumes from what was
// committed.
//
// New makes an Engine from a *bc.Client, a store and Options; Plan shows
// what a run reads; Run syncs.
package bcsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/schema"
)

// Engine runs syncs of one BC environment into one store.
type Engine struct {
	opts   Options
	client *bc.Client
	store  store.Store
	log    *slog.Logger
	clock  bc.Clock
	next   *prepared // set by Plan, used by the next Run

	// aborted ends with Abort: it ends Run's commits, which outlive Run's
	// context.
	aborted context.Context
	abort   context.CancelFunc
}

// New returns an engine that syncs what o asks for from c into st. It does
// no I/O: it checks o and fills in its defaults. Run opens st and closes it
// before it returns.
func New(c *bc.Client, st store.Store, o Options) (*Engine, error) {
	if c == nil || st == nil {
		return nil, errors.New("bcsync.New needs a client and a store")
	}
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	aborted, abort := context.WithCancel(context.Background())
	return &Engine{opts: o, client: c, store: st, log: o.Logger, clock: o.Clock, aborted: aborted, abort: abort}, nil
}

// Abort ends the engine's Run at once, its commits included, and makes
// later Runs return ErrInterrupted without starting. It is for when a
// cancelled Run's drain and last commits must not be waited for: a second
// interrupt, a job's hard deadline, a store that hangs. Each commit is one
// transaction, so an aborted one leaves the store as a kill would, and a
// new engine resumes from what was committed. The run's outcome
// (interrupted) is still recorded, given at most abortGrace.
func (e *Engine) Abort() { e.abort() }

// abortGrace bounds the one write made after Abort, the run's outcome: one
// small statement, far longer than it takes on a store that answers.
const abortGrace = 5 * time.Second

// commitContext returns the context commits use: it outlives ctx, so that
// what was fetched before a cancel is kept, and ends with Abort.
func (e *Engine) commitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	commit, cancel := context.WithCancel(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(e.aborted, cancel)
	return commit, func() { unhook(); cancel() }
}

// outcomeContext is the context the run's outcome is recorded with: the
// commit context, or after Abort one that allows abortGrace.
func (e *Engine) outcomeContext(commit context.Context) (context.Context, context.CancelFunc) {
	if e.aborted.Err() == nil {
		return commit, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(commit), abortGrace)
}

// company is a company being synced.
type company struct {
	id, name string
}

// Run syncs: it plans (unless Plan was just called), opens the store, and
// reads every company × set into it, resuming the last run if that was
// interrupted with the same plan. A failed setup returns a *SetupError, and
// nothing is written before the steps up to StepStore have passed.
//
// Cancelling ctx stops the run: no more requests start, those in flight get
// Options.DrainTimeout to finish, and what was fetched is committed. The
// run is recorded as interrupted at once, and Run returns the summary and
// ErrInterrupted; the next Run resumes it.
//
// When some sets failed and the others synced, Run returns the summary and
// an error joining a *SetError per failed set.
func (e *Engine) Run(ctx context.Context) (summary *Summary, err error) {
	started := e.clock.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(e.aborted, cancel)()
	p := e.next
	e.next = nil
	if p == nil {
		p, err = e.planChecking(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ErrInterrupted
			}
			return nil, err
		}
	}
	if err := e.store.Open(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ErrInterrupted
		}
		return nil, &SetupError{StepStore, err}
	}
	defer func() {
		if cerr := e.store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing the store: %w", cerr)
		}
	}()
	summary, err = e.run(ctx, p, started)
	if err != nil && summary == nil && ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	return summary, err
}

// prechecker is a store that can check its destination ahead of Open,
// writing nothing (the SQLite store: quick_check reads every page of the
// file, which would otherwise wait for the planning requests or they for
// it). Open reports what the check found; Close releases what it holds.
type prechecker interface {
	Precheck(ctx context.Context)
}

// planChecking plans while the store, if it is a prechecker, checks its
// destination. When the plan fails the store is closed, releasing what the
// check holds.
func (e *Engine) planChecking(ctx context.Context) (*prepared, error) {
	pc, ok := e.store.(prechecker)
	if !ok {
		return e.plan(ctx)
	}
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		pc.Precheck(ctx)
	}()
	p, err := e.plan(ctx)
	<-checked
	if err != nil {
		_ = e.store.Close()
		return nil, err
	}
	return p, nil
}

// run syncs into the open store. Commits use the commit context (see
// commitContext).
func (e *Engine) run(ctx context.Context, p *prepared, started time.Time) (*Summary, error) {
	companies, sets := p.companies, p.sets
	companiesTable, err := e.ensureTables(ctx, p.schemas[bc.StandardRoute], sets)
	if err != nil {
		return nil, err
	}
	run, cps, resumed, err := e.beginRun(ctx, companies, sets, p.serverStart, started)
	if err != nil {
		return nil, err
	}
	commit, endCommits := e.commitContext(ctx)
	defer endCommits()
	if _, err := e.store.Apply(commit, []store.Batch{{Table: companiesTable, Upserts: p.companyRows}}, nil); err != nil {
		return nil, fmt.Errorf("writing companies: %w", err)
	}
	r := newRunner(e, run, cps)
	for _, co := range companies {
		for _, s := range sets {
			if err := r.startUnit(commit, co, s); err != nil {
				return nil, err
			}
		}
	}
	r.execute(ctx, commit)
	if e.opts.Reconcile && r.fatal == nil && ctx.Err() == nil {
		r.reconcileAll(ctx, commit)
	}
	summary := &Summary{RunID: run.ID, Full: e.opts.Full, Resumed: resumed, Results: r.results(), Stats: e.client.Stats(), Duration: e.clock.Now().Sub(started)}
	for _, co := range companies {
		summary.Companies = append(summary.Companies, Company{co.id, co.name})
	}
	interrupted := ctx.Err() != nil
	switch {
	case interrupted:
		// What failed after a cancel failed because of it; the run resumes
		// like any interrupted one.
		summary.Status = StatusInterrupted
	case r.fatal != nil:
		summary.Status = StatusFailed
	case len(summary.Failed()) > 0:
		summary.Status = StatusPartial
	default:
		summary.Status = StatusOK
	}
	run.Status, run.Finished = string(summary.Status), e.clock.Now().UTC()
	outcome, done := e.outcomeContext(commit)
	defer done()
	if err := e.store.UpdateRun(outcome, run); err != nil && r.fatal == nil {
		return summary, fmt.Errorf("recording the run: %w", err)
	}
	switch {
	case interrupted:
		return summary, ErrInterrupted
	case r.fatal != nil:
		return summary, r.fatal
	}
	var errs []error
	for _, f := range summary.Failed() {
		errs = append(errs, f.Err)
	}
	return summary, errors.Join(errs...)
}

// metadata reads the $metadata of a route (api/v2.0 or a custom API's).
func (e *Engine) metadata(ctx context.Context, route string) (*schema.Service, error) {
	r, err := e.client.RouteAt(route)
	if err != nil {
		return nil, err
	}
	return r.Metadata(ctx)
}

// ensureTables creates the output tables (adding new columns) before any
// row is written.
func (e *Engine) ensureTables(ctx context.Context, std *schema.Service, sets []*plan.Set) (*store.Table, error) {
	ct := companiesTable(std)
	if err := e.store.EnsureTable(ctx, ct); err != nil {
		return nil, err
	}
	for _, t := range plan.Tables(sets) {
		if err := e.store.EnsureTable(ctx, t); err != nil {
			return nil, err
		}
	}
	return ct, nil
}

// planText describes what a run reads; a run resumes only the same plan.
func (e *Engine) planText(companies []company, sets []*plan.Set) string {
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
		if s.Route != bc.StandardRoute {
			b.WriteString("@/" + s.Route)
		}
	}
	return b.String()
}

// beginRun resumes the last run if it was interrupted with the same plan,
// or starts a new one.
func (e *Engine) beginRun(ctx context.Context, companies []company, sets []*plan.Set, serverStart, started time.Time) (store.Run, []store.Checkpoint, bool, error) {
	src := store.Source{Tenant: e.client.TenantID(), Environment: e.client.Environment(), ServiceRoot: e.client.ServiceRoot()}
	if err := e.store.CheckSource(ctx, src); err != nil {
		return store.Run{}, nil, false, &SetupError{StepStore, err}
	}
	text := e.planText(companies, sets)
	last, ok, err := e.store.LastRun(ctx)
	if err != nil {
		return store.Run{}, nil, false, err
	}
	if ok && (last.Status == string(StatusRunning) || last.Status == string(StatusInterrupted)) && last.Plan == text {
		cps, err := e.store.Checkpoints(ctx, last.ID)
		if err != nil {
			return store.Run{}, nil, false, err
		}
		if bad := checkCheckpoints(cps, e.client.ServiceRoot()); bad != nil {
			// Set the run aside so the next one starts afresh; its rows are
			// upserts, so nothing it committed is lost or doubled.
			last.Status = string(StatusAbandoned)
			if err := e.store.UpdateRun(ctx, last); err != nil {
				return store.Run{}, nil, false, err
			}
			return store.Run{}, nil, false, &SetupError{StepResume, fmt.Errorf("the interrupted run %d cannot be resumed: %w; it is set aside and the next run starts afresh", last.ID, bad)}
		}
		last.Status = string(StatusRunning)
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
	run, err := e.store.BeginRun(ctx, store.Run{Started: started.UTC(), ServerStart: serverStart, Mode: mode, Status: string(StatusRunning), Plan: text})
	return run, nil, false, err
}

// results collects the per-set results of a run.
func (r *runner) results() []SetResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []SetResult
	for _, u := range r.units {
		u.mu.Lock()
		out = append(out, u.outcome()...)
		u.mu.Unlock()
	}
	return out
}
