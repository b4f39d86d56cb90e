package bcsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/odata"
)

// fetch runs one task: one request, its rows decoded and handed to the
// writer with the partition's checkpoint.
func (r *runner) fetch(ctx context.Context, t *task) {
	u := t.u
	if t.counting {
		r.planPartitions(ctx, t)
		return
	}
	set := bc.Set[json.RawMessage](r.scope(u), u.set.Name)
	var pager *bc.RawPager
	if t.next != "" {
		pager = set.ListRawFrom(t.next, t.query)
	} else {
		pager = set.ListRaw(t.query)
	}
	var out decode.Rows
	page, err := pager.NextPage(ctx, func() { out = decode.Rows{} }, func(raw []byte) error {
		if err := u.dec.Decode(raw, u.co.id, &out); err != nil {
			return fmt.Errorf("decoding a %s entity: %w", u.set.Name, err)
		}
		return nil
	})
	if errors.Is(err, io.EOF) {
		err = nil
		page = &bc.RawPage{}
	}
	if t.links == nil {
		t.links = newLinkGuard(t.next)
	}
	if err == nil {
		err = t.links.check(page)
	}
	if err != nil {
		r.failed(ctx, t, err)
		return
	}
	n := int64(len(out.Rows))
	job := writeJob{u: u, final: true, requests: 1, page: true, fetched: n}
	if page.Response != nil {
		job.retries = int64(page.Response.Attempts - 1)
		job.throttled = int64(page.Response.Throttled)
	}
	job.batches = r.batches(u, &out)
	cp := store.Checkpoint{RunID: r.run.ID, CompanyID: u.co.id, Set: u.set.Name, Partition: t.part.String(), Next: page.NextLink, Done: page.NextLink == "", Rows: t.rows + n}
	job.checkpoints = []store.Checkpoint{cp}
	if u.rereads() {
		job.keys = keysOf(u, out.Rows)
	}
	var cont *task
	if page.NextLink != "" {
		cont = &task{u: u, part: t.part, query: t.query, next: page.NextLink, est: int64(r.e.opts.PageSize), rows: cp.Rows, links: t.links}
		u.mu.Lock()
		u.open++
		u.mu.Unlock()
	}
	r.jobs <- job
	r.sched.done(cont)
}

// scope is the company handle on the unit's route.
func (r *runner) scope(u *unit) *bc.Company {
	route, err := r.e.client.RouteAt("/" + u.set.Route)
	if err != nil {
		route = r.e.client.StandardAPI()
	}
	return route.Company(u.co.id)
}

// batches turns a page's rows into store batches: the set's rows and, for
// each child table, the replacement of the page's parents' children.
func (r *runner) batches(u *unit, out *decode.Rows) []store.Batch {
	var bs []store.Batch
	if u.set.Store {
		bs = append(bs, store.Batch{Table: u.set.Table, Upserts: out.Rows, CompanyID: u.co.id, Stage: u.staged})
	}
	for _, c := range u.set.Children {
		bs = append(bs, store.Batch{Table: c.Table, Upserts: out.Children[c.Nav], CompanyID: u.co.id, ReplaceParents: out.Parents})
	}
	return bs
}

// keysOf lists the keys of rows, for the delete detection of sets re-read
// in full.
func keysOf(u *unit, rows []store.Row) []string {
	keys := make([]string, 0, len(rows))
	for _, row := range rows {
		if k := u.dec.KeyIndex(); k >= 0 {
			keys = append(keys, row[k].Text)
		}
	}
	return keys
}

// failed records a task's failure: a setup failure stops the run, anything
// else fails only the company × set.
func (r *runner) failed(ctx context.Context, t *task, err error) {
	u := t.u
	switch {
	case ctx.Err() != nil:
		// Abandoned by a stop or an abort: the task stays open, so its unit
		// is never finished by this run, and the next run reads it again.
		r.sched.done(nil)
		return
	case isSetupFailure(err):
		r.setFatal(&SetupError{StepCredentials, err})
	default:
		r.e.log.Error("reading a set failed", "company", u.co.name, "set", u.set.Name, "error", err)
		u.mu.Lock()
		first := !u.failed
		u.failed = true
		u.mu.Unlock()
		if first {
			r.jobs <- writeJob{u: u, final: true, requests: 1, err: err}
			r.sched.done(nil)
			return
		}
	}
	u.release()
	r.sched.done(nil)
}

// planPartitions reads how big a set is and queues its partitions: ledger
// entryNumber ranges, or lastModifiedDateTime slices of a big set.
func (r *runner) planPartitions(ctx context.Context, t *task) {
	u := t.u
	size := int64(r.e.opts.PageSize)
	if u.set.Ledger {
		lo, hi, ok, err := r.entryBounds(ctx, u)
		if err != nil {
			r.failed(ctx, t, err)
			return
		}
		job := writeJob{u: u, final: true, requests: 2}
		if ok {
			job.checkpoints = []store.Checkpoint{{RunID: r.run.ID, CompanyID: u.co.id, Set: u.set.Name, Partition: rangePartition.String(), Next: fmt.Sprintf("%d-%d", lo, hi), Done: false}}
			c := &carver{u: u, ranges: [][2]int64{{lo, hi}}}
			u.mu.Lock()
			u.carver = c
			u.mu.Unlock()
			r.e.opts.Observer.SetPlanned(u.key(u.set.Name), hi-lo+1)
			r.sched.addCarver(c)
		}
		r.jobs <- job
		r.sched.done(nil)
		return
	}
	set := bc.Set[json.RawMessage](r.scope(u), u.set.Name)
	n, err := set.Count(ctx, nil)
	if err != nil {
		r.failed(ctx, t, err)
		return
	}
	r.e.opts.Observer.SetPlanned(u.key(u.set.Name), n)
	var parts []*task
	if n > 2*size {
		from, to, err := r.modifiedBounds(ctx, u)
		if err != nil {
			r.failed(ctx, t, err)
			return
		}
		parts = r.modifiedSlices(u, from, to, int((n+size-1)/size))
	}
	if len(parts) == 0 {
		parts = []*task{{u: u, part: allPartition, query: u.query(nil).MaxPageSize(int(size)), est: n}}
	}
	u.mu.Lock()
	u.open += len(parts)
	u.mu.Unlock()
	job := writeJob{u: u, final: true, requests: 1}
	for _, p := range parts {
		// Each partition is recorded before it is read, so a resumed run
		// also reads the ones an interruption kept from starting.
		job.checkpoints = append(job.checkpoints, store.Checkpoint{RunID: r.run.ID, CompanyID: u.co.id, Set: u.set.Name, Partition: p.part.String()})
	}
	r.jobs <- job
	r.sched.add(parts...)
	r.sched.done(nil)
}

// entryBounds reads the first and last entryNumber of a ledger.
func (r *runner) entryBounds(ctx context.Context, u *unit) (lo, hi int64, ok bool, err error) {
	set := bc.Set[struct {
		EntryNumber int64 `json:"entryNumber"`
	}](r.scope(u), u.set.Name)
	first, err := set.List(odata.New().Select("entryNumber").OrderBy("entryNumber").Top(1)).Collect(ctx)
	if err != nil || len(first) == 0 {
		return 0, 0, false, err
	}
	last, err := set.List(odata.New().Select("entryNumber").OrderByDesc("entryNumber").Top(1)).Collect(ctx)
	if err != nil || len(last) == 0 {
		return 0, 0, false, err
	}
	return first[0].EntryNumber, last[0].EntryNumber, true, nil
}

// modifiedBounds reads the earliest and latest real change times of a set.
func (r *runner) modifiedBounds(ctx context.Context, u *unit) (from, to time.Time, err error) {
	set := bc.Set[struct {
		LastModified time.Time `json:"lastModifiedDateTime"`
	}](r.scope(u), u.set.Name)
	real := odata.Gt("lastModifiedDateTime", sentinelTime)
	first, err := set.List(odata.New().Select("lastModifiedDateTime").Filter(real).OrderBy("lastModifiedDateTime").Top(1)).Collect(ctx)
	if err != nil || len(first) == 0 {
		return from, to, err
	}
	last, err := set.List(odata.New().Select("lastModifiedDateTime").Filter(real).OrderByDesc("lastModifiedDateTime").Top(1)).Collect(ctx)
	if err != nil || len(last) == 0 {
		return from, to, err
	}
	return first[0].LastModified, last[0].LastModified, nil
}

// modifiedSlices splits [from, to] into k slices; the first also holds the
// rows with BC's sentinel time and the last is open, so rows changed while
// the sync runs are read too.
func (r *runner) modifiedSlices(u *unit, from, to time.Time, k int) []*task {
	if k < 2 || !to.After(from) {
		return nil
	}
	step := to.Sub(from) / time.Duration(k)
	var out []*task
	var prev string
	for i := 1; i <= k; i++ {
		next := ""
		if i < k {
			next = from.Add(step * time.Duration(i)).UTC().Format(time.RFC3339Nano)
		}
		part := modifiedPartition(prev, next)
		f, _ := part.modifiedFilter()
		out = append(out, &task{u: u, part: part, query: u.query(f).MaxPageSize(r.e.opts.PageSize), est: int64(r.e.opts.PageSize)})
		prev = next
	}
	return out
}
