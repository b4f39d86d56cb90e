package bcsync

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/odata"
)

// reconcileAll finds rows deleted in BC: for every set it pages through the
// keys only ($select of the key, children's keys expanded) and removes (or
// marks) the stored rows BC no longer has. Keys go to a temporary file
// first, so a failure halfway deletes nothing and memory stays flat. A
// listing with fewer keys than the set's $count, or one that would delete
// more than Options.ReconcileMaxDeleteFraction, fails the set instead:
// both are more likely BC's glitch than deletions.
func (r *runner) reconcileAll(ctx, commit context.Context) {
	for _, u := range r.units {
		if u.isFailed() || len(u.set.Type.Key) != 1 {
			continue
		}
		err := r.reconcile(ctx, u)
		if ctx.Err() != nil {
			return // interrupted: the resumed run reconciles again
		}
		u.mu.Lock()
		if err != nil {
			u.fail(fmt.Errorf("reconcile: %w", describeFailure(err)))
		}
		results := u.results()
		u.mu.Unlock()
		for _, res := range results {
			if err := r.e.store.SaveResult(commit, res); err != nil {
				r.setFatal(err)
				return
			}
		}
		if isSetupFailure(err) {
			r.setFatal(&SetupError{StepCredentials, err})
			return
		}
	}
}

// keyFile collects keys per table on disk.
type keyFile struct {
	f *os.File
	w *bufio.Writer
	n int64
}

func newKeyFile(dir string) (*keyFile, error) {
	f, err := os.CreateTemp(dir, "bcsync-keys-*.jsonl")
	if err != nil {
		return nil, err
	}
	return &keyFile{f: f, w: bufio.NewWriter(f)}, nil
}

func (k *keyFile) add(key []string) error {
	b, _ := json.Marshal(key)
	k.n++
	_, err := k.w.Write(append(b, '\n'))
	return err
}

func (k *keyFile) close() {
	k.f.Close()
	os.Remove(k.f.Name())
}

// each replays the keys; errors were ruled out when the file was written.
func (k *keyFile) each() (func(yield func([]string) bool), error) {
	if err := k.w.Flush(); err != nil {
		return nil, err
	}
	if _, err := k.f.Seek(0, 0); err != nil {
		return nil, err
	}
	return func(yield func([]string) bool) {
		sc := bufio.NewScanner(k.f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var key []string
			if json.Unmarshal(sc.Bytes(), &key) != nil || !yield(key) {
				return
			}
		}
	}, nil
}

func (r *runner) reconcile(ctx context.Context, u *unit) error {
	files := map[*store.Table]*keyFile{}
	defer func() {
		for _, f := range files {
			f.close()
		}
	}()
	tables := []*store.Table{}
	if u.set.Store {
		tables = append(tables, u.set.Table)
	}
	for _, c := range u.set.Children {
		tables = append(tables, c.Table)
	}
	for _, t := range tables {
		f, err := newKeyFile(r.e.opts.TempDir)
		if err != nil {
			return err
		}
		files[t] = f
	}
	key := u.set.Type.Key[0]
	q := odata.New().Select(key).MaxPageSize(20000)
	for _, c := range u.set.Children {
		if c.ParentProp != key {
			q.Select(c.ParentProp)
		}
		q.Expand(c.Nav, odata.New().Select(c.Type.Key...))
	}
	type item map[string]json.RawMessage
	set := bc.Set[item](r.scope(u), u.set.Name)
	var listed int64
	for it, err := range set.List(q).All(ctx) {
		if err != nil {
			return err
		}
		listed++
		id := text(it[key])
		if u.set.Store {
			if err := files[u.set.Table].add([]string{u.co.id, id}); err != nil {
				return err
			}
		}
		for _, c := range u.set.Children {
			if err := addChildKeys(files[c.Table], c, u.co.id, text(it[c.ParentProp]), it[c.Nav]); err != nil {
				return err
			}
		}
	}
	// Counted after the listing: a row added in between makes the count
	// larger and the reconcile wait for the next run, a row deleted in
	// between makes it smaller; neither lets a short listing through.
	count, err := set.Count(ctx, nil)
	if err != nil {
		return err
	}
	if listed < count {
		return fmt.Errorf("the key listing has %d rows but BC's $count says %d: BC left rows out, so nothing was deleted; the next run reconciles again", listed, count)
	}
	restore, err := r.clearWatermark(ctx, u)
	if err != nil {
		return err
	}
	deleted, err := r.removeMissing(ctx, u, tables, files)
	if deleted == 0 {
		err = errors.Join(err, restore(ctx))
	}
	return err
}

// removeMissing deletes (or marks) the rows of tables whose keys files
// lack, and returns how many, under Options.ReconcileMaxDeleteFraction.
func (r *runner) removeMissing(ctx context.Context, u *unit, tables []*store.Table, files map[*store.Table]*keyFile) (int64, error) {
	opts := store.ReconcileOptions{Mark: r.e.opts.MarkDeleted, MaxFraction: r.e.opts.ReconcileMaxDeleteFraction}
	if r.e.opts.Force {
		opts.MaxFraction = 0
	}
	var deleted int64
	for _, t := range tables {
		keys, err := files[t].each()
		if err != nil {
			return deleted, err
		}
		n, err := r.e.store.Reconcile(ctx, t, u.co.id, keys, opts, u.tally(t))
		var limit *store.DeleteLimitError
		if errors.As(err, &limit) {
			err = fmt.Errorf("%w; if BC really lost them, a forced reconcile (Options.Force) deletes them", limit)
			if t != u.set.Table {
				err = fmt.Errorf("%s: %w", t.Name, err)
			}
		}
		if err != nil {
			return deleted, err
		}
		deleted += n
		u.mu.Lock()
		u.tableResult(t).Counts.Deleted += n
		u.mu.Unlock()
	}
	return deleted, nil
}

// clearWatermark empties the set's watermark before its rows are deleted
// and returns what puts it back, for a reconcile that deleted nothing. A
// row deleted by mistake (BC left it out of one listing) and unchanged in
// BC would otherwise never come back, since incremental runs read only
// rows changed after the watermark; with it empty, the next run re-reads
// the set in full and brings back every row BC still has. Clearing before
// deleting means an interruption in between costs a re-read, never a row.
// A re-read is simpler and surer than remembering the deleted keys to ask
// BC for them again (a bookkeeping table in every store), and rarely
// costly: BC does not let posted entries be deleted, so deletions in sets
// with change times are few. Sets without change times are re-read in
// full every run and have no watermark.
func (r *runner) clearWatermark(ctx context.Context, u *unit) (restore func(context.Context) error, err error) {
	w, ok, err := r.e.store.Watermark(ctx, u.co.id, u.set.Name)
	if err != nil || !ok || w.At.IsZero() {
		return func(context.Context) error { return nil }, err
	}
	if err := r.e.store.SaveWatermark(ctx, store.Watermark{CompanyID: u.co.id, Set: u.set.Name}); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return r.e.store.SaveWatermark(ctx, w) }, nil
}

func addChildKeys(f *keyFile, c *plan.Child, companyID, parentID string, raw json.RawMessage) error {
	var children []map[string]json.RawMessage
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &children); err != nil {
			return fmt.Errorf("%s keys: %w", c.Nav, err)
		}
	}
	for _, ch := range children {
		key := []string{companyID}
		if c.Nested {
			key = append(key, parentID)
		}
		for _, k := range c.Type.Key {
			key = append(key, text(ch[k]))
		}
		if err := f.add(key); err != nil {
			return err
		}
	}
	return nil
}

// text reads a JSON string or number as text (GUIDs in lower case).
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if bc.IsGUID(s) {
			return decode.Stored(store.GUID, s)
		}
		return s
	}
	return string(raw)
}
