package watch

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
)

// poll reads sets incrementally in every company.
func (w *Watcher) poll(ctx, stop context.Context, sets []*bcsync.Set, why string) {
	if len(sets) == 0 {
		return
	}
	companies := slices.Sorted(maps.Keys(w.opts.Companies))
	w.incremental(ctx, stop, companies, sets, w.opts.Sync.Reconcile, why)
}

// incremental runs the engine for sets in companies: the watermarks make it
// read only what changed since the last run. Failures are logged; the next
// notification or poll reads the set again.
func (w *Watcher) incremental(ctx, stop context.Context, companies []string, sets []*bcsync.Set, reconcile bool, why string) {
	if len(sets) == 0 {
		return
	}
	opts := w.opts.Sync
	opts.Companies, opts.Profile, opts.Entities = companies, "", make([]bcsync.Ref, len(sets))
	opts.Full, opts.Since, opts.Reconcile = false, time.Time{}, reconcile
	names := make([]string, len(sets))
	for i, s := range sets {
		opts.Entities[i] = bcsync.Ref{Name: s.Name, Route: s.Route}
		names[i] = s.Name
	}
	cos := make([]string, len(companies))
	for i, id := range companies {
		cos[i] = w.opts.Companies[id]
	}
	summary, err := bcsync.New(opts, w.client, w.store, w.log, quiet{}).Run(ctx, stop)
	if err != nil {
		w.log.Error("watch: incremental sync failed; the next change or poll tries again", "why", why, "companies", cos, "sets", names, "error", err.Error())
		return
	}
	var total store.Counts
	for _, r := range summary.Results {
		total.Add(r.Counts)
	}
	w.log.Info("watch: incremental sync", "why", why, "companies", cos, "sets", names, "reconcile", reconcile,
		"status", summary.Run.Status, "inserted", total.Inserted, "updated", total.Updated,
		"unchanged", total.Unchanged, "deleted", total.Deleted, "failed", len(summary.Failed()),
		"duration", summary.Duration.Round(time.Millisecond).String())
	for _, f := range summary.Failed() {
		w.log.Error("watch: set failed; the next change or poll tries again", "company", summary.CompanyNames[f.CompanyID], "set", f.Set, "error", f.Error)
	}
}

func sortSets(sets []*bcsync.Set) {
	slices.SortFunc(sets, func(a, b *bcsync.Set) int { return cmp.Or(cmp.Compare(a.Route, b.Route), cmp.Compare(a.Name, b.Name)) })
}

func sortedTargets[V any](m map[target]V) []target {
	return slices.SortedFunc(maps.Keys(m), func(a, b target) int {
		return cmp.Or(cmp.Compare(a.company, b.company), cmp.Compare(a.route, b.route), cmp.Compare(a.set, b.set))
	})
}

// quiet is the engine's Reporter in watch mode: one log line per run says
// what it did, not one per set.
type quiet struct{}

func (quiet) Planned(string, string, int64)            {}
func (quiet) Fetched(string, string, int64)            {}
func (quiet) Finished(string, string, store.SetResult) {}
