package bc

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/internal/realbc"
	"github.com/stretchr/testify/require"
)

func serve(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	h.ServeHTTP(rec, httptest.NewRequest(method, target, rd))
	return rec
}

func newHandler(t *testing.T, state string, opts ...WebhookOption) *WebhookHandler {
	t.Helper()
	h, err := NewWebhookHandler(state, opts...)
	require.NoError(t, err)
	return h
}

func queued(h *WebhookHandler) []WebhookEvent {
	var out []WebhookEvent
	for {
		select {
		case ev := <-h.Events():
			out = append(out, ev)
		default:
			return out
		}
	}
}

func TestWebhookHandshakeEchoesTheToken(t *testing.T) {
	t.Parallel()
	h := newHandler(t, "s3cret")
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		rec := serve(h, method, "/hook?validationToken=a%20b%2Bc%26d", "")
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
		require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
		require.Equal(t, "a b+c&d", rec.Body.String())
	}
	require.Empty(t, queued(h))
}

// The notification BC v26 really sent parses into a typed event.
func TestWebhookEventFromBCsRealNotification(t *testing.T) {
	t.Parallel()
	h := newHandler(t, "testClientState")
	rec := serve(h, http.MethodPost, "/hook", string(realbc.Read(t, "bc-v26-notifications.json")))
	require.Equal(t, http.StatusAccepted, rec.Code)
	require.Equal(t, []WebhookEvent{{
		SubscriptionID: "270135334a7d433e9009dde078e9e29c",
		ChangeType:     ChangeUpdated,
		Resource: Resource{
			Raw:       "api/v2.0/companies(a7f1d29f-b084-f011-a708-6045bd956d8a)/items(015e4dd6-fc83-f011-a6f5-000d3a4b6d9d)",
			Route:     "api/v2.0",
			CompanyID: "a7f1d29f-b084-f011-a708-6045bd956d8a",
			Set:       "items",
			Key:       "015e4dd6-fc83-f011-a6f5-000d3a4b6d9d",
			Path:      "api/v2.0/companies(a7f1d29f-b084-f011-a708-6045bd956d8a)/items(015e4dd6-fc83-f011-a6f5-000d3a4b6d9d)",
		},
		LastModified:        time.Date(2025, 9, 29, 10, 22, 52, 363e6, time.UTC),
		SubscriptionExpires: time.Date(2025, 10, 2, 10, 21, 44, 0, time.UTC),
	}}, queued(h))
}

func TestWebhookEveryChangeType(t *testing.T) {
	t.Parallel()
	h := newHandler(t, "st")
	co := "companies(264f8dd2-4a2a-eb11-bb4f-000d3a25f2a9)"
	body := `{"value":[
		{"subscriptionId":"s1","clientState":"st","expirationDateTime":"2025-10-02T10:21:44Z","resource":"api/v2.0/` + co + `/customers(11111111-0000-0000-0000-000000000001)","changeType":"created","lastModifiedDateTime":"2025-09-29T10:00:00Z"},
		{"subscriptionId":"s1","clientState":"st","expirationDateTime":"2025-10-02T10:21:44Z","resource":"api/v2.0/` + co + `/customers(11111111-0000-0000-0000-000000000001)","changeType":"updated","lastModifiedDateTime":"2025-09-29T10:00:01Z"},
		{"subscriptionId":"s2","clientState":"st","expirationDateTime":"2025-10-02T10:21:44Z","resource":"api/contoso/mosaic/v1.0/` + co + `/jobTasks('T%2F1''x')","changeType":"deleted","lastModifiedDateTime":"2025-09-29T10:00:02Z"},
		{"subscriptionId":"s3","clientState":"st","expirationDateTime":"2025-10-02T10:21:44Z","resource":"/api/v2.0/` + co + `/salesInvoices?$filter=lastDateTimeModified%20gt%202018-10-15T11:00:00Z","changeType":"collection","lastModifiedDateTime":"2025-09-29T10:00:03Z"}
	]}`
	require.Equal(t, http.StatusAccepted, serve(h, http.MethodPost, "/hook", body).Code)
	evs := queued(h)
	require.Len(t, evs, 4)
	got := make([]string, len(evs))
	for i, ev := range evs {
		got[i] = string(ev.ChangeType) + " " + ev.Resource.Route + " " + ev.Resource.CompanyID + " " + ev.Resource.Set + " [" + ev.Resource.Key + "] [" + ev.Resource.Filter + "]"
	}
	require.Equal(t, []string{
		"created api/v2.0 264f8dd2-4a2a-eb11-bb4f-000d3a25f2a9 customers [11111111-0000-0000-0000-000000000001] []",
		"updated api/v2.0 264f8dd2-4a2a-eb11-bb4f-000d3a25f2a9 customers [11111111-0000-0000-0000-000000000001] []",
		"deleted api/contoso/mosaic/v1.0 264f8dd2-4a2a-eb11-bb4f-000d3a25f2a9 jobTasks [T/1'x] []",
		"collection api/v2.0 264f8dd2-4a2a-eb11-bb4f-000d3a25f2a9 salesInvoices [] [lastDateTimeModified gt 2018-10-15T11:00:00Z]",
	}, got)
	since, ok := evs[3].Resource.Since()
	require.True(t, ok)
	require.Equal(t, time.Date(2018, 10, 15, 11, 0, 0, 0, time.UTC), since)
	require.Equal(t, "api/v2.0/"+co+"/salesInvoices?$filter=lastDateTimeModified%20gt%202018-10-15T11:00:00Z", evs[3].Resource.RelativeURL())
	_, ok = evs[0].Resource.Since()
	require.False(t, ok)
}

func TestParseResource(t *testing.T) {
	t.Parallel()
	const co = "a7f1d29f-b084-f011-a708-6045bd956d8a"
	for _, tc := range []struct {
		in   string
		want Resource
		err  string
	}{
		{in: "https://api.businesscentral.dynamics.com/v2.0/" + testTenant + "/Production/api/v2.0/companies(" + co + ")/items(015e4dd6-fc83-f011-a6f5-000d3a4b6d9d)",
			want: Resource{Route: "api/v2.0", CompanyID: co, Set: "items", Key: "015e4dd6-fc83-f011-a6f5-000d3a4b6d9d", Path: "api/v2.0/companies(" + co + ")/items(015e4dd6-fc83-f011-a6f5-000d3a4b6d9d)"}},
		{in: "companies(" + co + ")/customers",
			want: Resource{CompanyID: co, Set: "customers", Path: "companies(" + co + ")/customers"}},
		{in: "api/v2.0/companies(" + co + ")/salesOrders(a417d159-d936-f011-9a4a-7c1e5271c536)/salesOrderLines(32d80403-e236-f011-9a4a-7ced8d0ee6e7)",
			want: Resource{Route: "api/v2.0", CompanyID: co, Set: "salesOrderLines", Key: "32d80403-e236-f011-9a4a-7ced8d0ee6e7",
				Path: "api/v2.0/companies(" + co + ")/salesOrders(a417d159-d936-f011-9a4a-7c1e5271c536)/salesOrderLines(32d80403-e236-f011-9a4a-7ced8d0ee6e7)"}},
		{in: "api/microsoft/automation/v2.0/companies(" + co + ")/users", want: Resource{Route: "api/microsoft/automation/v2.0", CompanyID: co, Set: "users",
			Path: "api/microsoft/automation/v2.0/companies(" + co + ")/users"}},
		{in: "api/v2.0/companies(name='Cronus%20''UK''')/vendors('V%C3%B610')",
			want: Resource{Route: "api/v2.0", CompanyName: "Cronus 'UK'", Set: "vendors", Key: "Vö10", Path: "api/v2.0/companies(name='Cronus%20''UK''')/vendors('V%C3%B610')"}},
		{in: "api/v2.0/subscriptions('270135334a7d433e9009dde078e9e29c')",
			want: Resource{Route: "api/v2.0", Set: "subscriptions", Key: "270135334a7d433e9009dde078e9e29c", Path: "api/v2.0/subscriptions('270135334a7d433e9009dde078e9e29c')"}},
		{in: "", err: "names no entity set"},
		{in: "api/x", err: "no complete API route"},
		{in: "api/v2.0/companies(" + co, err: "unclosed key"},
		{in: "api/v2.0/customers?$filter=%zz", err: "invalid URL escape"},
	} {
		got, err := ParseResource(tc.in)
		if tc.err != "" {
			require.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		tc.want.Raw = tc.in
		require.Equal(t, tc.want, got)
	}
}

// A notification with someone else's clientState never reaches Events: the
// post is refused (401: BC deletes those subscriptions) at the first one,
// and nothing of it is queued, even notifications of ours before it.
func TestWebhookClientStateIsChecked(t *testing.T) {
	t.Parallel()
	note := func(state, id string) string {
		return `{"subscriptionId":"` + id + `","clientState":"` + state + `","expirationDateTime":"2025-10-02T10:21:44Z","resource":"api/v2.0/companies(a7f1d29f-b084-f011-a708-6045bd956d8a)/items(015e4dd6-fc83-f011-a6f5-000d3a4b6d9d)","changeType":"updated","lastModifiedDateTime":"2025-09-29T10:22:52.363Z"}`
	}
	h := newHandler(t, "new", AcceptClientStates("old"))
	require.Equal(t, http.StatusUnauthorized, serve(h, http.MethodPost, "/hook", `{"value":[`+note("forged", "x")+`]}`).Code)
	require.Empty(t, queued(h))

	require.Equal(t, http.StatusUnauthorized, serve(h, http.MethodPost, "/hook", `{"value":[`+note("new", "a")+`,`+note("forged", "x")+`]}`).Code)
	require.Empty(t, queued(h))

	require.Equal(t, http.StatusAccepted, serve(h, http.MethodPost, "/hook", `{"value":[`+note("new", "a")+`,`+note("old", "b")+`]}`).Code)
	evs := queued(h)
	require.Len(t, evs, 2)
	require.Equal(t, "a", evs[0].SubscriptionID)
	require.Equal(t, "b", evs[1].SubscriptionID)

	require.Equal(t, http.StatusAccepted, serve(h, http.MethodPost, "/hook", `{"value":[]}`).Code)
	require.Equal(t, http.StatusBadRequest, serve(h, http.MethodPost, "/hook", `<xml/>`).Code)
	rec := serve(h, http.MethodGet, "/hook", "")
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	require.Equal(t, http.MethodPost, rec.Header().Get("Allow"))
}

// When the consumer falls behind, the handler answers 503, which BC retries,
// never a 4xx, which would make BC delete the subscription.
func TestWebhookBusyConsumerGets503(t *testing.T) {
	t.Parallel()
	h := newHandler(t, "st", WebhookQueue(2), WebhookQueueWait(time.Millisecond))
	note := `{"subscriptionId":"s","clientState":"st","resource":"api/v2.0/companies(a7f1d29f-b084-f011-a708-6045bd956d8a)/items(015e4dd6-fc83-f011-a6f5-000d3a4b6d9d)","changeType":"updated"}`
	three := `{"value":[` + note + `,` + note + `,` + note + `]}`
	rec := serve(h, http.MethodPost, "/hook", three)
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Equal(t, "60", rec.Header().Get("Retry-After"))
	require.Len(t, queued(h), 2, "what was queued before the 503 stays queued; BC sends it again")
	require.Equal(t, http.StatusAccepted, serve(h, http.MethodPost, "/hook", `{"value":[`+note+`]}`).Code)
	require.Len(t, queued(h), 1)

	h.Close()
	require.Equal(t, http.StatusServiceUnavailable, serve(h, http.MethodPost, "/hook", `{"value":[`+note+`]}`).Code)
	_, open := <-h.Events()
	require.False(t, open)
	require.Equal(t, http.StatusOK, serve(h, http.MethodPost, "/hook?validationToken=t", "").Code, "the handshake still works")
}

// A consumer that is only slow gets its events: the post waits for room.
func TestWebhookPostWaitsForRoom(t *testing.T) {
	t.Parallel()
	h := newHandler(t, "st", WebhookQueue(1), WebhookQueueWait(time.Minute))
	note := `{"subscriptionId":"s","clientState":"st","resource":"api/v2.0/companies(a7f1d29f-b084-f011-a708-6045bd956d8a)/items","changeType":"collection"}`
	got := make(chan int)
	go func() { got <- serve(h, http.MethodPost, "/hook", `{"value":[`+note+`,`+note+`,`+note+`]}`).Code }()
	for range 3 {
		ev := <-h.Events()
		require.Equal(t, ChangeCollection, ev.ChangeType)
	}
	require.Equal(t, http.StatusAccepted, <-got)
}
