// Package watch keeps a synced store current after the sync: BC's webhooks
// say which company × set changed, deletes are applied from the
// notification itself (an incremental read cannot see a row that is gone),
// and changed sets are read again with the engine's incremental sync. Sets
// BC has no webhooks for are polled, and every set is polled when BC has
// been silent for a poll interval, in case BC dropped a subscription.
//
// Everything that writes runs on the one goroutine of Run, because a store
// takes one writer at a time. A Watcher follows a sync: give it the store
// the sync filled (closed again, as Engine.Run leaves it) and the companies
// of its Summary.
package watch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
)

// Options configure a Watcher.
type Options struct {
	// Listener receives BC's calls; PublicURL is how BC reaches it (the
	// subscriptions' notificationUrl).
	Listener  net.Listener
	PublicURL string
	// Poll is how often the sets without webhooks are read, and how long a
	// silence from BC makes every set read.
	Poll time.Duration
	// Debounce is how long notifications are collected before one
	// incremental sync reads what they name (BC sends a burst per change).
	Debounce time.Duration
	// Sync are the options of the sync that filled the store; each
	// incremental run narrows its Companies and Sets.
	Sync bcsync.Options
	// Companies are the ids of the synced companies, mapped to their names.
	Companies map[string]string
	// Clock times the polls, the debounce and the Renewer of the
	// subscriptions; nil is the system clock. Tests give a fake one (a
	// bctest.ManualClock, which the fake BC can share) so that time passes
	// when they say.
	Clock bc.Clock
}

// systemClock is real time.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Watcher follows the changes of the synced companies until stopped.
type Watcher struct {
	opts   Options
	client *bc.Client
	store  store.Store
	log    *slog.Logger

	sets    []*plan.Set
	watched map[target]bool // company × set with a subscription
	polled  []*plan.Set     // sets BC has no webhooks for
	rounds  int
}

// target is one company × set.
type target struct {
	company string // lower-case id
	route   string
	set     string
}

// New returns a Watcher; it does no I/O.
func New(opts Options, c *bc.Client, st store.Store, log *slog.Logger) *Watcher {
	if opts.Debounce <= 0 {
		opts.Debounce = 2 * time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = 15 * time.Minute
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	companies := make(map[string]string, len(opts.Companies))
	for id, name := range opts.Companies {
		companies[strings.ToLower(id)] = name // notifications write GUIDs in lower case
	}
	opts.Companies = companies
	return &Watcher{opts: opts, client: c, store: st, log: log, watched: map[target]bool{}}
}

// Run opens the store, serves the notifications, subscribes, and keeps the
// store current until stop ends (a first SIGINT); then it deletes its
// subscriptions and closes the store. ctx aborts everything at once, store
// calls included. It returns an error only when watching could not start:
// a *bcsync.SetupError with StepStore when the store could not be opened.
func (w *Watcher) Run(ctx, stop context.Context) (err error) {
	if err := w.store.Open(ctx); err != nil {
		return &bcsync.SetupError{Step: bcsync.StepStore, Err: err}
	}
	defer func() {
		if cerr := w.store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("watch: closing the store: %w", cerr)
		}
	}()
	sets, err := w.plan(ctx)
	if err != nil {
		return err
	}
	// The deletes of notifications are written to these tables directly.
	for _, t := range plan.Tables(sets) {
		if err := w.store.EnsureTable(ctx, t); err != nil {
			return err
		}
	}
	w.sets = sets
	state, err := clientState()
	if err != nil {
		return err
	}
	h, err := bc.NewWebhookHandler(state, bc.WebhookLogger(w.log))
	if err != nil {
		return err
	}
	// Every path gets the handler: a 404 to BC would delete the subscriptions.
	srv, served := serve(w.opts.Listener, h, defaultReceiverLimits, w.log)
	defer func() {
		h.Close()
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
		<-served
	}()
	w.log.Info("watch: receiving BC's notifications", "listen", w.opts.Listener.Addr().String(), "publicUrl", w.opts.PublicURL)

	renewer, err := w.subscribe(ctx, state)
	if err != nil {
		return err
	}
	renewCtx, stopRenewing := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() { defer close(renewed); _ = renewer.Run(renewCtx) }()
	defer func() {
		stopRenewing()
		<-renewed
		w.unsubscribe(ctx)
	}()
	w.loop(ctx, stop, h.Events())
	return nil
}

// loop collects notifications and polls until stop ends. A poll comes one
// poll interval after the last one ended. Its first wait starts before
// "waiting for changes" is logged, so a test that sees the line can move a
// fake clock past it.
func (w *Watcher) loop(ctx, stop context.Context, events <-chan bc.WebhookEvent) {
	clock := w.opts.Clock
	poll := clock.After(w.opts.Poll)
	heard := clock.Now()
	w.log.Info("watch: waiting for changes", "subscriptions", len(w.watched), "polledSets", len(w.polled),
		"poll", w.opts.Poll.String(), "debounce", w.opts.Debounce.String())
	pending := newChanges()
	var debounce <-chan time.Time
	for {
		select {
		case <-stop.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			heard = clock.Now()
			w.note(pending, ev)
			if debounce == nil {
				debounce = clock.After(w.opts.Debounce)
			}
		case <-debounce:
			debounce = nil
			w.apply(ctx, stop, pending)
			pending = newChanges()
		case now := <-poll:
			sets, why := w.polled, "sets without webhooks"
			if now.Sub(heard) >= w.opts.Poll {
				sets, why = w.sets, "no notification for a poll interval"
			}
			w.poll(ctx, stop, sets, why)
			poll = clock.After(w.opts.Poll)
		}
	}
}

// clientState is a fresh secret for this run's subscriptions: BC echoes it
// in every notification, so forged posts are told apart.
func clientState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("watch: making a client state: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// errNoCompanies is returned when there is nothing to watch.
var errNoCompanies = errors.New("watch: the sync found no company to watch")
