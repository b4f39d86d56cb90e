package jobs_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/entities"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
)

// receiver answers BC's validation handshake, as a webhook receiver must,
// and counts the handshakes: one per subscription created or renewed.
type receiver struct {
	*httptest.Server
	handshakes atomic.Int32
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if tok := req.URL.Query().Get("validationToken"); tok != "" {
			r.handshakes.Add(1)
			w.Write([]byte(tok))
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(r.Close)
	return r
}

// TestSubscriptionRenewal runs a tenant with a notification URL and one
// without on a fake clock shared with the fake BC: the first run loads, the
// second subscribes (customers and employees of the mosaic profile), the
// next ones are incremental until a subscription is within a day of its 3
// days, when a run renews them (same ids, 3 more days); one BC deleted is
// created again. The tenant without a notification URL never renews and
// BC never sees a subscription of it.
func TestSubscriptionRenewal(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			clock := bctest.NewManualClock(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC))
			h := newHarness(t, b, func(c *jobs.Config) { c.Clock = clock })
			ctx := t.Context()
			p := synctest.NewPrincipal()
			hooks := newReceiver(t)
			newFake := func(env string, seed uint64) *bctest.Server {
				fake := bctest.NewUnstartedServer(bctest.WithDemo(smallDemo(seed)), bctest.WithCredentials(p.Entra, p.Client, "s"),
					bctest.WithEnvironment(env), bctest.WithClock(clock))
				hs := httptest.NewServer(fake.Handler())
				fake.URL = hs.URL
				t.Cleanup(func() { hs.Close(); fake.Close() })
				return fake
			}
			hooked, plain := newFake("Hooked", 1), newFake("Plain", 2)
			tn := h.tenant("hooked", p, hooked, "s")
			tn.NotificationURL, tn.Every = hooks.URL+"/bc", 100*time.Hour
			require.NoError(t, h.db.Registry().Add(ctx, tn))
			plainTenant := h.tenant("plain", p, plain, "s")
			h.start()
			round := func() {
				t.Helper()
				for _, x := range []jobs.Tenant{tn, plainTenant} {
					_, err := h.client.Insert(ctx, jobs.SyncArgs(x), nil)
					require.NoError(t, err)
				}
				for name, ev := range h.waitDone("hooked", "plain") {
					require.Equal(t, river.EventKindJobCompleted, ev.Kind, name)
				}
			}
			inBC := func(fake *bctest.Server) []entities.Subscriptions {
				c, err := bc.NewClient(p.Entra, fake.Environment(), bc.WithBaseURL(fake.BaseURL()),
					bc.WithTokenSource(bc.ClientCredentials(p.Entra, p.Client, "s", bc.WithTokenURL(fake.TokenURL()))))
				require.NoError(t, err)
				var out []entities.Subscriptions
				for s, err := range c.StandardAPI().Subscriptions().List(nil, bc.ReadWrite()).All(ctx) {
					require.NoError(t, err)
					out = append(out, s)
				}
				return out
			}
			recorded := func() []jobs.Subscription {
				subs, err := h.db.Registry().Subscriptions(ctx, "hooked")
				require.NoError(t, err)
				return subs
			}

			round() // first load
			require.Empty(t, inBC(hooked))
			round() // no subscription yet: subscribe
			subs := inBC(hooked)
			require.Len(t, subs, 2)
			start := clock.Now()
			for _, s := range subs {
				require.Equal(t, hooks.URL+"/bc", s.NotificationURL)
				require.Equal(t, "hooked", s.ClientState)
				require.Equal(t, start.Add(72*time.Hour), s.ExpirationDateTime)
			}
			require.Len(t, recorded(), 2)
			require.EqualValues(t, 2, hooks.handshakes.Load())

			clock.Advance(47 * time.Hour)
			round() // expiry in 25h: nothing to renew
			require.EqualValues(t, 2, hooks.handshakes.Load())

			clock.Advance(2 * time.Hour)
			round() // expiry in 23h: renewed
			renewed := inBC(hooked)
			require.Len(t, renewed, 2)
			require.ElementsMatch(t, []string{subs[0].SubscriptionID, subs[1].SubscriptionID}, []string{renewed[0].SubscriptionID, renewed[1].SubscriptionID})
			for _, s := range renewed {
				require.Equal(t, clock.Now().Add(72*time.Hour).Truncate(time.Second), s.ExpirationDateTime)
			}
			require.EqualValues(t, 4, hooks.handshakes.Load())
			for _, s := range recorded() {
				require.Equal(t, clock.Now().Add(72*time.Hour).Truncate(time.Second), s.Expires)
			}

			// BC drops one (a receiver answered 4xx, say); the record still
			// has it, so the renewal three days on creates it again.
			c, err := bc.NewClient(p.Entra, hooked.Environment(), bc.WithBaseURL(hooked.BaseURL()),
				bc.WithTokenSource(bc.ClientCredentials(p.Entra, p.Client, "s", bc.WithTokenURL(hooked.TokenURL()))))
			require.NoError(t, err)
			require.NoError(t, c.StandardAPI().Subscriptions().Delete(ctx, renewed[0].SubscriptionID, "", bc.IfMatchAny()))
			clock.Advance(50 * time.Hour)
			round()
			again := inBC(hooked)
			require.Len(t, again, 2)
			ids := []string{again[0].SubscriptionID, again[1].SubscriptionID}
			require.Contains(t, ids, renewed[1].SubscriptionID)
			require.NotContains(t, ids, renewed[0].SubscriptionID)
			require.EqualValues(t, 6, hooks.handshakes.Load())

			require.Equal(t, []string{"full", "renew", "incremental", "renew", "renew"}, modes(t, h, "hooked"))
			require.Equal(t, []string{"full", "incremental", "incremental", "incremental", "incremental"}, modes(t, h, "plain"))
			require.Empty(t, inBC(plain))
			sub, err := h.db.Registry().Subscriptions(ctx, "plain")
			require.NoError(t, err)
			require.Empty(t, sub)
			requireSynced(t, tn, hooked)
			requireSynced(t, plainTenant, plain)
		})
	}
}

// modes are the modes of tenant's runs, oldest first, all of which ended ok.
func modes(t *testing.T, h *harness, tenant string) []string {
	t.Helper()
	runs, err := h.db.Registry().Runs(t.Context(), tenant)
	require.NoError(t, err)
	var out []string
	for _, r := range runs {
		require.Equal(t, "ok", r.Status, "run %d of %s: %s", r.ID, tenant, r.Error)
		out = append(out, r.Mode)
	}
	return out
}

// TestRenewalFailureKeepsSyncing: when BC cannot validate the notification
// URL (the receiver answers 500), the run still syncs and ends ok, the
// failure is in its error, nothing is recorded, and the next run tries the
// renewal again.
func TestRenewalFailureKeepsSyncing(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			h := newHarness(t, b, nil)
			ctx := t.Context()
			p := synctest.NewPrincipal()
			refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
			t.Cleanup(refusing.Close)
			fake := fakeFor(t, p, "Refused", 1, "s")
			tn := h.tenant("refused", p, fake, "s")
			tn.NotificationURL = refusing.URL
			require.NoError(t, h.db.Registry().Add(ctx, tn))
			h.start()
			for range 3 {
				_, err := h.client.Insert(ctx, jobs.SyncArgs(tn), nil)
				require.NoError(t, err)
				require.Equal(t, river.EventKindJobCompleted, h.waitDone("refused")["refused"].Kind)
			}
			runs, err := h.db.Registry().Runs(ctx, "refused")
			require.NoError(t, err)
			require.Len(t, runs, 3)
			for i, want := range []string{"full", "renew", "renew"} {
				require.Equal(t, want, runs[i].Mode)
				require.Equal(t, "ok", runs[i].Status)
			}
			require.Empty(t, runs[0].Error)
			require.Contains(t, runs[1].Error, "renewing the webhook subscriptions: subscribing to employees of company ")
			require.Contains(t, runs[1].Error, "it answered 500")
			subs, err := h.db.Registry().Subscriptions(ctx, "refused")
			require.NoError(t, err)
			require.Empty(t, subs)
			requireSynced(t, tn, fake)
		})
	}
}
