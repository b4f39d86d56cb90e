package bcsync

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/odata"
)

// Partition ids recorded in checkpoints. They are parsed back on resume, so
// a resumed run rebuilds exactly the same requests.
const (
	partAll       = "all"             // the whole set, one chain of pages
	partSince     = "since:"          // incremental: changes after a time
	partEntries   = "entryNumber:"    // a ledger chunk: entryNumber:lo-hi
	partRange     = "entryNumber-all" // a ledger's full range, Next = "lo-hi"
	partModified  = "modified:"       // a slice of a big set by lastModifiedDateTime: modified:from|to
	partUnitDone  = "done"            // the company × set finished
	sentinelStamp = "0001-01-01T00:00:00Z"
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
	return &task{u: u, part: fmt.Sprintf("%s%d-%d", partEntries, lo, hi), query: u.query(entryRange(lo, hi)).MaxPageSize(int(hi - lo + 1)), est: hi - lo + 1}
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

// plan creates the unit for one company × set and queues its first work,
// resuming from checkpoints when the run is being resumed.
func (r *runner) plan(ctx context.Context, co company, s *plan.Set) error {
	u := &unit{co: co, set: s, dec: newSetDecoder(s), started: r.e.clock.Now()}
	u.result = store.SetResult{RunID: r.run.ID, CompanyID: co.id, Set: s.Name}
	r.mu.Lock()
	r.units = append(r.units, u)
	r.mu.Unlock()
	r.e.opts.Observer.SetPlanned(u.key(s.Name), -1)

	cps := r.cps[co.id+"/"+s.Name]
	for _, cp := range cps {
		if cp.Partition == partUnitDone && cp.Done {
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
	if len(cps) > 0 {
		u.resumed = true
		return r.resume(u, cps)
	}
	switch {
	case r.e.opts.NoSplit && u.full:
		r.queue(u, &task{u: u, part: partAll, query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
	case u.full && s.Ledger:
		r.queue(u, &task{u: u, part: partRange, est: int64(r.e.opts.PageSize) * 1000, counting: true})
	case u.full && s.LastModified && s.Store:
		r.queue(u, &task{u: u, part: partAll, query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize) * 100, counting: true})
	case u.full:
		r.queue(u, &task{u: u, part: partAll, query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
	default:
		r.queue(u, &task{u: u, part: partSince + u.since.Format(time.RFC3339Nano), query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
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
		if !ok {
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
	done := map[string]bool{}
	var rng string
	var tasks []*task
	for _, cp := range cps {
		switch {
		case cp.Partition == partRange:
			rng = cp.Next
		case cp.Done:
			done[cp.Partition] = true
		default: // continued from its nextLink, or planned and never started
			q, err := r.partitionQuery(u, cp.Partition)
			if err != nil {
				return err
			}
			tasks = append(tasks, &task{u: u, part: cp.Partition, query: q, next: cp.Next, est: int64(r.e.opts.PageSize), rows: cp.Rows})
		}
	}
	inFlight := map[string]bool{}
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
	r.queue(u, &task{u: u, part: partAll, query: u.query(nil).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
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
func (r *runner) partitionQuery(u *unit, part string) (*odata.Query, error) {
	size := r.e.opts.PageSize
	switch {
	case part == partAll:
		return u.query(nil).MaxPageSize(size), nil
	case strings.HasPrefix(part, partSince):
		return u.query(nil).MaxPageSize(size), nil
	case strings.HasPrefix(part, partEntries):
		lo, hi, err := parseRange(strings.TrimPrefix(part, partEntries))
		if err != nil {
			return nil, err
		}
		return u.query(entryRange(lo, hi)).MaxPageSize(int(hi - lo + 1)), nil
	case strings.HasPrefix(part, partModified):
		f, err := modifiedFilter(strings.TrimPrefix(part, partModified))
		if err != nil {
			return nil, err
		}
		return u.query(f).MaxPageSize(size), nil
	}
	return nil, fmt.Errorf("checkpoint of %s has an unknown partition %q: the bookkeeping is from another version", u.set.Name, part)
}

func parseRange(s string) (lo, hi int64, err error) {
	a, b, ok := strings.Cut(s, "-")
	if ok {
		lo, err = strconv.ParseInt(a, 10, 64)
		if err == nil {
			hi, err = strconv.ParseInt(b, 10, 64)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("a checkpoint holds the range %q, not lo-hi", s)
	}
	return lo, hi, nil
}

// gaps returns the parts of [lo, hi] not covered by done or in-flight chunks.
func gaps(lo, hi int64, done, inFlight map[string]bool) [][2]int64 {
	type span struct{ a, b int64 }
	var covered []span
	for _, m := range []map[string]bool{done, inFlight} {
		for part := range m {
			if a, b, err := parseRange(strings.TrimPrefix(part, partEntries)); err == nil && strings.HasPrefix(part, partEntries) {
				covered = append(covered, span{a, b})
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

// modifiedFilter parses "from|to" (either may be empty) into a range filter.
func modifiedFilter(s string) (odata.Expr, error) {
	a, b, ok := strings.Cut(s, "|")
	if !ok {
		return nil, fmt.Errorf("a checkpoint holds the range %q, not from|to", s)
	}
	var parts []odata.Expr
	if a != "" {
		t, err := time.Parse(time.RFC3339Nano, a)
		if err != nil {
			return nil, err
		}
		parts = append(parts, odata.Ge("lastModifiedDateTime", t))
	}
	if b != "" {
		t, err := time.Parse(time.RFC3339Nano, b)
		if err != nil {
			return nil, err
		}
		parts = append(parts, odata.Lt("lastModifiedDateTime", t))
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return odata.And(parts...), nil
}
