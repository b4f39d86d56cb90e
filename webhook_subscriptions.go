package bc

import (
	"context"
	"fmt"
	"strings"

	"github.com/bcsdk/bc/entities"
)

// BC's webhook subscriptions live at the route level ({route}/subscriptions),
// keyed by a string subscriptionId; they last 3 days unless renewed, and BC
// keeps at most 200 per environment. Creating or renewing one makes BC call
// the notification URL with ?validationToken=… first; the call fails unless
// the token comes back within about 5 s (WebhookHandler answers it). See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamics-subscriptions

// SubscriptionsSet is a route's webhook subscriptions; the operations come
// from EntitySet, plus Subscribe and Renew.
type SubscriptionsSet struct {
	*EntitySet[entities.Subscriptions]
}

// Subscriptions returns the route's webhook subscriptions set.
func (r *Route) Subscriptions() SubscriptionsSet {
	return SubscriptionsSet{Set[entities.Subscriptions](r, "subscriptions", StringKey())}
}

// Subscribe asks BC to post changes of set (sets.For(co).Customers(), or any set on
// this route) to notificationURL, with clientState in every notification.
// List, Get and Delete come from the embedded EntitySet.
func (s SubscriptionsSet) Subscribe(ctx context.Context, set Scope, notificationURL, clientState string) (entities.Subscriptions, error) {
	resource, err := s.resourceOf(set)
	if err != nil {
		return entities.Subscriptions{}, err
	}
	return s.Create(ctx, entities.Subscriptions{NotificationURL: notificationURL, Resource: resource, ClientState: clientState})
}

// Renew extends sub by another 3 days: a PATCH with its ETag that sends its
// notification URL, resource and client state again (change them on sub to
// move it). BC repeats the validation handshake. Renew before
// ExpirationDateTime: an expired subscription is gone and must be created anew.
func (s SubscriptionsSet) Renew(ctx context.Context, sub entities.Subscriptions) (entities.Subscriptions, error) {
	if sub.SubscriptionID == "" {
		return entities.Subscriptions{}, fmt.Errorf("bc: Renew: the subscription has no subscriptionId; create it with Subscribe")
	}
	return s.Patch(ctx, sub.SubscriptionID, sub.ETag, map[string]string{
		"notificationUrl": sub.NotificationURL,
		"resource":        sub.Resource,
		"clientState":     sub.ClientState,
	})
}

// resourceOf is the resource BC expects for set: its path from the route on,
// "api/v2.0/companies(…)/customers", checked to be on this route.
func (s SubscriptionsSet) resourceOf(set Scope) (string, error) {
	if set.Client() != s.Client() {
		return "", fmt.Errorf("bc: the set %s belongs to another client", set.Path())
	}
	route := s.scope.Path()
	if !strings.HasPrefix(set.Path(), route+"/") {
		return "", fmt.Errorf("bc: the set %s is not on the route %s of these subscriptions", set.Path(), route)
	}
	return set.Path(), nil
}

// routeOf returns the API route a set path starts with: api/v2.0 or
// api/{publisher}/{group}/{version}.
func routeOf(c *Client, path string) (*Route, error) {
	if strings.HasPrefix(path, "api/v2.0/") {
		return c.StandardAPI(), nil
	}
	parts := strings.SplitN(path, "/", 5)
	if len(parts) < 5 || parts[0] != "api" {
		return nil, fmt.Errorf("bc: %q is not a set below an API route", path)
	}
	return &Route{c: c, path: strings.Join(parts[:4], "/")}, nil
}
