package bcsync

import (
	"context"
	"sync"
	"time"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/odata"
)

// A unit is one company × set: its mode, its tasks in flight, its counts.
type unit struct {
	co   company
	set  *plan.Set
	dec  *decode.Decoder
	full bool // read everything (no watermark)
	// staged: a first load of a set with change times (read in full), whose
	// rows are staged and published whole when the unit finishes, in the
	// transaction of its watermark. Child tables are written in place.
	staged bool
	since  time.Time // incremental: lastModifiedDateTime after this (minus overlap)
	// sentinels: a first load from --since also reads rows whose change
	// time is BC's 0001-01-01 sentinel.
	sentinels bool

	mu      sync.Mutex
	open    int      // tasks handed out or queued, not yet committed
	carver  *carver  // ledger ranges still to be read
	keys    []string // keys seen, for sets re-read in full (delete detection)
	failed  bool
	done    bool
	resumed bool // continued from an interrupted run
	started time.Time
	result  store.SetResult
	err     error // why the unit failed or stopped, nil while it has not
	// children are the results of the child tables read with the set.
	children map[string]*store.SetResult
}

// tableResult is the result the counts of table t go to.
func (u *unit) tableResult(t *store.Table) *store.SetResult {
	if t == u.set.Table {
		return &u.result
	}
	if u.children == nil {
		u.children = map[string]*store.SetResult{}
	}
	r, ok := u.children[t.Name]
	if !ok {
		r = &store.SetResult{RunID: u.result.RunID, CompanyID: u.co.id, Set: t.Name}
		u.children[t.Name] = r
	}
	return r
}

// results lists the unit's results: the set's (when stored) and its
// children's, which share its error and duration.
func (u *unit) results() []store.SetResult {
	var out []store.SetResult
	if u.set.Store {
		out = append(out, u.result)
	}
	for _, c := range u.set.Children {
		r := *u.tableResult(c.Table)
		r.Error, r.Duration = u.result.Error, u.result.Duration
		if !u.set.Store {
			r.Requests, r.Retries, r.Throttled = u.result.Requests, u.result.Retries, u.result.Throttled
		}
		out = append(out, r)
	}
	return out
}

// key names the unit's table t for an Observer.
func (u *unit) key(t string) SetKey { return SetKey{Company{u.co.id, u.co.name}, t} }

// fail records why the unit failed.
func (u *unit) fail(err error) {
	u.err = err
	u.result.Error = err.Error()
}

// outcome is results() for a Summary or an Observer; the caller holds mu.
func (u *unit) outcome() []SetResult {
	var out []SetResult
	for _, r := range u.results() {
		res := SetResult{SetKey: u.key(r.Set), Counts: r.Counts, Requests: r.Requests, Retries: r.Retries, Throttled: r.Throttled, Duration: r.Duration}
		if u.err != nil {
			res.Err = &SetError{Company: res.Company, Set: r.Set, Err: u.err}
		}
		out = append(out, res)
	}
	return out
}

// tally names the _counts row of table t in this run.
func (u *unit) tally(t *store.Table) *store.Tally {
	return &store.Tally{RunID: u.result.RunID, CompanyID: u.co.id, Set: t.Name}
}

// requestTables are the tables whose results report the unit's requests:
// the set's own, or each child's when the set is read only for them.
func (u *unit) requestTables() []*store.Table {
	if u.set.Store {
		return []*store.Table{u.set.Table}
	}
	tables := make([]*store.Table, len(u.set.Children))
	for i, c := range u.set.Children {
		tables[i] = c.Table
	}
	return tables
}

// task is one request's worth of work: a first page (query) or a
// continuation (next).
type task struct {
	u     *unit
	part  partition
	query *odata.Query
	next  string
	// est is the expected rows, for scheduling (largest first).
	est  int64
	rows int64 // rows the partition committed before this task
	// links guards the partition's chain of nextLinks against loops; nil
	// until its first page is read.
	links *linkGuard
	// counting marks a task that only counts rows to plan partitions.
	counting bool
}

// runner holds the state of one run's fetch phase.
type runner struct {
	e    *Engine
	run  store.Run
	cps  map[string][]store.Checkpoint // by company/set
	jobs chan writeJob

	mu    sync.Mutex
	units []*unit
	fatal error

	sched *scheduler
	idle  []*unit // units with nothing to fetch, finished by the writer
}

// rereads reports a set without change times that is read in full every
// time: rows not read again were deleted in BC. A resumed read saw only
// part of the keys, so it deletes nothing.
func (u *unit) rereads() bool {
	return u.full && !u.set.LastModified && u.set.Store && !u.set.Ledger && !u.resumed
}

// settleIfIdle marks a unit with no work left for the writer to finish.
func (r *runner) settleIfIdle(u *unit) {
	u.mu.Lock()
	idle := u.open <= 0 && u.carver == nil
	u.mu.Unlock()
	if idle {
		r.idle = append(r.idle, u)
	}
}

func newRunner(e *Engine, run store.Run, cps []store.Checkpoint) *runner {
	r := &runner{e: e, run: run, cps: map[string][]store.Checkpoint{}}
	for _, cp := range cps {
		k := cp.CompanyID + "/" + cp.Set
		r.cps[k] = append(r.cps[k], cp)
	}
	r.sched = newScheduler(e.opts.Workers, e.opts.PageSize)
	return r
}

// setFatal records the first failure that stops the whole run.
func (r *runner) setFatal(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fatal == nil {
		r.fatal = err
	}
	r.sched.close()
}

// execute runs the workers and the writer until all work is done or ctx
// ends. Once it ends no request starts, and those in flight get the drain
// timeout to finish — by default none: a BC page can take a minute, and
// what was not committed the next run reads again. The pages fetched are
// committed with commit, which outlives ctx. Every goroutine it starts has
// ended when it returns.
func (r *runner) execute(ctx, commit context.Context) {
	// A short queue: a page waiting for the writer holds memory, and the
	// writer gathers what waits into one transaction anyway.
	r.jobs = make(chan writeJob, writeQueue)
	var writer sync.WaitGroup
	writer.Go(func() { r.write(ctx, commit) })
	for _, u := range r.idle {
		r.jobs <- writeJob{u: u}
	}
	fetchCtx, abandon := context.WithCancel(commit)
	defer abandon()
	defer r.sched.until(ctx)()
	fetched := make(chan struct{})
	var drain sync.WaitGroup
	drain.Go(func() { r.drain(ctx, fetched, abandon) })
	var workers sync.WaitGroup
	for range r.e.opts.Workers {
		workers.Go(func() { r.work(fetchCtx) })
	}
	workers.Wait()
	close(fetched)
	drain.Wait()
	close(r.jobs)
	writer.Wait()
	r.finishStopped()
}

// drain abandons the requests in flight once ctx has ended and the drain
// timeout has passed, unless they are all done first.
func (r *runner) drain(ctx context.Context, fetched <-chan struct{}, abandon func()) {
	select {
	case <-fetched:
		return
	case <-ctx.Done():
	}
	if r.e.opts.DrainTimeout > 0 {
		select {
		case <-fetched:
			return
		case <-r.e.clock.After(r.e.opts.DrainTimeout):
		}
	}
	abandon()
}

// work takes tasks until there are none.
func (r *runner) work(ctx context.Context) {
	for {
		t := r.sched.next()
		if t == nil {
			return
		}
		r.fetch(ctx, t)
	}
}

// finishStopped records the units a cancel left unfinished.
func (r *runner) finishStopped() {
	r.mu.Lock()
	units := append([]*unit(nil), r.units...)
	r.mu.Unlock()
	for _, u := range units {
		u.mu.Lock()
		if !u.done && !u.failed {
			u.err = ErrInterrupted
			u.result.Duration = r.e.clock.Now().Sub(u.started)
		}
		u.mu.Unlock()
	}
}
