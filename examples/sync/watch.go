package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/watch"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/examples/sync/internal/config"
)

// preopened are listeners opened before the run, by address. Tests open
// one on a free port and put it here, so they know the address (and the
// --public-url) before the command starts, even when they run in parallel.
var preopened sync.Map // string → net.Listener

// clocks are fake clocks by listen address, put there by tests beside the
// listener, so that a watch's polls, debounce and renewals move with the
// fake BC's time (bctest.WithClock) instead of the system's.
var clocks sync.Map // string → bc.Clock

// listen opens --listen. It happens before the sync, so a busy or invalid
// address fails at once (exit 2), not after a long first sync.
func listen(addr string) (net.Listener, error) {
	if ln, ok := preopened.LoadAndDelete(addr); ok {
		return ln.(net.Listener), nil
	}
	return net.Listen("tcp", addr)
}

// watchAfter follows BC's changes after the sync (--watch) until the first
// SIGINT/SIGTERM, and returns the exit code: 0 when stopped, 2 when
// watching could not start (the store, or BC refused every subscription).
func watchAfter(ctx, stop context.Context, cfg *config.Config, ln net.Listener, client *bc.Client, st store.Store,
	opts bcsync.Options, summary *bcsync.Summary, logger *slog.Logger, stderr io.Writer, fake *bctest.Server) int {
	if fake != nil {
		// A user of the demo tenant, so that there are changes to see.
		defer fake.PlayDemoUser(10*time.Second, func(company string, err error) {
			if err != nil {
				logger.Warn("demo: changing the fake failed", "error", err.Error())
				return
			}
			logger.Info("demo: added and renamed a customer in the fake; its notifications follow in 3 s", "company", company)
		})()
	}
	defer onStop(stop, func() {
		logger.Warn("stopping the watch: its subscriptions are deleted; interrupt again to abort")
	})()
	companies := map[string]string{}
	for _, co := range summary.Companies {
		companies[co.ID] = co.Name
	}
	var clock bc.Clock
	if c, ok := clocks.LoadAndDelete(ln.Addr().String()); ok {
		clock = c.(bc.Clock)
	}
	w := watch.New(watch.Options{
		Listener: ln, PublicURL: cfg.PublicURL, Poll: cfg.Poll, Debounce: cfg.Debounce,
		Sync: opts, Companies: companies, Clock: clock,
	}, client, st, logger)
	var setup *bcsync.SetupError
	if err := w.Run(ctx, stop); errors.As(err, &setup) {
		fmt.Fprintf(stderr, "sync: --out: %v\n", err)
		return exitSetup
	} else if err != nil {
		fmt.Fprintf(stderr, "sync: --watch: %s\n", oneLine(err.Error()))
		return exitSetup
	}
	return exitOK
}
