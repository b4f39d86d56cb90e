package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

// BC drops a webhook subscription 3 days after it was created or last
// renewed. A tenant with a NotificationURL has one subscription per company
// × subscribable set of its profile; the jobs database records each one's
// expiry (bcsync_subscriptions), so the mode and the tick see a renewal
// coming without asking BC, and every process of a PostgreSQL deployment
// sees the same record. A run in the renew mode makes the subscriptions
// exist and last (renewing, adopting or creating them) before its
// incremental sync. See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamics-subscriptions

// Subscription is one webhook subscription the jobs keep for a tenant, as
// recorded after the last renewal.
type Subscription struct {
	Tenant, ID, Resource, NotificationURL string
	Expires                               time.Time
}

// renewalDue reports whether t's subscriptions need a renew run at now:
// none recorded yet, one posting elsewhere than t.NotificationURL, or one
// expiring within renewBefore. A tenant without a NotificationURL never
// needs one.
func renewalDue(t Tenant, subs []Subscription, renewBefore time.Duration, now time.Time) bool {
	if t.NotificationURL == "" {
		return false
	}
	if len(subs) == 0 {
		return true
	}
	for _, s := range subs {
		if s.NotificationURL != t.NotificationURL || !now.Before(s.Expires.Add(-renewBefore)) {
			return true
		}
	}
	return false
}

// renewAt is when t's earliest recorded subscription is due for renewal
// (zero: nothing recorded, or no NotificationURL), for the tick.
func renewAt(t Tenant, subs []Subscription, renewBefore time.Duration) time.Time {
	var at time.Time
	if t.NotificationURL == "" {
		return at
	}
	for _, s := range subs {
		if due := s.Expires.Add(-renewBefore); at.IsZero() || due.Before(at) {
			at = due
		}
	}
	return at
}

// subscribableSets are the sets of profile that can have subscriptions.
func subscribableSets(profile string) ([]string, error) {
	sets, err := plan.Build(profile, nil, map[string]*schema.Service{bc.StandardRoute: entities.Schema})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range sets {
		if s.Route == bc.StandardRoute && plan.Subscribable(s) {
			out = append(out, s.Name)
		}
	}
	return out, nil
}

// renew makes t's subscriptions exist and last another 3 days: for every
// company × subscribable set, the subscription BC has for it (recorded, or
// posting to t.NotificationURL) is renewed when due or when it posts
// elsewhere, and created when BC has none. The client state is the tenant's
// name, so a receiver knows whose sync a notification asks for. It records
// what BC answered and returns how many subscriptions it renewed or
// created.
func (w *syncWorker) renew(ctx context.Context, t Tenant, client *bc.Client) (int, error) {
	sets, err := subscribableSets(t.Profile)
	if err != nil {
		return 0, err
	}
	recorded, err := w.cfg.DB.subscriptions(ctx, t.Name)
	if err != nil {
		return 0, err
	}
	ours := map[string]bool{}
	for _, s := range recorded {
		ours[s.ID] = true
	}
	route := client.StandardAPI()
	subs := route.Subscriptions()
	existing := map[string]entities.Subscriptions{}
	for s, err := range subs.List(nil, bc.ReadWrite()).All(ctx) {
		if err != nil {
			return 0, fmt.Errorf("listing the webhook subscriptions: %w", err)
		}
		if ours[s.SubscriptionID] || s.NotificationURL == t.NotificationURL {
			existing[resourceKey(s.Resource)] = s
		}
	}
	now := w.cfg.Clock.Now()
	var kept []Subscription
	changed := 0
	for co, err := range client.Companies().List(nil).All(ctx) {
		if err != nil {
			return changed, fmt.Errorf("listing the companies: %w", err)
		}
		for _, name := range sets {
			scope := bc.Set[json.RawMessage](route.Company(co.ID), name)
			sub, ok := existing[resourceKey(scope.Path())]
			switch {
			case !ok:
				sub, err = subs.Subscribe(ctx, scope, t.NotificationURL, t.Name)
			case sub.NotificationURL != t.NotificationURL || sub.ClientState != t.Name || !now.Before(sub.ExpirationDateTime.Add(-w.cfg.RenewBefore)):
				sub.NotificationURL, sub.ClientState = t.NotificationURL, t.Name
				sub, err = subs.Renew(ctx, sub)
			default:
				kept = append(kept, Subscription{t.Name, sub.SubscriptionID, sub.Resource, sub.NotificationURL, sub.ExpirationDateTime.UTC()})
				continue
			}
			if err != nil {
				if rerr := w.cfg.DB.recordSubscriptions(context.WithoutCancel(ctx), t.Name, kept); rerr != nil {
					w.cfg.Logger.Error("recording the webhook subscriptions", "tenant", t.Name, "err", rerr)
				}
				return changed, fmt.Errorf("subscribing to %s of company %s: %w", name, co.ID, err)
			}
			changed++
			kept = append(kept, Subscription{t.Name, sub.SubscriptionID, sub.Resource, sub.NotificationURL, sub.ExpirationDateTime.UTC()})
		}
	}
	return changed, w.cfg.DB.recordSubscriptions(ctx, t.Name, kept)
}

// resourceKey identifies a subscription's resource however BC wrote it:
// the lower-cased company id and the set.
func resourceKey(resource string) string {
	r, err := bc.ParseResource(resource)
	if err != nil {
		return resource
	}
	return strings.ToLower(r.CompanyID) + "/" + r.Set
}

// Subscriptions returns the webhook subscriptions recorded for tenant,
// earliest expiry first.
func (r *Registry) Subscriptions(ctx context.Context, tenant string) ([]Subscription, error) {
	return r.db.subscriptions(ctx, tenant)
}

func (db *DB) subscriptions(ctx context.Context, tenant string) ([]Subscription, error) {
	rows, err := db.query(ctx, "SELECT tenant, subscription_id, resource, notification_url, expires_us FROM bcsync_subscriptions WHERE ? = '' OR tenant = ? ORDER BY expires_us, resource", tenant, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var s Subscription
		var us int64
		if err := rows.Scan(&s.Tenant, &s.ID, &s.Resource, &s.NotificationURL, &us); err != nil {
			return nil, err
		}
		s.Expires = time.UnixMicro(us).UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// recordSubscriptions replaces tenant's record with subs.
func (db *DB) recordSubscriptions(ctx context.Context, tenant string, subs []Subscription) error {
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, db.rebind("DELETE FROM bcsync_subscriptions WHERE tenant = ?"), tenant); err != nil {
		return err
	}
	for _, s := range subs {
		if _, err := tx.ExecContext(ctx, db.rebind("INSERT INTO bcsync_subscriptions (tenant, subscription_id, resource, notification_url, expires_us) VALUES (?, ?, ?, ?, ?)"),
			tenant, s.ID, s.Resource, s.NotificationURL, s.Expires.UnixMicro()); err != nil {
			return err
		}
	}
	return tx.Commit()
}
