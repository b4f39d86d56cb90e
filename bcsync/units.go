package bcsync

import (
	"context"
	"fmt"
	"time"

	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/odata"
)

func (u *unit) isFailed() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.failed
}

func (u *unit) release() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.open--
}

func (u *unit) carverDone() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.carver = nil
}

// ledgerTask is the request for entry numbers lo..hi, one page.
func (u *unit) ledgerTask(lo, hi int64) *task {
	u.mu.Lock()
	u.open++
	u.mu.Unlock()
	return &task{u: u, part: entriesPartition(lo, hi), query: u.query(entryRange(lo, hi)).MaxPageSize(int(hi - lo + 1)), est: hi - lo + 1}
}

func entryRange(lo, hi int64) odata.Expr {
	return odata.And(odata.Ge("entryNumber", lo), odata.Le("entryNumber", hi))
}

// query is the unit's base query: its columns, its children expanded, and
// the given filter (plus the incremental filter when there is one).
func (u *unit) query(filter odata.Expr) *odata.Query {
	q := odata.New()
	if u.set.Store || len(u.set.Children) == 0 {
		q.Select(u.set.Select()...)
	} else {
		q.Select(u.set.Type.Key...) // read only for its children
		if len(u.set.Children) > 0 {
			for _, c := range u.set.Children {
				if c.ParentProp != u.set.Type.Key[0] {
					q.Select(c.ParentProp)
				}
			}
		}
	}
	for _, c := range u.set.Children {
		q.Expand(c.Nav, odata.New().Select(c.Select()...))
	}
	if filter != nil {
		q.Filter(filter)
	}
	if !u.full && u.set.LastModified {
		q.Filter(u.sinceFilter())
	}
	return q
}

// sinceFilter reads changes after the watermark. On a first load with
// --since, rows carrying BC's 0001-01-01 sentinel (changed before BC
// recorded change times) are included too.
func (u *unit) sinceFilter() odata.Expr {
	gt := odata.Gt("lastModifiedDateTime", u.since)
	if u.sentinels {
		return odata.Or(gt, odata.Eq("lastModifiedDateTime", sentinelTime))
	}
	return gt
}

var sentinelTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// startUnit creates the unit for one company × set and queues its first work,
// resuming from checkpoints when the run is being resumed.
func (r *runner) startUnit(ctx context.Context, co company, s *plan.Set) error {
	u := &unit{co: co, set: s, dec: newSetDecoder(s), started: r.e.clock.Now()}
	u.result = store.SetResult{RunID: r.run.ID, CompanyID: co.id, Set: s.Name}
	r.mu.Lock()
	r.units = append(r.units, u)
	r.mu.Unlock()
	r.e.opts.Observer.SetPlanned(u.key(s.Name), -1)

	cps := r.cps[co.id+"/"+s.Name]
	for _, cp := range cps {
		if cp.Partition == unitDonePartition.String() && cp.Done {
			u.done = true
			for _, res := range u.outcome() {
				r.e.opts.Observer.SetFinished(res)
			}
			return nil // finished before the interruption
		}
	}
	if err := r.mode(ctx, u); err != nil {
		return err
	}
	u.staged = u.full && s.LastModified && s.Store
	if len(cps) > 0 {
		u.resumed = true
		return r.resume(u, cps)
	}
	if u.staged {
		// What an abandoned first load staged is not this one's.
		if err := r.e.store.DiscardStaged(ctx, s.Table, co.id); err != nil {
			return err
		}
	}
	switch {
	case r.e.opts.NoSplit && u.full:
		r.queue(u, &task{u: u, part: allPartition, query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
	case u.full && s.Ledger:
		r.queue(u, &task{u: u, part: rangePartition, est: int64(r.e.opts.PageSize) * 1000, counting: true})
	case u.full && s.LastModified && s.Store:
		r.queue(u, &task{u: u, part: allPartition, query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize) * 100, counting: true})
	case u.full:
		r.queue(u, &task{u: u, part: allPartition, query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
	default:
		r.queue(u, &task{u: u, part: sincePartition(u.since), query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
	}
	return nil
}

// mode decides between a full read and an incremental one.
func (r *runner) mode(ctx context.Context, u *unit) error {
	o := r.e.opts
	switch {
	case o.Full:
		u.full = true
	case !u.set.LastModified:
		// No change time: re-read in full, and drop rows BC no longer has.
		u.full = true
	case !o.Since.IsZero():
		u.since = o.Since
		_, seen, err := r.e.store.Watermark(ctx, u.co.id, u.set.Name)
		if err != nil {
			return err
		}
		u.sentinels = !seen
	default:
		w, ok, err := r.e.store.Watermark(ctx, u.co.id, u.set.Name)
		if err != nil {
			return err
		}
		if !ok || w.At.IsZero() { // an empty one asks for a re-read (see clearWatermark)
			u.full = true
		} else {
			u.since = w.At.Add(-o.Overlap)
		}
	}
	return nil
}

func (r *runner) queue(u *unit, ts ...*task) {
	u.mu.Lock()
	u.open += len(ts)
	u.mu.Unlock()
	r.sched.add(ts...)
}

// resume rebuilds the unit's remaining work from its checkpoints.
func (r *runner) resume(u *unit, cps []store.Checkpoint) error {
	done := map[partition]bool{}
	var rng string
	var tasks []*task
	for _, cp := range cps {
		part, err := parsePartition(cp.Partition)
		if err != nil {
			return fmt.Errorf("checkpoint of %s: %w: the bookkeeping is from another version", u.set.Name, err)
		}
		switch {
		case part.kind == partRange:
			rng = cp.Next
		case cp.Done:
			done[part] = true
		default: // continued from its nextLink, or planned and never started
			q, err := r.partitionQuery(u, part)
			if err != nil {
				return err
			}
			tasks = append(tasks, &task{u: u, part: part, query: q, next: cp.Next, est: int64(r.e.opts.PageSize), rows: cp.Rows})
		}
	}
	inFlight := map[partition]bool{}
	for _, t := range tasks {
		inFlight[t.part] = true
	}
	if rng != "" {
		lo, hi, err := parseRange(rng)
		if err != nil {
			return err
		}
		c := &carver{u: u, ranges: gaps(lo, hi, done, inFlight)}
		u.carver = c
		if len(tasks) > 0 {
			r.queue(u, tasks...)
		}
		if c.remaining() > 0 {
			r.sched.addCarver(c)
		} else {
			u.carver = nil
		}
		r.settleIfIdle(u)
		return nil
	}
	if len(tasks) > 0 {
		r.queue(u, tasks...)
		return nil
	}
	if len(done) > 0 && !u.set.Ledger && allDone(cps) {
		r.settleIfIdle(u)
		return nil
	}
	// Nothing committed yet for this unit: start it.
	r.queue(u, &task{u: u, part: allPartition, query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
	return nil
}

func allDone(cps []store.Checkpoint) bool {
	for _, cp := range cps {
		if !cp.Done {
			return false
		}
	}
	return true
}

// partitionQuery rebuilds the query of a checkpointed partition.
func (r *runner) partitionQuery(u *unit, part partition) (*odata.Query, error) {
	size := r.e.opts.PageSize
	switch part.kind {
	case partAll, partSince:
		return u.query(nil).MaxPageSize(size), nil
	case partEntries:
		return u.query(entryRange(part.lo, part.hi)).MaxPageSize(int(part.hi - part.lo + 1)), nil
	case partModified:
		f, err := part.modifiedFilter()
		if err != nil {
			return nil, err
		}
		return u.query(f).MaxPageSize(size), nil
	}
	return nil, fmt.Errorf("checkpoint of %s has an unknown partition %q: the bookkeeping is from another version", u.set.Name, part)
}

// gaps returns the parts of [lo, hi] not covered by done or in-flight chunks.
func gaps(lo, hi int64, done, inFlight map[partition]bool) [][2]int64 {
	type span struct{ a, b int64 }
	var covered []span
	for _, m := range []map[partition]bool{done, inFlight} {
		for part := range m {
			if part.kind == partEntries {
				covered = append(covered, span{part.lo, part.hi})
			}
		}
	}
	out := [][2]int64{{lo, hi}}
	for _, c := range covered {
		var next [][2]int64
		for _, r := range out {
			if c.b < r[0] || c.a > r[1] {
				next = append(next, r)
				continue
			}
			if c.a > r[0] {
				next = append(next, [2]int64{r[0], c.a - 1})
			}
			if c.b < r[1] {
				next = append(next, [2]int64{c.b + 1, r[1]})
			}
		}
		out = next
	}
	return out
}
