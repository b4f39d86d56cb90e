package watch

import (
	"context"
	"fmt"
	"slices"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

// plan is the sync's plan, built from the same live $metadata the engine
// used to create the tables, so the tables deletes are written to have
// exactly the store's columns.
func (w *Watcher) plan(ctx context.Context) ([]*plan.Set, error) {
	if len(w.opts.Companies) == 0 {
		return nil, errNoCompanies
	}
	routes := []string{bc.StandardRoute}
	refs := plan.RefsOf(w.opts.Sync.Sets)
	for _, r := range refs {
		if !slices.Contains(routes, r.Route) {
			routes = append(routes, r.Route)
		}
	}
	schemas := map[string]*schema.Service{}
	for _, route := range routes {
		r, err := w.client.RouteAt(route)
		if err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		svc, err := r.Metadata(ctx)
		switch {
		case err == nil:
			schemas[route] = svc
		case route == bc.StandardRoute:
			schemas[route] = entities.Schema // as the engine does when $metadata cannot be read
		default:
			return nil, fmt.Errorf("watch: reading the $metadata of /%s: %w", route, err)
		}
	}
	return plan.Build(w.opts.Sync.Profile, refs, schemas)
}
