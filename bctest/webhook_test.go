package bctest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// receiver is a notification URL: it echoes validation tokens and records
// the notification posts, answering them with the queued statuses (then 202).
type receiver struct {
	*httptest.Server
	mu         sync.Mutex
	handshakes []string // methods
	posts      []receivedPost
	statuses   []int
	arrived    chan struct{}
	echo       func(token string) string
}

// notification is one entry of a post, as BC writes it.
type notification struct {
	SubscriptionID, ClientState, ExpirationDateTime string
	Resource, ChangeType, LastModifiedDateTime      string
}

type receivedPost struct {
	header http.Header
	value  []notification
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	rc := &receiver{statuses: statuses, arrived: make(chan struct{}, 100), echo: func(s string) string { return s }}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			rc.mu.Lock()
			rc.handshakes = append(rc.handshakes, r.Method)
			echo := rc.echo
			rc.mu.Unlock()
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, echo(tok))
			return
		}
		var body struct{ Value []notification }
		require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
		rc.mu.Lock()
		rc.posts = append(rc.posts, receivedPost{r.Header.Clone(), body.Value})
		status := http.StatusAccepted
		if len(rc.statuses) > 0 {
			status, rc.statuses = rc.statuses[0], rc.statuses[1:]
		}
		rc.mu.Unlock()
		rc.arrived <- struct{}{}
		if status == 0 {
			panic(http.ErrAbortHandler) // no answer at all
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() []receivedPost {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receivedPost(nil), rc.posts...)
}

// webhookFake is an empty fake with one company on a manual clock, so
// notifications wait for FlushNotifications or the clock to pass the delay.
func webhookFake(t *testing.T, w Webhooks) (*Server, *Company, *bc.Client, *ManualClock) {
	t.Helper()
	clk := NewManualClock(time.Date(2025, 9, 29, 9, 58, 45, 0, time.UTC))
	srv := NewServer(WithEmptyTenant(), WithWebhooks(w), WithClock(clk))
	t.Cleanup(srv.Close)
	co := srv.Tenant().AddCompany("Test Co")
	return srv, co, srv.Client(bc.WithRetryPolicy(fastPolicy())), clk
}

func TestSubscriptionLifecycle(t *testing.T) {
	t.Parallel()
	srv, co, c, clk := webhookFake(t, Webhooks{})
	rc := newReceiver(t)
	subs := c.StandardAPI().Subscriptions()
	sub, err := subs.Subscribe(t.Context(), sets.For(c.Company(co.ID)).Customers(), rc.URL+"/hook?tenant=a", "s3cret")
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), sub.SubscriptionID)
	require.Equal(t, "api/v2.0/companies("+co.ID+")/customers", sub.Resource)
	require.Equal(t, rc.URL+"/hook?tenant=a", sub.NotificationURL)
	require.Equal(t, "s3cret", sub.ClientState)
	require.Equal(t, time.Date(2025, 10, 2, 9, 58, 45, 0, time.UTC), sub.ExpirationDateTime, "3 days")
	require.NotEmpty(t, sub.ETag)
	require.NotEmpty(t, sub.UserID)
	require.Equal(t, []string{http.MethodPost}, rc.handshakes)

	// The resource may be written relative to the route; BC stores its own form.
	other, err := subs.Create(t.Context(), entities.Subscriptions{NotificationURL: rc.URL, Resource: "companies(" + co.ID + ")/vendors"})
	require.NoError(t, err)
	require.Equal(t, "api/v2.0/companies("+co.ID+")/vendors", other.Resource)
	all, err := subs.List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Equal(t, sub.SubscriptionID, all[0].SubscriptionID)

	clk.Advance(48 * time.Hour)
	renewed, err := subs.Renew(t.Context(), sub)
	require.NoError(t, err)
	require.Equal(t, time.Date(2025, 10, 4, 9, 58, 45, 0, time.UTC), renewed.ExpirationDateTime)
	require.NotEqual(t, sub.ETag, renewed.ETag)
	require.Len(t, rc.handshakes, 3, "renewing runs the handshake again")
	_, err = subs.Renew(t.Context(), sub)
	require.ErrorIs(t, err, bc.ErrConflict)
	require.ErrorIs(t, subs.Delete(t.Context(), sub.SubscriptionID, sub.ETag), bc.ErrConflict)
	_, err = subs.Patch(t.Context(), sub.SubscriptionID, "", map[string]string{})
	require.ErrorContains(t, err, "BC requires If-Match")

	require.NoError(t, subs.Delete(t.Context(), renewed.SubscriptionID, renewed.ETag))
	_, err = subs.Get(t.Context(), renewed.SubscriptionID, nil)
	require.ErrorIs(t, err, bc.ErrNotFound)
	require.Equal(t, int64(4), srv.Stats().Writes)
}

func TestSubscriptionHandshakeMustSucceed(t *testing.T) {
	t.Parallel()
	// Receivers that answer wrongly get a minute, so a loaded machine cannot
	// turn their refusal into a timeout; the one that never answers gets
	// 50 ms, which it always exceeds.
	wrong := newReceiver(t)
	wrong.echo = func(string) string { return "not the token" }
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers
	}))
	t.Cleanup(silent.Close)
	missing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(missing.Close)
	for _, tc := range []struct {
		url, why string
		timeout  time.Duration
	}{
		{wrong.URL, "the body is not the token", time.Minute},
		{missing.URL, "it answered 404", time.Minute},
		{"ftp://x", "not an absolute http", time.Minute},
		{silent.URL, "50ms (no answer in time)", 50 * time.Millisecond},
	} {
		_, co, c, _ := webhookFake(t, Webhooks{HandshakeTimeout: tc.timeout})
		subs := c.StandardAPI().Subscriptions()
		_, err := subs.Subscribe(t.Context(), sets.For(c.Company(co.ID)).Customers(), tc.url, "st")
		var apiErr *bc.APIError
		require.ErrorAs(t, err, &apiErr, tc.url)
		require.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		require.Contains(t, apiErr.Message, tc.why)
		n, err := subs.List(nil).Collect(t.Context())
		require.NoError(t, err)
		require.Empty(t, n, tc.url)
	}
}

func TestSubscriptionRules(t *testing.T) {
	t.Parallel()
	_, co, c, _ := webhookFake(t, Webhooks{MaxSubscriptions: 2})
	rc := newReceiver(t)
	subs := c.StandardAPI().Subscriptions()
	create := func(resource string) error {
		_, err := subs.Create(t.Context(), entities.Subscriptions{NotificationURL: rc.URL, Resource: resource, ClientState: "st"})
		return err
	}
	for resource, want := range map[string]string{
		"api/v2.0/companies(" + co.ID + ")/trialBalances":                    "does not support webhooks",
		"api/v2.0/companies(" + co.ID + ")/dimensionSetLines":                "does not support webhooks",
		"api/v2.0/companies(" + co.ID + ")/customers(x)":                     "must be an entity set of a company",
		"api/v2.0/customers":                                                 "must be an entity set of a company",
		"api/contoso/mosaic/v1.0/companies(" + co.ID + ")/x":                 "not on the API route api/v2.0",
		"api/v2.0/companies(" + co.ID + ")/customers?$top=1":                 "without a query",
		"api/v2.0/companies(99999999-9999-9999-9999-999999999999)/customers": "does not exist",
	} {
		require.ErrorContains(t, create(resource), want, resource)
	}
	require.NoError(t, create("/api/v2.0/companies("+co.ID+")/customers"))
	require.NoError(t, create("https://api.businesscentral.dynamics.com/v2.0/"+TenantID+"/Production/api/v2.0/companies("+co.ID+")/items"))
	err := create("api/v2.0/companies(" + co.ID + ")/vendors")
	require.ErrorContains(t, err, "The maximum number of subscriptions (2) has been reached.")
}

func TestExpiredSubscriptionsStopAndDisappear(t *testing.T) {
	t.Parallel()
	srv, co, c, clk := webhookFake(t, Webhooks{Expiry: time.Hour})
	rc := newReceiver(t)
	subs := c.StandardAPI().Subscriptions()
	sub, err := subs.Subscribe(t.Context(), sets.For(c.Company(co.ID)).Customers(), rc.URL, "st")
	require.NoError(t, err)
	require.Equal(t, clk.Now().Add(time.Hour), sub.ExpirationDateTime)
	clk.Advance(time.Hour)
	_, err = co.Insert("customers", map[string]any{"number": "A"})
	require.NoError(t, err)
	srv.FlushNotifications()
	require.Empty(t, rc.received())
	_, err = subs.Get(t.Context(), sub.SubscriptionID, nil)
	require.ErrorIs(t, err, bc.ErrNotFound)
	_, err = subs.Renew(t.Context(), sub)
	require.ErrorIs(t, err, bc.ErrNotFound, "an expired subscription cannot be renewed")
	all, err := subs.List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Empty(t, all)
}
