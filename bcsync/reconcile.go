package bcsync

import (
	"bufio"
	"context"
	"encoding/json"
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
// first, so a failure halfway deletes nothing and memory stays flat.
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
	for it, err := range bc.Set[item](r.scope(u), u.set.Name).List(q).All(ctx) {
		if err != nil {
			return err
		}
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
	for _, t := range tables {
		keys, err := files[t].each()
		if err != nil {
			return err
		}
		n, err := r.e.store.Reconcile(ctx, t, u.co.id, keys, r.e.opts.MarkDeleted, u.tally(t))
		if err != nil {
			return err
		}
		u.mu.Lock()
		u.tableResult(t).Counts.Deleted += n
		u.mu.Unlock()
	}
	return nil
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
