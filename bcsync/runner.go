package bcsync

import (
	"context"
	"sync"
	"time"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/odata"
)

// A unit is one company × set: its mode, its tasks in flight, its counts.
type unit struct {
	co    company
	set   *Set
	dec   *decode.Decoder
	full  bool      // read everything (no watermark)
	since time.Time // incremental: lastModifiedDateTime after this (minus overlap)
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

// execute runs the workers and the writer until all work is done, stop is
// cancelled or ctx is. A stop abandons the requests in flight rather than
// waiting for them (a BC page can take a minute): their rows were never
// committed, so the next run reads them again, while the pages already
// fetched are still committed. ctx ends the writer too.
func (r *runner) execute(ctx, stop context.Context) {
	// A short queue: a page waiting for the writer holds memory, and the
	// writer gathers what waits into one transaction anyway.
	r.jobs = make(chan writeJob, 2)
	var writer sync.WaitGroup
	writer.Go(func() { r.write(ctx) })
	for _, u := range r.idle {
		r.jobs <- writeJob{u: u}
	}
	fetchCtx, abandon := untilStopped(ctx, stop)
	defer abandon()
	defer r.sched.until(fetchCtx)()
	var workers sync.WaitGroup
	for range r.e.opts.Workers {
		workers.Go(func() { r.work(fetchCtx) })
	}
	workers.Wait()
	close(r.jobs)
	writer.Wait()
	r.finishStopped()
}

// untilStopped returns a context that ends with ctx or when stop does: the
// context of work a first interrupt abandons.
func untilStopped(ctx, stop context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(ctx)
	unhook := context.AfterFunc(stop, cancel)
	return c, func() {
		unhook()
		cancel()
	}
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

// interrupted is the error of a result a stop left unfinished.
const interrupted = "interrupted before the set was complete; the next run resumes it"

// Unfinished reports whether a result is of a company × set that an
// interrupt left unfinished — not failed: the next run resumes it.
func Unfinished(r store.SetResult) bool { return r.Error == interrupted }

// finishStopped records the units a stop left unfinished.
func (r *runner) finishStopped() {
	r.mu.Lock()
	units := append([]*unit(nil), r.units...)
	r.mu.Unlock()
	for _, u := range units {
		u.mu.Lock()
		if !u.done && !u.failed {
			u.result.Error = interrupted
			u.result.Duration = time.Since(u.started)
		}
		u.mu.Unlock()
	}
}
