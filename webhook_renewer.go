package bc

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc/entities"
)

// Clock tells the time and waits. Tests give the Renewer a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Renewer keeps webhook subscriptions alive: it creates one per kept set (or
// adopts a matching one BC already has), renews each some time before its
// expirationDateTime (BC drops subscriptions after 3 days), and checks
// regularly that BC still has them, creating again the ones BC deleted — BC
// deletes a subscription when the receiver answers a notification with
// anything but 2xx, 408, 429 or 5xx, or fails too many times. Failures are
// logged to the client's logger and retried with backoff.
type Renewer struct {
	notificationURL, clientState string
	renewBefore, checkEvery      time.Duration
	clock                        Clock

	mu      sync.Mutex
	kept    []*keptSubscription
	wake    chan struct{}
	running bool
}

type keptSubscription struct {
	subs     SubscriptionsSet
	resource string
	sub      entities.Subscriptions // empty SubscriptionID: none yet
	renewAt  time.Time
	retryAt  time.Time
	failures int
}

// RenewerOption configures a Renewer.
type RenewerOption func(*Renewer)

// RenewBefore sets how long before expirationDateTime a subscription is
// renewed (default 24 hours). A subscription is never renewed before half
// its lifetime has passed.
func RenewBefore(d time.Duration) RenewerOption { return func(r *Renewer) { r.renewBefore = d } }

// CheckEvery sets how often the Renewer asks BC whether its subscriptions
// still exist (default 15 minutes), which bounds how long notifications stay
// lost after BC deleted one.
func CheckEvery(d time.Duration) RenewerOption { return func(r *Renewer) { r.checkEvery = d } }

// RenewerClock sets the clock (default: the system's).
func RenewerClock(c Clock) RenewerOption { return func(r *Renewer) { r.clock = c } }

// NewRenewer returns a Renewer for subscriptions that post to notificationURL
// with clientState. It does no I/O; Keep the sets, then Run it.
func NewRenewer(notificationURL, clientState string, opts ...RenewerOption) *Renewer {
	r := &Renewer{
		notificationURL: notificationURL, clientState: clientState,
		renewBefore: 24 * time.Hour, checkEvery: 15 * time.Minute, clock: realClock{},
		wake: make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Keep adds a set (co.Customers(), a custom API's set) whose changes should
// keep coming. It may be called before or while Run runs.
func (r *Renewer) Keep(set Scope) error {
	route, err := routeOf(set.Client(), set.Path())
	if err != nil {
		return err
	}
	subs := route.Subscriptions()
	resource, err := subs.resourceOf(set)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.kept = append(r.kept, &keptSubscription{subs: subs, resource: resource})
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return nil
}

// Subscriptions returns the subscriptions as last seen, one per kept set that
// has one.
func (r *Renewer) Subscriptions() []entities.Subscriptions {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []entities.Subscriptions
	for _, k := range r.kept {
		if k.sub.SubscriptionID != "" {
			out = append(out, k.sub)
		}
	}
	return out
}

// Run keeps the subscriptions alive until ctx ends, and returns ctx's error.
// It leaves them in BC when it returns: they expire on their own, or Delete them.
func (r *Renewer) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.running {
		r.mu.Unlock()
		return errors.New("bc: the Renewer is running already")
	}
	r.running = true
	r.mu.Unlock()
	defer func() { r.mu.Lock(); r.running = false; r.mu.Unlock() }()

	nextCheck := r.clock.Now().Add(r.checkEvery)
	for {
		now := r.clock.Now()
		check := !now.Before(nextCheck)
		if check {
			nextCheck = now.Add(r.checkEvery)
		}
		next := nextCheck
		r.mu.Lock()
		kept := append([]*keptSubscription(nil), r.kept...)
		r.mu.Unlock()
		for _, k := range kept {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if due := r.tend(ctx, k, check); due.Before(next) {
				next = due
			}
		}
		select {
		case <-r.wake: // Keep was called during the pass
			continue
		default:
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.wake:
		case <-r.clock.After(max(next.Sub(r.clock.Now()), 0)):
		}
	}
}

// tend does what one kept subscription needs now and returns when it next
// needs attention.
func (r *Renewer) tend(ctx context.Context, k *keptSubscription, check bool) time.Time {
	now := r.clock.Now()
	if now.Before(k.retryAt) {
		return k.retryAt
	}
	log := k.subs.Client().Logger()
	r.mu.Lock()
	sub := k.sub
	r.mu.Unlock()
	var err error
	switch {
	case sub.SubscriptionID == "":
		sub, err = r.obtain(ctx, k)
	case !now.Before(k.renewAt) || sub.ClientState != r.clientState || sub.NotificationURL != r.notificationURL:
		sub.ClientState, sub.NotificationURL = r.clientState, r.notificationURL
		sub, err = k.subs.Renew(ctx, sub)
		if errors.Is(err, ErrNotFound) {
			log.Warn("bc: webhook subscription is gone; creating it again", slog.String("resource", k.resource))
			sub, err = r.obtain(ctx, k)
		}
	case check:
		sub, err = k.subs.Get(ctx, sub.SubscriptionID, nil, ReadWrite())
		if errors.Is(err, ErrNotFound) {
			log.Warn("bc: webhook subscription was deleted by BC; creating it again", slog.String("resource", k.resource))
			sub, err = r.obtain(ctx, k)
		}
	default:
		return k.renewAt
	}
	if err != nil && (errors.Is(err, ErrConflict) || errors.Is(err, ErrPrecondition)) {
		// Someone else changed it since it was read: read it, then renew it.
		if sub, err = k.subs.Get(ctx, k.sub.SubscriptionID, nil, ReadWrite()); err == nil {
			r.mu.Lock()
			k.sub, k.renewAt = sub, now
			r.mu.Unlock()
			return now
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		k.failures++
		wait := min(time.Minute<<min(k.failures-1, 4), 15*time.Minute)
		k.retryAt = now.Add(wait)
		log.Error("bc: keeping a webhook subscription alive failed; retrying",
			slog.String("resource", k.resource), slog.Duration("in", wait), slog.String("error", err.Error()))
		return k.retryAt
	}
	k.sub, k.failures, k.retryAt = sub, 0, time.Time{}
	now = r.clock.Now()
	// Renew renewBefore ahead of expiry, but never before half the lifetime
	// has passed, so a short-lived subscription is not renewed in a loop.
	k.renewAt = sub.ExpirationDateTime.Add(-r.renewBefore)
	if half := now.Add(sub.ExpirationDateTime.Sub(now) / 2); k.renewAt.Before(half) {
		k.renewAt = half
	}
	return k.renewAt
}

// obtain adopts a subscription BC already has for the resource and
// notification URL, or creates one.
func (r *Renewer) obtain(ctx context.Context, k *keptSubscription) (entities.Subscriptions, error) {
	for s, err := range k.subs.List(nil, ReadWrite()).All(ctx) {
		if err != nil {
			return entities.Subscriptions{}, err
		}
		if s.NotificationURL == r.notificationURL && sameResource(s.Resource, k.resource) {
			if s.ClientState != r.clientState {
				s.ClientState = r.clientState
				return k.subs.Renew(ctx, s)
			}
			return s, nil
		}
	}
	return k.subs.Create(ctx, entities.Subscriptions{NotificationURL: r.notificationURL, Resource: k.resource, ClientState: r.clientState})
}

// sameResource compares resources written in any of BC's forms.
func sameResource(a, b string) bool {
	ra, err1 := ParseResource(a)
	rb, err2 := ParseResource(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return strings.EqualFold(ra.CompanyID, rb.CompanyID) && ra.Set == rb.Set && ra.Key == rb.Key &&
		(ra.Route == rb.Route || ra.Route == "" || rb.Route == "")
}
