package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/plan"
)

// subscribe removes what an earlier run left behind, subscribes every
// company × subscribable set, and returns a Renewer that keeps them alive.
// A set BC refuses is polled. When BC refuses every one, the public URL is
// most likely unreachable, and watching cannot start.
func (w *Watcher) subscribe(ctx context.Context, state string) (*bc.Renewer, error) {
	if err := w.removeOurs(ctx, "an earlier run left"); err != nil {
		w.log.Warn("watch: could not clear the subscriptions an earlier run left", "error", err.Error())
	}
	renewer := bc.NewRenewer(w.opts.PublicURL, state, bc.RenewerClock(w.opts.Clock))
	tried, refused := 0, 0
	var lastErr error
	companies := slices.Sorted(maps.Keys(w.opts.Companies))
	for _, s := range w.sets {
		if !plan.Subscribable(s) {
			if s.Store {
				w.polled = append(w.polled, s)
			}
			continue
		}
		route, err := w.client.RouteAt(s.Route)
		if err != nil {
			return nil, err
		}
		poll := false
		for _, id := range companies {
			scope := bc.Set[json.RawMessage](route.Company(id), s.Name)
			tried++
			sub, err := route.Subscriptions().Subscribe(ctx, scope, w.opts.PublicURL, state)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				refused++
				lastErr = err
				poll = true
				w.log.Warn("watch: BC refused a subscription; the set is polled", "company", w.opts.Companies[id], "set", s.Name, "error", err.Error())
				continue
			}
			if err := renewer.Keep(scope); err != nil {
				return nil, err
			}
			w.watched[target{strings.ToLower(id), s.Route, s.Name}] = true
			w.log.Info("watch: subscribed", "company", w.opts.Companies[id], "set", s.Name,
				"subscription", sub.SubscriptionID, "expires", sub.ExpirationDateTime.Format(time.RFC3339))
		}
		if poll {
			w.polled = append(w.polled, s)
		}
	}
	if tried > 0 && refused == tried {
		return nil, fmt.Errorf("watch: BC refused every subscription, so the public URL %s is probably not reachable from BC or does not reach the listener: %w", w.opts.PublicURL, lastErr)
	}
	return renewer, nil
}

// unsubscribe deletes the run's subscriptions once the Renewer has stopped,
// so BC stops posting to a receiver that is gone. It is best effort: BC
// drops them after their 3 days anyway.
func (w *Watcher) unsubscribe(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.removeOurs(ctx, "this run made"); err != nil {
		w.log.Warn("watch: could not delete the subscriptions; BC drops them when they expire", "error", err.Error())
	}
}

// removeOurs deletes the subscriptions on the plan's routes that post to
// the public URL: this run's at the end, and at the start those a killed run
// left, which would otherwise notify with a client state no longer accepted.
func (w *Watcher) removeOurs(ctx context.Context, whose string) error {
	var routes []string
	for _, s := range w.sets {
		if plan.Subscribable(s) && !slices.Contains(routes, s.Route) {
			routes = append(routes, s.Route)
		}
	}
	removed := 0
	var errs []error
	for _, path := range routes {
		route, err := w.client.RouteAt(path)
		if err != nil {
			return err
		}
		subs := route.Subscriptions()
		for sub, err := range subs.List(nil, bc.ReadWrite()).All(ctx) {
			if err != nil {
				errs = append(errs, err)
				break
			}
			if sub.NotificationURL != w.opts.PublicURL {
				continue
			}
			if err := subs.Delete(ctx, sub.SubscriptionID, "", bc.IfMatchAny()); err != nil && !errors.Is(err, bc.ErrNotFound) {
				errs = append(errs, err)
				continue
			}
			removed++
		}
	}
	if removed > 0 {
		w.log.Info("watch: deleted subscriptions "+whose, "count", removed)
	}
	return errors.Join(errs...)
}
