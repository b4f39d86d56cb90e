package bcsync

import (
	"context"
	"fmt"
	"slices"

	"github.com/bcsdk/bc/bcsync/store"
)

// writeJob is one page's rows and checkpoint, or news about a unit.
type writeJob struct {
	u           *unit
	batches     []store.Batch
	checkpoints []store.Checkpoint
	keys        []string
	// final: the task that produced the job is over.
	final bool
	// page: the job is a page of the set, of fetched rows.
	page                         bool
	fetched                      int64
	requests, retries, throttled int64
	err                          error // the unit failed with this
}

// groupRows is how many rows the writer gathers into one transaction when
// pages wait for it: fewer, larger commits cost SQLite less per row, but
// every row waiting is memory the collector scans. Once random keys spread
// a table's rows over more index pages than a transaction has rows, each
// row writes a page of its own however large the commit, so a page's worth
// is enough (the measurements: docs/performance.md, "Why the constants").
const groupRows = 5000

// writeQueue is how many pages may wait for the writer besides the group
// it is committing.
const writeQueue = 2

// write is the single writer: it commits jobs in arrival order — the pages
// already waiting together, in one transaction — and finishes units whose
// work is all committed. Once ctx ends it records the run as interrupted,
// so that a process killed while the run drains is resumed too; it commits
// with commit.
func (r *runner) write(ctx, commit context.Context) {
	cancelled := ctx.Done()
	for {
		var job writeJob
		var ok bool
		select {
		case job, ok = <-r.jobs:
		case <-cancelled:
			cancelled = nil
			run := r.run
			run.Status = string(StatusInterrupted)
			if err := r.e.store.UpdateRun(commit, run); err != nil {
				r.e.log.Warn("recording the run as interrupted failed", "error", err)
			}
			continue
		}
		if !ok {
			return
		}
		group := []writeJob{job}
		rows := job.rows()
	gather:
		for rows < groupRows {
			select {
			case j, ok := <-r.jobs:
				if !ok {
					break gather
				}
				group = append(group, j)
				rows += j.rows()
			default:
				break gather
			}
		}
		if r.hasFatal() {
			continue // drain; nothing more is committed after a fatal error
		}
		var batches []store.Batch
		var cps []store.Checkpoint
		for k := range group {
			group[k].batches = tallied(group[k])
		}
		for _, j := range group {
			batches = append(batches, j.batches...)
			cps = append(cps, j.checkpoints...)
		}
		cps = latest(cps)
		if len(batches) > 0 || len(cps) > 0 {
			if _, err := r.e.store.Apply(commit, batches, cps); err != nil {
				r.setFatal(fmt.Errorf("writing %s of %s to the store: %w", job.u.set.Name, job.u.co.name, err))
				continue
			}
		}
		i := 0
		for _, j := range group {
			n := len(j.batches)
			r.account(commit, j, batches[i:i+n])
			i += n
		}
	}
}

// tallied gives each batch of a job the _counts row it counts in, and the
// job's requests to the rows that report them (those of unit.results); a
// job without rows gets a batch of its own for its requests, so they are
// committed like the rows are.
func tallied(j writeJob) []store.Batch {
	u := j.u
	bs := j.batches
	if j.requests > 0 {
		for _, t := range u.requestTables() {
			if !slices.ContainsFunc(bs, func(b store.Batch) bool { return b.Table == t }) {
				bs = append(bs, store.Batch{Table: t, CompanyID: u.co.id})
			}
		}
	}
	for i := range bs {
		tally := u.tally(bs[i].Table)
		if slices.Contains(u.requestTables(), bs[i].Table) {
			tally.Requests, tally.Retries, tally.Throttled = j.requests, j.retries, j.throttled
		}
		bs[i].Tally = tally
	}
	return bs
}

// latest keeps the last of each partition's checkpoints, in order: a group
// can hold two pages of one partition, and one statement must not upsert a
// row twice (PostgreSQL refuses to).
func latest(cps []store.Checkpoint) []store.Checkpoint {
	type key struct{ company, set, part string }
	last := make(map[key]int, len(cps))
	for i, cp := range cps {
		last[key{cp.CompanyID, cp.Set, cp.Partition}] = i
	}
	if len(last) == len(cps) {
		return cps
	}
	out := cps[:0:0]
	for i, cp := range cps {
		if last[key{cp.CompanyID, cp.Set, cp.Partition}] == i {
			out = append(out, cp)
		}
	}
	return out
}

func (j writeJob) rows() int {
	n := 0
	for _, b := range j.batches {
		n += len(b.Upserts)
	}
	return n
}

// account adds a committed job's counts to its unit and finishes the unit
// when it has no work left.
func (r *runner) account(ctx context.Context, job writeJob, committed []store.Batch) {
	u := job.u
	u.mu.Lock()
	for _, b := range committed {
		u.tableResult(b.Table).Counts.Add(b.Counts)
	}
	u.result.Requests += job.requests
	u.result.Retries += job.retries
	u.result.Throttled += job.throttled
	u.keys = append(u.keys, job.keys...)
	if job.err != nil {
		u.fail(describeFailure(job.err))
	}
	if job.final {
		u.open--
	}
	settle := u.open <= 0 && u.carver == nil && !u.done
	u.mu.Unlock()
	if job.page {
		r.e.opts.Observer.PageCommitted(u.key(u.set.Name), job.fetched)
	}
	if settle {
		r.finish(ctx, u)
	}
}

func (r *runner) hasFatal() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatal != nil
}

// finish closes a unit: delete detection for sets re-read in full, the
// watermark, the result and the unit's done checkpoint.
func (r *runner) finish(ctx context.Context, u *unit) {
	u.mu.Lock()
	u.done = true
	failed := u.failed || r.hasFatal()
	keys := u.keys
	u.keys = nil
	u.result.Duration = r.e.clock.Now().Sub(u.started)
	u.mu.Unlock()
	if !failed && u.rereads() {
		n, err := r.e.store.Reconcile(ctx, u.set.Table, u.co.id, func(yield func([]string) bool) {
			for _, k := range keys {
				if !yield([]string{u.co.id, k}) {
					return
				}
			}
		}, store.ReconcileOptions{Mark: r.e.opts.MarkDeleted}, u.tally(u.set.Table))
		if err != nil {
			r.setFatal(fmt.Errorf("removing deleted rows of %s: %w", u.set.Name, err))
			return
		}
		u.mu.Lock()
		u.tableResult(u.set.Table).Counts.Deleted += n
		u.mu.Unlock()
	}
	if !failed {
		if err := r.complete(ctx, u); err != nil {
			r.setFatal(err)
			return
		}
	}
	u.mu.Lock()
	results, outcome := u.results(), u.outcome()
	u.mu.Unlock()
	for _, res := range results {
		if err := r.e.store.SaveResult(ctx, res); err != nil {
			r.setFatal(err)
			return
		}
	}
	for _, res := range outcome {
		r.e.opts.Observer.SetFinished(res)
	}
}

// complete records a unit's success: its watermark and done checkpoint and,
// for a staged first load, the move of its rows into the table, all in one
// transaction.
func (r *runner) complete(ctx context.Context, u *unit) error {
	var w *store.Watermark
	if u.set.LastModified {
		w = &store.Watermark{CompanyID: u.co.id, Set: u.set.Name, At: r.run.ServerStart}
	}
	done := store.Checkpoint{RunID: r.run.ID, CompanyID: u.co.id, Set: u.set.Name, Partition: unitDonePartition.String(), Done: true}
	if u.staged {
		c, err := r.e.store.Publish(ctx, u.set.Table, u.co.id, w, []store.Checkpoint{done}, u.tally(u.set.Table))
		if err != nil {
			return fmt.Errorf("publishing the first load of %s of %s: %w", u.set.Name, u.co.name, err)
		}
		u.mu.Lock()
		u.tableResult(u.set.Table).Counts.Add(c)
		u.mu.Unlock()
		return nil
	}
	if w != nil {
		if err := r.e.store.SaveWatermark(ctx, *w); err != nil {
			return err
		}
	}
	_, err := r.e.store.Apply(ctx, nil, []store.Checkpoint{done})
	return err
}
