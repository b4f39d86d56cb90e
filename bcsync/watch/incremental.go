package watch

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
)

// poll reads sets incrementally in every company.
func (w *Watcher) poll(ctx, stop context.Context, sets []*plan.Set, why string) {
	if len(sets) == 0 {
		return
	}
	companies := slices.Sorted(maps.Keys(w.opts.Companies))
	w.incremental(ctx, stop, companies, sets, w.opts.Sync.Reconcile, why)
}

// incremental runs the engine for sets in companies: the watermarks make it
// read only what changed since the last run. Failures are logged; the next
// notification or poll reads the set again.
func (w *Watcher) incremental(ctx, stop context.Context, companies []string, sets []*plan.Set, reconcile bool, why string) {
	if len(sets) == 0 {
		return
	}
	opts := w.opts.Sync
	opts.Companies, opts.Profile, opts.Sets = companies, "", make([]bcsync.SetRef, len(sets))
	opts.Full, opts.Since, opts.Reconcile = false, time.Time{}, reconcile
	// One log line per run says what it did, not one per set.
	opts.Logger, opts.Observer = w.log, nil
	names := make([]string, len(sets))
	for i, s := range sets {
		opts.Sets[i] = bcsync.SetRef{Name: s.Name, Route: s.Route}
		names[i] = s.Name
	}
	cos := make([]string, len(companies))
	for i, id := range companies {
		cos[i] = w.opts.Companies[id]
	}
	// A stop abandons the run's requests in flight, as it does the sync's.
	runCtx, cancel := context.WithCancel(ctx)
	defer context.AfterFunc(stop, cancel)()
	defer cancel()
	var summary *bcsync.Summary
	eng, err := bcsync.New(w.client, openStore{w.store}, opts)
	if err == nil {
		// ctx ending is the abort: the run's commits end with it.
		defer context.AfterFunc(ctx, eng.Abort)()
		summary, err = eng.Run(runCtx)
	}
	if summary == nil || summary.Status == bcsync.StatusFailed {
		w.log.Error("watch: incremental sync failed; the next change or poll tries again", "why", why, "companies", cos, "sets", names, "error", err.Error())
		return
	}
	var total store.Counts
	for _, r := range summary.Results {
		total.Add(r.Counts)
	}
	w.log.Info("watch: incremental sync", "why", why, "companies", cos, "sets", names, "reconcile", reconcile,
		"status", string(summary.Status), "inserted", total.Inserted, "updated", total.Updated,
		"unchanged", total.Unchanged, "deleted", total.Deleted, "failed", len(summary.Failed()),
		"duration", summary.Duration.Round(time.Millisecond).String())
	for _, f := range summary.Failed() {
		var se *bcsync.SetError
		errors.As(f.Err, &se)
		w.log.Error("watch: set failed; the next change or poll tries again", "company", f.Company.Name, "set", f.Set, "error", se.Err.Error())
	}
}

func sortSets(sets []*plan.Set) {
	slices.SortFunc(sets, func(a, b *plan.Set) int { return cmp.Or(cmp.Compare(a.Route, b.Route), cmp.Compare(a.Name, b.Name)) })
}

func sortedTargets[V any](m map[target]V) []target {
	return slices.SortedFunc(maps.Keys(m), func(a, b target) int {
		return cmp.Or(cmp.Compare(a.company, b.company), cmp.Compare(a.route, b.route), cmp.Compare(a.set, b.set))
	})
}

// openStore is the watcher's store, open while it watches, as the engine
// runs of its rounds get it: they must not open or close it again.
type openStore struct{ store.Store }

func (openStore) Open(context.Context) error { return nil }
func (openStore) Close() error               { return nil }
