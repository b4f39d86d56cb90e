package bctest

import (
	"fmt"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// Changes wait for the delay and go out together, one post per
// notification URL; repeated updates of a record are merged.
func TestNotificationsAreDelayedAndCoalesced(t *testing.T) {
	t.Parallel()
	srv, co, c, _ := webhookFake(t, Webhooks{})
	rc := newReceiver(t)
	subs := c.StandardAPI().Subscriptions()
	custSub, err := subs.Subscribe(t.Context(), sets.For(c.Company(co.ID)).Customers(), rc.URL, "st")
	require.NoError(t, err)
	vendSub, err := subs.Subscribe(t.Context(), sets.For(c.Company(co.ID)).Vendors(), rc.URL, "st")
	require.NoError(t, err)

	a, err := co.Insert("customers", map[string]any{"number": "A"})
	require.NoError(t, err)
	b, err := co.Insert("customers", map[string]any{"number": "B"})
	require.NoError(t, err)
	_, err = co.Update("customers", a["id"], map[string]any{"displayName": "A1"})
	require.NoError(t, err)
	a2, err := co.Update("customers", a["id"], map[string]any{"displayName": "A2"})
	require.NoError(t, err)
	require.NoError(t, co.Delete("customers", b["id"]))
	v, err := co.Insert("vendors", map[string]any{"number": "V'1"})
	require.NoError(t, err)
	_, err = co.Insert("items", map[string]any{"number": "not subscribed"})
	require.NoError(t, err)
	require.Empty(t, rc.received(), "nothing is sent before the delay")

	srv.FlushNotifications()
	posts := rc.received()
	require.Len(t, posts, 1, "one post per notification URL")
	p := posts[0]
	require.Equal(t, "application/json", p.header.Get("Content-Type"))
	require.Equal(t, "application/json", p.header.Get("Accept"))
	require.NotEmpty(t, p.header.Get("clientRequestId"))
	require.Equal(t, p.header.Get("clientRequestId"), p.header.Get("x-ms-correlation-id"))
	var got []string
	for _, n := range p.value {
		require.Equal(t, "st", n.ClientState)
		require.Equal(t, "2025-10-02T09:58:45Z", n.ExpirationDateTime)
		_, err := time.Parse(time.RFC3339Nano, n.LastModifiedDateTime)
		require.NoError(t, err)
		got = append(got, n.SubscriptionID+" "+n.ChangeType+" "+n.Resource)
	}
	base := "api/v2.0/companies(" + co.ID + ")/"
	require.Equal(t, []string{
		custSub.SubscriptionID + " created " + base + "customers(" + a["id"] + ")",
		custSub.SubscriptionID + " created " + base + "customers(" + b["id"] + ")",
		custSub.SubscriptionID + " updated " + base + "customers(" + a["id"] + ")",
		custSub.SubscriptionID + " deleted " + base + "customers(" + b["id"] + ")",
		vendSub.SubscriptionID + " created " + base + "vendors(" + v["id"] + ")",
	}, got)
	require.Equal(t, a2["lastModifiedDateTime"], p.value[2].LastModifiedDateTime, "the merged update carries the last change")

	srv.FlushNotifications()
	require.Len(t, rc.received(), 1, "nothing more to send")
}

func TestNotificationsGoOutAfterTheDelay(t *testing.T) {
	t.Parallel()
	_, co, c, clk := webhookFake(t, Webhooks{Delay: time.Minute})
	rc := newReceiver(t)
	_, err := c.StandardAPI().Subscriptions().Subscribe(t.Context(), sets.For(c.Company(co.ID)).Customers(), rc.URL, "st")
	require.NoError(t, err)
	_, err = co.Insert("customers", map[string]any{"number": "A"})
	require.NoError(t, err)
	clk.Advance(time.Minute - time.Second)
	require.Empty(t, rc.received(), "the delay has not passed: nothing is due")
	clk.Advance(time.Second)
	select {
	case <-rc.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no notification arrived")
	}
	require.Equal(t, "created", rc.received()[0].value[0].ChangeType)
}

func TestManyChangesBecomeOneCollection(t *testing.T) {
	t.Parallel()
	srv, co, c, _ := webhookFake(t, Webhooks{CollectionThreshold: 3})
	rc := newReceiver(t)
	sub, err := c.StandardAPI().Subscriptions().Subscribe(t.Context(), sets.For(c.Company(co.ID)).Customers(), rc.URL, "st")
	require.NoError(t, err)
	var rows []map[string]string
	for i := range 4 {
		r, err := co.Insert("customers", map[string]any{"number": fmt.Sprint("C", i)})
		require.NoError(t, err)
		rows = append(rows, r)
	}
	srv.FlushNotifications()
	n := rc.received()[0].value
	require.Len(t, n, 1)
	require.Equal(t, sub.SubscriptionID, n[0].SubscriptionID)
	require.Equal(t, "collection", n[0].ChangeType)
	first, err := time.Parse(time.RFC3339Nano, rows[0]["lastModifiedDateTime"])
	require.NoError(t, err)
	require.Equal(t, "api/v2.0/companies("+co.ID+")/customers?$filter=lastModifiedDateTime%20gt%20"+table.FormatDateTime(first.Add(-50*time.Millisecond)), n[0].Resource)
	require.Equal(t, rows[3]["lastModifiedDateTime"], n[0].LastModifiedDateTime)
	res, err := bc.ParseResource(n[0].Resource)
	require.NoError(t, err)
	since, ok := res.Since()
	require.True(t, ok)
	require.Equal(t, first.Add(-50*time.Millisecond), since)

	// With a delete among them no filter can find everything: the whole set.
	for _, r := range rows[:3] {
		_, err := co.Update("customers", r["id"], map[string]any{"displayName": "x"})
		require.NoError(t, err)
	}
	require.NoError(t, co.Delete("customers", rows[3]["id"]))
	srv.FlushNotifications()
	n = rc.received()[1].value
	require.Len(t, n, 1)
	require.Equal(t, "collection", n[0].ChangeType)
	require.Equal(t, "api/v2.0/companies("+co.ID+")/customers", n[0].Resource)

	// At the threshold, the notifications are sent one by one.
	for _, r := range rows[:3] {
		_, err := co.Update("customers", r["id"], map[string]any{"displayName": "y"})
		require.NoError(t, err)
	}
	srv.FlushNotifications()
	require.Len(t, rc.received()[2].value, 3)
}

// A receiver that answers 408, 429, 5xx or nothing gets the post again; any
// other failure deletes every subscription of its URL, as do too many failures.
func TestReceiverAnswersDecideRetryOrDeletion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		statuses []int
		retries  []time.Duration
		posts    int
		kept     int
	}{
		{"retried until accepted", []int{503, 429, 408, 0, 200}, nil, 5, 2},
		{"rejected", []int{400}, nil, 1, 0},
		{"unauthorized", []int{401}, nil, 1, 0},
		{"gone", []int{410}, nil, 1, 0},
		{"redirect is a rejection", []int{302}, nil, 1, 0},
		{"too many failures", []int{500, 500}, []time.Duration{time.Hour}, 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, co, c, _ := webhookFake(t, Webhooks{RetryDelays: tc.retries})
			rc := newReceiver(t, tc.statuses...)
			subs := c.StandardAPI().Subscriptions()
			_, err := subs.Subscribe(t.Context(), sets.For(c.Company(co.ID)).Customers(), rc.URL, "st")
			require.NoError(t, err)
			_, err = subs.Subscribe(t.Context(), sets.For(c.Company(co.ID)).Vendors(), rc.URL, "st")
			require.NoError(t, err)
			_, err = co.Insert("customers", map[string]any{"number": "A"})
			require.NoError(t, err)
			for range len(tc.statuses) + 1 {
				srv.FlushNotifications()
			}
			posts := rc.received()
			require.Len(t, posts, tc.posts)
			for _, p := range posts {
				require.Equal(t, posts[0].value, p.value, "a retry sends the same notifications")
			}
			left, err := subs.List(nil).Collect(t.Context())
			require.NoError(t, err)
			// A rejection deletes every subscription of the URL; too many
			// failures delete the one whose notifications failed.
			require.Len(t, left, tc.kept)
		})
	}
}

func TestDocumentLinesNotifyTheirDocument(t *testing.T) {
	t.Parallel()
	srv, co, c, _ := webhookFake(t, Webhooks{})
	rc := newReceiver(t)
	_, err := c.StandardAPI().Subscriptions().Subscribe(t.Context(), sets.For(c.Company(co.ID)).SalesInvoices(), rc.URL, "st")
	require.NoError(t, err)
	inv, err := co.Insert("salesInvoices", map[string]any{"number": "S-1"})
	require.NoError(t, err)
	srv.FlushNotifications()
	_, err = co.Insert("salesInvoiceLines", map[string]any{"documentId": inv["id"], "description": "x"})
	require.NoError(t, err)
	srv.FlushNotifications()
	posts := rc.received()
	require.Len(t, posts, 2)
	require.Equal(t, "created", posts[0].value[0].ChangeType)
	require.Equal(t, "updated", posts[1].value[0].ChangeType)
	require.Equal(t, "api/v2.0/companies("+co.ID+")/salesInvoices("+inv["id"]+")", posts[1].value[0].Resource)
}

// An atomic batch that fails is rolled back, and so are its notifications.
func TestRolledBackBatchIsNotNotified(t *testing.T) {
	t.Parallel()
	srv, co, c, _ := webhookFake(t, Webhooks{})
	rc := newReceiver(t)
	_, err := c.StandardAPI().Subscriptions().Subscribe(t.Context(), sets.For(c.Company(co.ID)).Customers(), rc.URL, "st")
	require.NoError(t, err)
	customers := sets.For(c.Company(co.ID)).Customers()
	b := c.StandardAPI().Batch()
	customers.In(b).Create(entities.Customer{Number: "A"})
	customers.In(b).Create(entities.Customer{Number: "B", Type: "Alien"})
	require.Error(t, b.Send(t.Context(), bc.Atomic()))
	require.Zero(t, co.Count("customers"))
	srv.FlushNotifications()
	require.Empty(t, rc.received())

	b = c.StandardAPI().Batch()
	ok := customers.In(b).Create(entities.Customer{Number: "C"})
	require.NoError(t, b.Send(t.Context(), bc.Atomic()))
	srv.FlushNotifications()
	v, _ := ok.Result()
	require.Equal(t, "api/v2.0/companies("+co.ID+")/customers("+v.ID+")", rc.received()[0].value[0].Resource)
}
