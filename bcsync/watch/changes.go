package watch

import (
	"context"
	"strings"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
)

// changes are the notifications of one debounce window, merged per company
// × set.
type changes struct {
	notes   int
	kinds   map[bc.ChangeType]int
	deletes map[target][]string
	// reread are the company × sets to read again; true asks for key
	// reconciliation as well, because rows may be gone that no notification
	// names (a collection without a filter).
	reread map[target]bool
}

func newChanges() *changes {
	return &changes{kinds: map[bc.ChangeType]int{}, deletes: map[target][]string{}, reread: map[target]bool{}}
}

// note adds a notification. One that names no synced company × set (a
// subscription of another program with our URL) is ignored.
func (w *Watcher) note(c *changes, ev bc.WebhookEvent) {
	t, ok := w.targetOf(ev.Resource)
	if !ok {
		w.log.Debug("watch: a notification for nothing synced", "resource", ev.Resource.Raw)
		return
	}
	c.notes++
	c.kinds[ev.ChangeType]++
	switch ev.ChangeType {
	case bc.ChangeDeleted:
		if ev.Resource.Key == "" || w.opts.Sync.MarkDeleted {
			// Marking needs reconciliation: it sets _deleted on rows whose key is gone.
			c.reread[t] = true
		} else {
			c.deletes[t] = append(c.deletes[t], ev.Resource.Key)
		}
	case bc.ChangeCollection:
		// With a filter, BC names changes an incremental read finds; without
		// one, a delete was among them.
		_, filtered := ev.Resource.Since()
		c.reread[t] = c.reread[t] || !filtered
	default:
		if _, ok := c.reread[t]; !ok {
			c.reread[t] = false
		}
	}
}

// targetOf finds the synced company × set a resource names.
func (w *Watcher) targetOf(r bc.Resource) (target, bool) {
	id := strings.ToLower(r.CompanyID)
	if _, ok := w.opts.Companies[id]; !ok {
		return target{}, false
	}
	for t := range w.watched {
		if t.company == id && t.set == r.Set && (r.Route == "" || r.Route == t.route) {
			return t, true
		}
	}
	return target{}, false
}

// setOf is the plan's set of a target.
func (w *Watcher) setOf(t target) *plan.Set {
	for _, s := range w.sets {
		if s.Route == t.route && s.Name == t.set {
			return s
		}
	}
	return nil
}

// apply writes a window's deletes and reads again the sets it names.
func (w *Watcher) apply(ctx, stop context.Context, c *changes) {
	if c.notes == 0 {
		return
	}
	w.rounds++
	w.log.Info("watch: notifications", "round", w.rounds, "count", c.notes,
		"created", c.kinds[bc.ChangeCreated], "updated", c.kinds[bc.ChangeUpdated],
		"deleted", c.kinds[bc.ChangeDeleted], "collection", c.kinds[bc.ChangeCollection])
	if len(c.deletes) > 0 {
		w.delete(ctx, c)
	}
	// One engine run per distinct list of sets: the engine reads every
	// listed set in every listed company.
	type group struct {
		companies []string
		sets      []*plan.Set
		reconcile bool
	}
	byCompany := map[string]*group{}
	var order []string
	for _, t := range sortedTargets(c.reread) {
		reconcile := c.reread[t]
		k := t.company + "/" + boolKey(reconcile)
		g := byCompany[k]
		if g == nil {
			g = &group{companies: []string{t.company}, reconcile: reconcile}
			byCompany[k] = g
			order = append(order, k)
		}
		if s := w.setOf(t); s != nil {
			g.sets = append(g.sets, s)
		}
	}
	merged := map[string]*group{}
	var runs []*group
	for _, k := range order {
		g := byCompany[k]
		sortSets(g.sets)
		key := boolKey(g.reconcile) + setList(g.sets)
		if m := merged[key]; m != nil {
			m.companies = append(m.companies, g.companies...)
			continue
		}
		merged[key] = g
		runs = append(runs, g)
	}
	for _, g := range runs {
		if stop.Err() != nil {
			return
		}
		w.incremental(ctx, stop, g.companies, g.sets, g.reconcile, "notified")
	}
}

// delete removes the rows deleted notifications name, and the lines of
// deleted documents, in one transaction. What cannot be deleted by key is
// read again with reconciliation instead.
func (w *Watcher) delete(ctx context.Context, c *changes) {
	var batches []store.Batch
	var targets []target
	for t, keys := range c.deletes {
		s := w.setOf(t)
		bs, ok := deleteBatches(s, t.company, keys)
		if !ok {
			c.reread[t] = true
			continue
		}
		batches = append(batches, bs...)
		targets = append(targets, t)
	}
	if len(batches) == 0 {
		return
	}
	counts, err := w.store.Apply(ctx, batches, nil)
	if err != nil {
		w.log.Error("watch: applying deletes failed; the sets are read again with reconciliation", "error", err.Error())
		for _, t := range targets {
			c.reread[t] = true
		}
		return
	}
	w.log.Info("watch: deleted rows", "round", w.rounds, "rows", counts.Deleted)
}

// deleteBatches are the deletes of keys of set s in a company: the rows,
// and the children stored in their own tables. ok is false when the keys
// do not map to the tables (a set keyed by more than one property).
func deleteBatches(s *plan.Set, company string, keys []string) ([]store.Batch, bool) {
	if s == nil || len(s.Table.Key) != 2 || s.Table.Key[0] != "companyId" {
		return nil, false
	}
	prop := s.Table.Key[1]
	guid := false
	for _, col := range s.Table.Columns {
		guid = guid || (col.Name == prop && col.Type == store.GUID)
	}
	rows := make([][]string, len(keys))
	parents := make([]string, len(keys))
	for i, k := range keys {
		if guid {
			k = strings.ToLower(k)
		}
		rows[i], parents[i] = []string{company, k}, k
	}
	batches := []store.Batch{{Table: s.Table, Deletes: rows}}
	for _, ch := range s.Children {
		if ch.ParentProp != prop || ch.Table.Parent == "" {
			return nil, false
		}
		batches = append(batches, store.Batch{Table: ch.Table, CompanyID: company, ReplaceParents: parents})
	}
	return batches, true
}

func boolKey(b bool) string {
	if b {
		return "r:"
	}
	return "i:"
}

func setList(sets []*plan.Set) string {
	var b strings.Builder
	for _, s := range sets {
		b.WriteString(s.Route + "/" + s.Name + ",")
	}
	return b.String()
}
