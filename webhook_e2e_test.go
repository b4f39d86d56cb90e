package bc_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

type jobTask struct {
	ID        string `json:"id" bc:"key,readonly"`
	JobNumber string `json:"jobNumber"`
}

// next waits for an event; the fake has already posted it when
// FlushNotifications returned, so the wait is only a guard.
func next(t *testing.T, h *bc.WebhookHandler) bc.WebhookEvent {
	t.Helper()
	select {
	case ev := <-h.Events():
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook event")
		return bc.WebhookEvent{}
	}
}

// The fake BC, a receiver built on WebhookHandler, and row changes made
// through the API: the changes arrive as typed events.
func TestWebhooksEndToEnd(t *testing.T) {
	t.Parallel()
	srv := bctest.NewServer(bctest.WithEmptyTenant(), bctest.WithCustomAPI("bcsdk", "demo", "v1.0", bctest.JobTasksAPI()),
		bctest.WithWebhooks(bctest.Webhooks{Delay: time.Hour}))
	t.Cleanup(srv.Close)
	co := srv.Tenant().AddCompany("Contoso")
	h, err := bc.NewWebhookHandler("s3cret")
	require.NoError(t, err)
	hook := httptest.NewServer(h)
	t.Cleanup(hook.Close)
	ctx := t.Context()
	c := srv.Client()

	customers := sets.For(c.Company(co.ID)).Customers()
	sub, err := c.StandardAPI().Subscriptions().Subscribe(ctx, customers, hook.URL+"/bc", "s3cret")
	require.NoError(t, err)
	custom := c.API("bcsdk", "demo", "v1.0")
	tasks := bc.Set[jobTask](custom.Company(co.ID), "jobTasks")
	taskSub, err := custom.Subscriptions().Subscribe(ctx, tasks, hook.URL+"/bc", "s3cret")
	require.NoError(t, err)
	require.Equal(t, "api/bcsdk/demo/v1.0/companies("+co.ID+")/jobTasks", taskSub.Resource)

	created, err := customers.Create(ctx, entities.Customer{Number: "C1", DisplayName: "Contoso"})
	require.NoError(t, err)
	created.DisplayName = "Contoso Ltd"
	updated, err := customers.Update(ctx, created, bc.Fields("displayName"))
	require.NoError(t, err)
	require.NoError(t, customers.Delete(ctx, updated.ID, updated.ETag))
	task, err := co.InsertInto("api/bcsdk/demo/v1.0", "jobTasks", map[string]any{"jobNumber": "J1", "jobTaskNumber": "100"})
	require.NoError(t, err)
	srv.FlushNotifications()

	want := []struct {
		sub, route, set, key string
		change               bc.ChangeType
	}{
		{sub.SubscriptionID, "api/v2.0", "customers", created.ID, bc.ChangeCreated},
		{sub.SubscriptionID, "api/v2.0", "customers", created.ID, bc.ChangeUpdated},
		{sub.SubscriptionID, "api/v2.0", "customers", created.ID, bc.ChangeDeleted},
		{taskSub.SubscriptionID, "api/bcsdk/demo/v1.0", "jobTasks", task["id"], bc.ChangeCreated},
	}
	got := map[string][]bc.WebhookEvent{}
	for range want {
		ev := next(t, h)
		got[ev.SubscriptionID] = append(got[ev.SubscriptionID], ev)
	}
	seen := map[string]int{}
	for _, w := range want {
		ev := got[w.sub][seen[w.sub]]
		seen[w.sub]++
		require.Equal(t, w.change, ev.ChangeType)
		require.Equal(t, w.route, ev.Resource.Route)
		require.Equal(t, co.ID, ev.Resource.CompanyID)
		require.Equal(t, w.set, ev.Resource.Set)
		require.Equal(t, w.key, ev.Resource.Key)
		require.Equal(t, sub.ExpirationDateTime, ev.SubscriptionExpires)
		require.False(t, ev.LastModified.IsZero())
	}
	// The event points at the record; the receiver reads it with the client.
	ev := got[taskSub.SubscriptionID][0]
	req, err := c.NewRequest(ctx, "GET", ev.Resource.RelativeURL(), nil)
	require.NoError(t, err)
	var row map[string]any
	_, err = c.Do(req, &row)
	require.NoError(t, err)
	require.Equal(t, "J1", row["jobNumber"])
}

func TestRenewerRenewsBeforeExpiryAndRecreatesDeletedSubscriptions(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 9, 29, 9, 58, 45, 0, time.UTC)
	clk := bctest.NewManualClock(start)
	srv := bctest.NewServer(bctest.WithEmptyTenant(), bctest.WithWebhooks(bctest.Webhooks{Delay: time.Hour}), bctest.WithClock(clk))
	t.Cleanup(srv.Close)
	co := srv.Tenant().AddCompany("Contoso")
	h, err := bc.NewWebhookHandler("s3cret")
	require.NoError(t, err)
	hook := httptest.NewServer(h)
	t.Cleanup(hook.Close)
	c := srv.Client()
	subs := c.StandardAPI().Subscriptions()
	srv.RecordRequests(true)

	r := bc.NewRenewer(hook.URL, "s3cret", bc.RenewerClock(clk), bc.CheckEvery(24*time.Hour))
	require.NoError(t, r.Keep(sets.For(c.Company(co.ID)).Customers()))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	require.NoError(t, clk.BlockUntil(t.Context(), 1)) // the Renewer waits on the clock again
	first := r.Subscriptions()
	require.Len(t, first, 1)
	require.Equal(t, start.Add(72*time.Hour), first[0].ExpirationDateTime)
	require.Equal(t, "api/v2.0/companies("+co.ID+")/customers", first[0].Resource)

	clk.Advance(24 * time.Hour) // a check: still there, not due for renewal
	require.NoError(t, clk.BlockUntil(t.Context(), 1))
	require.Equal(t, first, r.Subscriptions())

	clk.Advance(24 * time.Hour) // a day before expiry: renewed
	require.NoError(t, clk.BlockUntil(t.Context(), 1))
	renewed := r.Subscriptions()
	require.Equal(t, first[0].SubscriptionID, renewed[0].SubscriptionID)
	require.Equal(t, start.Add(48*time.Hour+72*time.Hour), renewed[0].ExpirationDateTime)
	require.NotEqual(t, first[0].ETag, renewed[0].ETag)

	// BC deletes the subscription (say the receiver answered 400): the next
	// check creates it again.
	require.NoError(t, subs.Delete(ctx, renewed[0].SubscriptionID, renewed[0].ETag))
	clk.Advance(24 * time.Hour)
	require.NoError(t, clk.BlockUntil(t.Context(), 1))
	again := r.Subscriptions()
	require.NotEqual(t, first[0].SubscriptionID, again[0].SubscriptionID)
	require.Equal(t, start.Add(72*time.Hour+72*time.Hour), again[0].ExpirationDateTime)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)

	// Another Renewer adopts the subscription BC has instead of adding one,
	// and moves it to its client state.
	clk2 := bctest.NewManualClock(clk.Now())
	r2 := bc.NewRenewer(hook.URL, "rotated", bc.RenewerClock(clk2))
	require.NoError(t, r2.Keep(sets.For(c.Company(co.ID)).Customers()))
	ctx2, cancel2 := context.WithCancel(t.Context())
	go func() { done <- r2.Run(ctx2) }()
	require.NoError(t, clk2.BlockUntil(t.Context(), 1))
	cancel2()
	require.ErrorIs(t, <-done, context.Canceled)
	adopted := r2.Subscriptions()
	require.Equal(t, again[0].SubscriptionID, adopted[0].SubscriptionID)
	require.Equal(t, "rotated", adopted[0].ClientState)
	all, err := subs.List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, all, 1)

	var writes []string
	for _, line := range srv.Requests() {
		if line[:3] != "GET" {
			writes = append(writes, line[:6])
		}
	}
	require.Equal(t, []string{"POST /", "PATCH ", "DELETE", "POST /", "PATCH "}, writes)
}
