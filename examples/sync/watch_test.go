package main

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// TestWatchKeepsTheStoreCurrent follows inserts, updates and deletes by
// webhooks, then the two kinds of collection notification, and checks the
// store equals the fake row for row after each, with one debounced round
// of notifications and a bounded number of engine runs.
func TestWatchKeepsTheStoreCurrent(t *testing.T) {
	t.Parallel()
	dests := []string{"sqlite"}
	if os.Getenv("BC_TEST_POSTGRES_DSN") != "" {
		dests = append(dests, "postgres")
	}
	for _, kind := range dests {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			// Notifications go out only when the test flushes them.
			h := newHarness(t, bctest.WithWebhooks(bctest.Webhooks{Delay: time.Hour, CollectionThreshold: 5}))
			dest := h.sqlite("watch.db")
			if kind == "postgres" {
				dest = freshPostgres(t, os.Getenv("BC_TEST_POSTGRES_DSN"), "watch")
			}
			sets := watchPlan(h)
			w := startWatch(t, h, dest)
			h.requireSynced(dest, sets)

			// customers and employees have webhooks in every company;
			// projects are polled.
			subs := w.subscriptions()
			require.Len(t, subs, 3*2)
			require.Len(t, subs[0].ClientState, 64, "a fresh random client state")
			for _, s := range subs {
				require.Regexp(t, `^api/v2\.0/companies\([0-9a-f-]{36}\)/(customers|employees)$`, s.Resource)
			}
			require.Len(t, w.logs.records("watch: subscribed"), 6)

			cos := h.srv.Tenant().Companies()
			a, b, c := cos[0], cos[1], cos[2]

			// Round 1: two created, an update and a delete in one company,
			// an update and a delete of employees in another.
			insertCustomers(t, a, "W", 2)
			ck := keysOf(a, "customers", 2)
			_, err := a.Update("customers", ck[0], map[string]any{"displayName": "Renamed while watched"})
			require.NoError(t, err)
			require.NoError(t, a.Delete("customers", ck[1]))
			ek := keysOf(b, "employees", 2)
			_, err = b.Update("employees", ek[0], map[string]any{"givenName": "Watched"})
			require.NoError(t, err)
			require.NoError(t, b.Delete("employees", ek[1]))
			start := time.Now()
			h.srv.FlushNotifications()
			round := w.waitFor("watch: notifications", 1)[0]
			require.Equal(t, 6, num(round, "count"))
			require.Equal(t, []int{2, 2, 2, 0}, []int{num(round, "created"), num(round, "updated"), num(round, "deleted"), num(round, "collection")})
			require.Equal(t, 2, num(w.waitFor("watch: deleted rows", 1)[0], "rows"))
			runs := w.waitFor("watch: incremental sync", 2) // one per company: the changed sets differ
			h.requireSynced(dest, sets)
			t.Logf("round 1: 6 notifications → 2 deletes + 2 incremental runs, store equal after %s", time.Since(start).Round(time.Millisecond))
			require.Equal(t, 4, num(runs[0], "inserted")+num(runs[0], "updated")+num(runs[1], "inserted")+num(runs[1], "updated"))

			// Round 2: more changes than the threshold become one
			// collection notification with a filter: an incremental read.
			insertCustomers(t, c, "C", 6)
			start = time.Now()
			h.srv.FlushNotifications()
			round = w.waitFor("watch: notifications", 2)[1]
			require.Equal(t, []int{1, 1}, []int{num(round, "count"), num(round, "collection")})
			run := w.waitFor("watch: incremental sync", 3)[2]
			h.requireSynced(dest, sets)
			require.Equal(t, false, run["reconcile"])
			require.Equal(t, 6, num(run, "inserted"))
			t.Logf("round 2: a collection of 6 inserts → 1 incremental run, store equal after %s", time.Since(start).Round(time.Millisecond))

			// Round 3: a collection with a delete among its changes has no
			// filter: the set is read and its keys reconciled.
			insertCustomers(t, c, "D", 4)
			gone := keysOf(c, "customers", 2)
			require.NoError(t, c.Delete("customers", gone[0]))
			require.NoError(t, c.Delete("customers", gone[1]))
			start = time.Now()
			h.srv.FlushNotifications()
			round = w.waitFor("watch: notifications", 3)[2]
			require.Equal(t, []int{1, 1}, []int{num(round, "count"), num(round, "collection")})
			run = w.waitFor("watch: incremental sync", 4)[3]
			h.requireSynced(dest, sets)
			require.Equal(t, true, run["reconcile"])
			require.Equal(t, []int{4, 2}, []int{num(run, "inserted"), num(run, "deleted")})
			t.Logf("round 3: a collection with deletes → 1 reconciling run, store equal after %s", time.Since(start).Round(time.Millisecond))

			// Stopping deletes the subscriptions, so BC stops posting.
			r := w.stop()
			require.Equal(t, 0, r.code, r.stderr)
			require.Empty(t, w.subscriptions())
			require.Len(t, w.logs.records("watch: deleted subscriptions this run made"), 1)
			secrets := append([]string{h.env["BC_CLIENT_SECRET"], subs[0].ClientState}, h.srv.IssuedTokens()...)
			requireNoSecrets(t, "sync --watch", r.stdout+r.stderr, h.dir, secrets)
		})
	}
}

// TestWatchPollsSetsWithoutWebhooks changes projects, which BC has no
// webhooks for: the poll reads them. The subscriptions live 2 s here, and
// the Renewer keeps them past that. The fake BC and the watch share a
// manual clock, so every second here passes when the test says.
func TestWatchPollsSetsWithoutWebhooks(t *testing.T) {
	t.Parallel()
	clock := waitClock{bctest.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), make(chan struct{}, 1)}
	h := newHarness(t, bctest.WithClock(clock), bctest.WithWebhooks(bctest.Webhooks{Delay: time.Hour, Expiry: 2 * time.Second}))
	dest := h.sqlite("poll.db")
	sets := watchPlan(h)
	w := startWatchClock(t, h, dest, clock, "--poll", "300ms")
	first := w.subscriptions()
	require.Len(t, first, 6)
	for _, s := range first {
		require.NotContains(t, s.Resource, "projects")
		require.Equal(t, clock.Now().Add(2*time.Second), s.ExpirationDateTime)
	}

	// The changes are stamped 100 ms after the sync read; the first poll,
	// 300 ms after the watch began, reads them.
	clock.Advance(100 * time.Millisecond)
	co := h.srv.Tenant().Companies()[1]
	pk := keysOf(co, "projects", 1)
	_, err := co.Update("projects", pk[0], map[string]any{"displayName": "Polled while watched"})
	require.NoError(t, err)
	_, err = co.Insert("projects", map[string]any{"number": "PW-1", "displayName": "New, polled"})
	require.NoError(t, err)
	require.Empty(t, w.logs.records("watch: incremental sync"), "no poll before the poll interval")
	clock.Advance(200 * time.Millisecond)
	w.waitFor("watch: incremental sync", 1)
	h.requireSynced(dest, sets)
	require.Empty(t, w.logs.records("watch: notifications"))

	// Half their lifetime gone, the Renewer renews every subscription; past
	// the first expiry they are all still there.
	clock.Advance(1200 * time.Millisecond)
	clock.until(t, "every subscription renewed", func() bool {
		renewed := w.subscriptions()
		for _, s := range renewed {
			if !s.ExpirationDateTime.After(first[0].ExpirationDateTime) {
				return false
			}
		}
		return len(renewed) == 6
	})
	clock.Advance(time.Second)
	require.True(t, clock.Now().After(first[0].ExpirationDateTime))
	require.Len(t, w.subscriptions(), 6, "the Renewer keeps every subscription alive past its first expiry")
	r := w.stop()
	require.Equal(t, 0, r.code, r.stderr)
	require.Empty(t, w.subscriptions())
}

func TestWatchBadSetup(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { busy.Close() })
	free, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	freeAddr := free.Addr().String()
	require.NoError(t, free.Close()) // nothing listens there now
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no --listen", []string{"--watch", "--public-url", "https://sync.example.com/bc"}, "--watch needs --listen"},
		{"no --public-url", []string{"--watch", "--listen", "127.0.0.1:0"}, "--watch needs --listen"},
		{"bad --public-url", []string{"--watch", "--listen", "127.0.0.1:0", "--public-url", "ftp://sync.example.com"}, "--public-url"},
		{"bad --debounce", []string{"--watch", "--listen", "127.0.0.1:0", "--public-url", "https://x.example.com", "--debounce", "0s"}, "--debounce"},
		{"busy --listen", []string{"--watch", "--listen", busy.Addr().String(), "--public-url", "http://" + busy.Addr().String()}, "sync: --listen:"},
		// BC cannot reach the public URL: every subscription's handshake fails.
		{"unreachable --public-url", []string{"--watch", "--listen", "127.0.0.1:0", "--public-url", "http://" + freeAddr + "/bc"}, "BC refused every subscription"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			r := h.run(append([]string{"--profile", "mosaic", "--out", h.sqlite("bad.db")}, tc.args...)...)
			require.Equal(t, 2, r.code, r.stderr)
			require.Contains(t, r.stderr, tc.want)
		})
	}
}
