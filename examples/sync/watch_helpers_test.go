package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/entities"
	"github.com/stretchr/testify/require"
)

// logBuffer collects the command's JSON log lines while it runs, and
// signals wrote after every write so that waits wake on a new line instead
// of polling.
type logBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{} // capacity 1: "something was written since you last looked"
}

func newLogBuffer() *logBuffer { return &logBuffer{wrote: make(chan struct{}, 1)} }

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	defer notify(l.wrote)
	return l.buf.Write(p)
}

// notify sets a latch of capacity 1 without blocking.
func notify(latch chan struct{}) {
	select {
	case latch <- struct{}{}:
	default:
	}
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// records are the log records with the message msg.
func (l *logBuffer) records(msg string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(l.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// watched is a sync --watch running in the background against a harness.
type watched struct {
	t      *testing.T
	h      *harness
	dest   string
	url    string
	logs   *logBuffer
	cancel context.CancelFunc
	done   chan result
}

// startWatch runs the sync with --watch on a free local port and returns
// once it waits for changes.
func startWatch(t *testing.T, h *harness, dest string, extra ...string) *watched {
	t.Helper()
	return startWatchClock(t, h, dest, nil, extra...)
}

// startWatchClock is startWatch with the watch's polls, debounce and
// renewals on clock (nil: the system clock).
func startWatchClock(t *testing.T, h *harness, dest string, clock bc.Clock, extra ...string) *watched {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	preopened.Store(addr, ln)
	if clock != nil {
		clocks.Store(addr, clock)
	}
	w := &watched{t: t, h: h, dest: dest, url: "http://" + addr + "/bc/notify", logs: newLogBuffer(), done: make(chan result, 1)}
	args := append([]string{"--entities", "customers,employees,projects", "--out", dest, "--watch", "--listen", addr, "--public-url", w.url,
		"--debounce", "200ms", "--poll", "1h"}, extra...)
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go func() {
		var out logBuffer
		code := run(ctx, args, &out, w.logs, func(k string) string { return h.env[k] })
		w.done <- result{code, out.String(), w.logs.String()}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-w.done:
		case <-time.After(20 * time.Second):
			t.Errorf("the watch did not stop")
		}
	})
	w.waitFor("watch: waiting for changes", 1)
	return w
}

// waitFor waits until the log has n records with message msg, and returns
// them. It looks again whenever the command writes a line; the bound only
// turns a hung watch into a failure instead of a stuck test.
func (w *watched) waitFor(msg string, n int) []map[string]any {
	w.t.Helper()
	hung := time.After(time.Minute)
	for {
		recs := w.logs.records(msg)
		if len(recs) >= n {
			return recs
		}
		select {
		case <-w.logs.wrote:
		case r := <-w.done:
			w.done <- r // for the cleanup
			w.t.Fatalf("the command ended (exit %d) before %d × %q:\n%s", r.code, n, msg, r.stderr)
		case <-hung:
			w.t.Fatalf("no %d × %q after a minute:\n%s", n, msg, w.logs.String())
		}
	}
}

// stop ends the watch as SIGINT does and returns its result.
func (w *watched) stop() result {
	w.t.Helper()
	w.cancel()
	select {
	case r := <-w.done:
		w.done <- r // for the cleanup
		return r
	case <-time.After(20 * time.Second):
		w.t.Fatal("the watch did not stop")
		return result{}
	}
}

// subscriptions are the fake's subscriptions that post to the watch.
func (w *watched) subscriptions() []entities.Subscriptions {
	w.t.Helper()
	var out []entities.Subscriptions
	for s, err := range w.h.srv.Client().StandardAPI().Subscriptions().List(nil, bc.ReadWrite()).All(context.Background()) {
		require.NoError(w.t, err)
		if s.NotificationURL == w.url {
			out = append(out, s)
		}
	}
	return out
}

// watchPlan is what startWatch syncs: two sets with webhooks, one without
// (the mosaic profile without its time entries, which are re-read whole).
func watchPlan(h *harness) synctest.Sets {
	return h.plan("", bcsync.SetRef{Name: "customers", Route: bc.StandardRoute}, bcsync.SetRef{Name: "employees", Route: bc.StandardRoute},
		bcsync.SetRef{Name: "projects", Route: bc.StandardRoute})
}

// num reads a number of a JSON log record.
func num(rec map[string]any, key string) int {
	f, _ := rec[key].(float64)
	return int(f)
}

// keysOf returns the first n keys of a set in a company of the fake.
func keysOf(co *bctest.Company, set string, n int) []string {
	var keys []string
	co.Each(set, func(r map[string]string) bool { keys = append(keys, r["id"]); return len(keys) < n })
	return keys
}

func insertCustomers(t *testing.T, co *bctest.Company, prefix string, n int) {
	t.Helper()
	for i := range n {
		_, err := co.Insert("customers", map[string]any{"number": fmt.Sprintf("%s%d", prefix, i), "displayName": fmt.Sprintf("Watched %s %d", prefix, i)})
		require.NoError(t, err)
	}
}

// waitClock is the fake clock of a watch, which signals waited whenever
// the watch (its loop or its Renewer) starts waiting on it: the moment to
// look again at what the watch did.
type waitClock struct {
	*bctest.ManualClock
	waited chan struct{}
}

func (c waitClock) After(d time.Duration) <-chan time.Time {
	ch := c.ManualClock.After(d)
	notify(c.waited)
	return ch
}

// until waits until cond holds, evaluating it whenever the watch waits on
// the clock again; the bound only turns a hung watch into a failure.
func (c waitClock) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	hung := time.After(time.Minute)
	for !cond() {
		select {
		case <-c.waited:
		case <-hung:
			t.Fatalf("%s: not after a minute", what)
		}
	}
}
