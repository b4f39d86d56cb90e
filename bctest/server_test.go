package bctest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// newCustomers starts an empty fake with one company holding n customers.
func newCustomers(t *testing.T, n int, opts ...Option) (*Server, *Company) {
	t.Helper()
	srv := NewServer(append([]Option{WithEmptyTenant()}, opts...)...)
	t.Cleanup(srv.Close)
	co := srv.Tenant().AddCompany("Test Co")
	for i := range n {
		_, err := co.Insert("customers", map[string]any{
			"number": fmt.Sprintf("C%05d", i), "displayName": fmt.Sprintf("Customer %d", i),
			"creditLimit": "1000.00", "lastModifiedDateTime": "2025-01-01T00:00:00Z",
		})
		require.NoError(t, err)
	}
	return srv, co
}

func fastPolicy() bc.RetryPolicy {
	p := bc.DefaultRetryPolicy()
	p.BaseDelay, p.MaxDelay = time.Millisecond, 5*time.Millisecond
	return p
}

func TestTokenEndpointErrorsMapToSetupSteps(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithEmptyTenant())
	t.Cleanup(srv.Close)
	tenant, client, secret := srv.Credentials()
	tests := []struct {
		name                   string
		tenant, client, secret string
		app                    *App
		want                   bc.AuthProblem
	}{
		{"unknown tenant", "99999999-9999-9999-9999-999999999999", client, secret, nil, bc.ProblemUnknownTenant},
		{"unknown client", tenant, "99999999-9999-9999-9999-999999999999", secret, nil, bc.ProblemUnknownClient},
		{"wrong secret", tenant, client, "wrong", nil, bc.ProblemInvalidSecret},
		{"expired secret", tenant, client, secret, &App{SecretExpired: true}, bc.ProblemExpiredSecret},
		{"disabled app", tenant, client, secret, &App{Disabled: true}, bc.ProblemAppDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srv
			if tt.app != nil {
				s = NewServer(WithEmptyTenant(), WithApp(*tt.app))
				t.Cleanup(s.Close)
			}
			_, err := bc.ClientCredentials(tt.tenant, tt.client, tt.secret, bc.WithTokenURL(s.TokenURL())).Token()
			var ae *bc.AuthError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tt.want, ae.Problem, err.Error())
			require.NotEmpty(t, ae.TraceID)
		})
	}
}

func TestAppNotRegisteredInBC(t *testing.T) {
	t.Parallel()
	app := DefaultApp()
	app.Registered = false
	srv, co := newCustomers(t, 1, WithApp(app))
	c := srv.Client(bc.WithRetryPolicy(fastPolicy()))
	_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 401, apiErr.StatusCode)
	require.Equal(t, "Authentication_InvalidCredentials", apiErr.Code)
	require.Equal(t, "The server has rejected the client credentials.", apiErr.Message)
	require.Len(t, apiErr.CorrelationID, 36)
	require.Contains(t, err.Error(), "Microsoft Entra Applications")
	require.Equal(t, int64(2), srv.Stats().Unauthorized, "one forced refresh, one retry")
}

func TestMissingPermissionSet(t *testing.T) {
	t.Parallel()
	app := DefaultApp()
	app.DeniedSets = []string{"generalLedgerEntries"}
	srv, co := newCustomers(t, 1, WithApp(app))
	c := srv.Client()
	_, err := sets.For(c.Company(co.ID)).GeneralLedgerEntries().List(nil).Collect(t.Context())
	require.ErrorIs(t, err, bc.ErrForbidden)
	require.Contains(t, err.Error(), "Sorry, the current permissions prevented the action. (TableData 17 G/L Entry Read")
	_, err = sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	require.NoError(t, err, "other sets stay readable")
}

func TestTokensExpireAndTheClientRecovers(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(time.Date(2025, 9, 29, 9, 0, 0, 0, time.UTC))
	srv, co := newCustomers(t, 3, WithClock(clk))
	tenant, client, secret := srv.Credentials()
	base := bc.ClientCredentials(tenant, client, secret, bc.WithTokenURL(srv.TokenURL()))
	c, err := bc.NewClient(tenant, srv.Environment(), bc.WithBaseURL(srv.BaseURL()), bc.WithTokenSource(oauth2.ReuseTokenSource(&oauth2.Token{AccessToken: "x"}, base)))
	require.NoError(t, err)
	_, err = sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	require.Error(t, err, "an invalid token is refused")

	// The client's cache runs on real time, so only the fake knows the
	// token's hour is up: BC's 401 must make the client renew it.
	c, err = bc.NewClient(tenant, srv.Environment(), bc.WithBaseURL(srv.BaseURL()), bc.WithTokenSource(base))
	require.NoError(t, err)
	_, err = sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Zero(t, srv.Stats().ExpiredTokens)
	clk.Advance(time.Hour) // the token's lifetime on the fake's clock
	items, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, items, 3)
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens)
	require.Equal(t, int64(1), c.Stats().ForcedRefreshes)
}

func TestExpireTokensEndsThemMidRun(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 3)
	tenant, client, secret := srv.Credentials()
	ts := bc.ClientCredentials(tenant, client, secret, bc.WithTokenURL(srv.TokenURL()))
	c, err := bc.NewClient(tenant, srv.Environment(), bc.WithBaseURL(srv.BaseURL()), bc.WithTokenSource(ts))
	require.NoError(t, err)
	customers := sets.For(c.Company(co.ID)).Customers()
	_, err = customers.List(nil).Collect(t.Context())
	require.NoError(t, err)
	for round := 1; round <= 3; round++ {
		srv.ExpireTokens()
		items, err := customers.List(nil).Collect(t.Context())
		require.NoError(t, err)
		require.Len(t, items, 3)
		require.Equal(t, int64(round), srv.Stats().ExpiredTokens)
		require.Equal(t, int64(round), c.Stats().ForcedRefreshes)
	}
	require.Len(t, srv.IssuedTokens(), 4, "the first token and one per round")
}

func TestExpireTokensAfterEndsThemAtTheChosenRequest(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 3)
	c := srv.Client()
	list := func() {
		t.Helper()
		items, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
		require.NoError(t, err)
		require.Len(t, items, 3)
	}
	srv.ExpireTokensAfter(3)
	list()
	list()
	require.Zero(t, srv.Stats().ExpiredTokens, "the first two requests come before the expiry")
	list()
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens, "the third request's token has ended")
	require.Equal(t, int64(1), c.Stats().ForcedRefreshes)
	for range 5 {
		list()
	}
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens, "one expiry, and the renewed token lives on")
	require.Len(t, srv.IssuedTokens(), 2)

	cancel := srv.ExpireTokensAfter(1)
	require.True(t, cancel())
	require.False(t, cancel(), "disarmed once")
	list()
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens, "a disarmed expiry ends nothing")
}

func TestAtRequestRunsAtTheChosenRequests(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 1)
	c := srv.Client()
	var ran []string
	srv.AtRequest(2, func() { ran = append(ran, fmt.Sprint("second at ", srv.Stats().Requests)) })
	srv.AtRequest(2, func() { ran = append(ran, "armed later, same request") })
	srv.AtRequest(0, func() { ran = append(ran, fmt.Sprint("next at ", srv.Stats().Requests)) })
	for range 3 {
		_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
		require.NoError(t, err)
	}
	require.Equal(t, []string{"next at 1", "second at 2", "armed later, same request"}, ran)
}

func TestConcurrencyLimitQueuesThenThrottles(t *testing.T) {
	t.Parallel()
	model := ServiceModel{Base: 40 * time.Millisecond, Scale: 1}
	srv, co := newCustomers(t, 2, WithServiceModel(model))
	c := srv.Client(bc.WithMaxConcurrency(20), bc.WithRetryPolicy(fastPolicy()))
	var wg sync.WaitGroup
	for range 15 {
		wg.Go(func() {
			_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
			require.NoError(t, err)
		})
	}
	wg.Wait()
	st := srv.Stats()
	require.Equal(t, int64(5), st.MaxInFlight, "BC processes 5 requests at once per principal")
	require.Positive(t, st.Queued)
	require.Zero(t, st.Throttled)

	small := Limits{Concurrency: 1, Queue: 1}
	srv2, co2 := newCustomers(t, 1, WithServiceModel(model), WithLimits(small))
	p := fastPolicy()
	p.MaxAttempts = 1
	c2 := srv2.Client(bc.WithMaxConcurrency(10), bc.WithRetryPolicy(p))
	var throttled int
	var mu sync.Mutex
	for range 6 {
		wg.Go(func() {
			_, err := sets.For(c2.Company(co2.ID)).Customers().List(nil).Collect(t.Context())
			if errors.Is(err, bc.ErrThrottled) {
				mu.Lock()
				throttled++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Positive(t, throttled, "past the queue BC answers 429")
	require.Equal(t, int64(throttled), srv2.Stats().Throttled)
}

func TestRequestBudget(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 1, WithLimits(Limits{Concurrency: 5, Queue: 95, Budget: 3, Window: time.Hour, RetryAfter: time.Hour}))
	c := srv.Client(bc.WithRetryPolicy(fastPolicy()))
	for range 3 {
		_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
		require.NoError(t, err)
	}
	_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 429, apiErr.StatusCode)
	require.Equal(t, time.Hour, apiErr.RetryAfter)
}

func TestPagingWithSkipTokensIsStableUnderChurn(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 600, WithChurn(Churn{Every: 1, Inserts: 3, Updates: 3, Deletes: 2, Sets: []string{"customers"}}))
	before := map[string]bool{}
	co.Each("customers", func(r map[string]string) bool { before[r["id"]] = true; return true })
	c := srv.Client()
	seen := map[string]int{}
	pages := 0
	p := sets.For(c.Company(co.ID)).Customers().List(odata.New().MaxPageSize(50))
	for p.More() {
		page, err := p.NextPage(t.Context())
		require.NoError(t, err)
		pages++
		for _, cust := range page.Items {
			seen[cust.ID]++
		}
	}
	after := map[string]bool{}
	co.Each("customers", func(r map[string]string) bool { after[r["id"]] = true; return true })
	log := srv.ChurnDone()
	require.Positive(t, log.Deleted)
	require.Positive(t, log.Inserted)
	for id, n := range seen {
		require.Equal(t, 1, n, "no row is served twice: %s", id)
	}
	for id := range before {
		if after[id] {
			require.Equal(t, 1, seen[id], "a row that existed throughout is served: %s", id)
		}
	}
	require.GreaterOrEqual(t, pages, 12)
}

func TestETagRules(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 1)
	c := srv.Client()
	set := sets.For(c.Company(co.ID)).Customers()
	all, err := set.List(nil).Collect(t.Context())
	require.NoError(t, err)
	cust := all[0]
	_, err = set.Patch(t.Context(), cust.ID, "", map[string]any{"displayName": "x"}, bc.WithHeader("If-Match", ""))
	require.ErrorContains(t, err, "requires If-Match")

	req, err := c.NewRequest(t.Context(), http.MethodPatch, set.Entity(cust.ID).Path(), map[string]any{"displayName": "x"})
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	require.ErrorIs(t, err, bc.ErrPrecondition, "BC answers BadRequest_InvalidToken without If-Match")

	cust.DisplayName = "Renamed"
	updated, err := set.Update(t.Context(), cust, bc.Fields("displayName"))
	require.NoError(t, err)
	require.NotEqual(t, cust.ETag, updated.ETag)
	require.Equal(t, "Renamed", updated.DisplayName)

	_, err = set.Update(t.Context(), cust, bc.Fields("displayName"))
	require.ErrorIs(t, err, bc.ErrConflict, "the old table.ETag is stale")
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "Request_EntityChanged", apiErr.Code)

	_, err = set.Update(t.Context(), cust, bc.Fields("displayName"), bc.IfMatchAny())
	require.NoError(t, err)
	require.NoError(t, set.Delete(t.Context(), updated.ID, "", bc.IfMatchAny()))
	_, err = set.Get(t.Context(), updated.ID, nil)
	require.ErrorIs(t, err, bc.ErrNotFound)
}

func TestWritesRefuseReadOnlyAndBadValues(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 0)
	c := srv.Client()
	set := sets.For(c.Company(co.ID)).Customers()
	tests := []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"displayName": "x", "balanceDue": 5}, "BadRequest_InvalidOperation"},
		{map[string]any{"displayName": "x", "nope": 1}, "BadRequest"},
		{map[string]any{"displayName": "x", "blocked": "Everything"}, "Application_EvaluateException"},
		{map[string]any{"displayName": "x", "currencyId": "not-a-guid"}, "Application_InvalidGUID"},
		{map[string]any{"displayName": strings.Repeat("x", 101)}, "Application_StringExceededLength"},
	}
	for _, tt := range tests {
		req, err := c.NewRequest(t.Context(), http.MethodPost, set.Path(), tt.body)
		require.NoError(t, err)
		_, err = c.Do(req, nil)
		var apiErr *bc.APIError
		require.ErrorAs(t, err, &apiErr, "%v", tt.body)
		require.Equal(t, tt.code, apiErr.Code, "%v", tt.body)
	}
	_, err := sets.For(c.Company(co.ID)).GeneralLedgerEntries().Create(t.Context(), entities.GeneralLedgerEntry{Description: "x"})
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 405, apiErr.StatusCode, "G/L entries are read-only in BC")
}

func TestDeepInsertAndPostAction(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 1)
	c := srv.Client()
	invs := sets.For(c.Company(co.ID)).SalesInvoices()
	inv, err := invs.Create(t.Context(), entities.SalesInvoice{
		CustomerNumber: "C00000",
		SalesInvoiceLines: []entities.SalesInvoiceLine{
			{LineType: entities.InvoiceLineAggLineTypeItem, LineObjectNumber: "1150", Quantity: decimal.RequireFromString("2"), UnitPrice: decimal.RequireFromString("500.00")},
			{LineType: entities.InvoiceLineAggLineTypeComment, Description: "Delivery on Monday"},
		},
	})
	require.NoError(t, err)
	require.Equal(t, entities.InvoiceEntityAggregateStatusDraft, inv.Status)
	require.Equal(t, "1000", inv.TotalAmountExcludingTax.String())
	lines, err := invs.Lines(inv.ID).List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, lines, 2)
	require.Equal(t, inv.ID, lines[0].DocumentID)
	require.Equal(t, int32(10000), lines[0].Sequence)

	require.NoError(t, invs.Post(t.Context(), inv.ID))
	posted, err := invs.Get(t.Context(), inv.ID, nil)
	require.NoError(t, err)
	require.Equal(t, entities.InvoiceEntityAggregateStatusOpen, posted.Status)
	err = invs.Post(t.Context(), inv.ID)
	require.ErrorContains(t, err, "The action can be applied to a draft invoice only.")

	posted.CustomerNumber = "other"
	_, err = invs.Update(t.Context(), posted, bc.Fields("customerNumber"))
	require.ErrorContains(t, err, "The invoice has been posted and can no longer be modified.")

	var pdf strings.Builder
	_, err = invs.PDFDocument(inv.ID).Download(t.Context(), &pdf)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(pdf.String(), "%PDF-"))
}

func TestQueryOptions(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 30)
	c := srv.Client()
	set := bc.Set[map[string]any](c.Company(co.ID), "customers")
	ctx := t.Context()

	rows, err := set.List(odata.New().Select("number", "displayName").Filter(odata.StartsWith("number", "C0001")).OrderByDesc("number").Top(3)).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 3)
	require.Equal(t, "C00019", rows[0]["number"])
	require.Equal(t, "C00017", rows[2]["number"])
	require.Len(t, rows[0], 3, "etag, number, displayName")

	rows, err = set.List(odata.New().OrderBy("number").Skip(25).MaxPageSize(2)).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 5)
	require.Equal(t, "C00025", rows[0]["number"])

	rows, err = set.List(odata.New().Top(7).MaxPageSize(3)).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, rows, 7, "$top holds across pages")

	n, err := set.Count(ctx, odata.New().Filter(odata.Ge("number", "C00020")))
	require.NoError(t, err)
	require.Equal(t, int64(10), n)

	_, err = set.List(odata.New().Filter(odata.RawFilter("displayName eq 'a' or number eq 'b'"))).Collect(ctx)
	require.ErrorContains(t, err, "The 'OR' operator is not supported on distinct fields on an OData filter.")
	_, err = set.List(odata.New().Select("nope")).Collect(ctx)
	require.ErrorContains(t, err, "Could not find a property named 'nope' on type 'Microsoft.NAV.customer'.")

	_, err = sets.For(c.Company(co.ID)).DimensionSetLines().List(nil).Collect(ctx)
	require.ErrorContains(t, err, "You must get to the parent first")
	_, err = sets.For(c.Company(co.ID)).JournalLines().List(nil).Collect(ctx)
	require.ErrorContains(t, err, "You must specify a journal batch ID or a journal ID")
}

func TestFaultsAreAbsorbedByTheClient(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 400, WithFaults(Faults{Seed: 3, Throttle: 0.1, ThrottleBare: 0.05, Unavailable: 0.05, GatewayTimeout: 0.05, Reset: 0.1, Truncate: 0.1, RetryAfter: time.Millisecond}))
	c := srv.Client(bc.WithRetryPolicy(fastPolicy()))
	got, err := sets.For(c.Company(co.ID)).Customers().List(odata.New().MaxPageSize(10)).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 400)
	ids := map[string]bool{}
	for _, cu := range got {
		ids[cu.ID] = true
	}
	require.Len(t, ids, 400)
	st := srv.Stats()
	require.GreaterOrEqual(t, len(st.FaultKinds()), 5, "%v", st.Faults)
	require.Equal(t, st.FaultTotal(), c.Stats().Retries, "every fault cost exactly one retry")
}

func TestServiceModelFloor(t *testing.T) {
	t.Parallel()
	model := ServiceModel{Base: 20 * time.Millisecond, BytesPerSecond: 1e6, Scale: 1}
	srv, co := newCustomers(t, 40, WithServiceModel(model))
	c := srv.Client()
	start := time.Now()
	_, err := sets.For(c.Company(co.ID)).Customers().List(odata.New().MaxPageSize(10)).Collect(t.Context())
	require.NoError(t, err)
	elapsed := time.Since(start)
	st := srv.Stats()
	want := 4*20*time.Millisecond + time.Duration(float64(st.Bytes)/1e6*float64(time.Second))
	require.InDelta(t, float64(want), float64(st.ServiceTime), float64(time.Millisecond))
	require.Equal(t, st.ServiceTime/5, st.Floor)
	require.GreaterOrEqual(t, elapsed, st.ServiceTime, "a sequential client cannot beat the sum of service times")
}

func TestMetadataMatchesRegistry(t *testing.T) {
	t.Parallel()
	srv, _ := newCustomers(t, 0)
	c := srv.Client()
	req, err := c.NewRequest(t.Context(), http.MethodGet, "api/v2.0/$metadata", nil)
	require.NoError(t, err)
	var buf strings.Builder
	_, err = c.Do(req, &buf)
	require.NoError(t, err)
	require.Contains(t, buf.String(), `<EntitySet Name="generalLedgerEntries" EntityType="Microsoft.NAV.generalLedgerEntry">`)
}

func TestCompanyAddressing(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithEmptyTenant())
	t.Cleanup(srv.Close)
	name := `Søren's Café "Nord" / ApS`
	co := srv.Tenant().AddCompany(name)
	_, err := co.Insert("customers", map[string]any{"displayName": "Ålborg Ost"})
	require.NoError(t, err)
	c := srv.Client()
	byName, err := sets.For(c.StandardAPI().CompanyByName(name)).Customers().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, "Ålborg Ost", byName[0].DisplayName)
	companies, err := c.Companies().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, name, companies[0].Name)
	got, err := c.Companies().Get(t.Context(), co.ID, nil)
	require.NoError(t, err)
	require.Equal(t, name, got.Name)
	_, err = sets.For(c.Company("00000000-0000-0000-0000-000000000001")).Customers().List(nil).Collect(t.Context())
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "Internal_CompanyNotFound", apiErr.Code)
	_ = context.Background()
}

func TestVirtualRowsServeBothOrders(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithDemo(DemoConfig{Seed: 1, Companies: 1, GLEntries: 50_000}))
	t.Cleanup(srv.Close)
	co := srv.Tenant().Companies()[0]
	c := srv.Client()
	gl := sets.For(c.Company(co.ID)).GeneralLedgerEntries()
	last, err := gl.List(odata.New().Select("entryNumber").OrderByDesc("entryNumber").Top(3)).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, []int32{50000, 49999, 49998}, []int32{last[0].EntryNumber, last[1].EntryNumber, last[2].EntryNumber})
	first, err := gl.List(odata.New().Select("entryNumber").OrderBy("entryNumber").Top(1)).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, int32(1), first[0].EntryNumber)
	page, err := gl.List(odata.New().Filter(odata.Ge("entryNumber", 1000), odata.Lt("entryNumber", 1100))).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, page, 100)
	desc, err := gl.List(odata.New().Select("entryNumber").Filter(odata.Le("entryNumber", 10)).OrderByDesc("entryNumber").MaxPageSize(4)).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, desc, 10, "descending pages continue with skiptokens")
	require.Equal(t, int32(1), desc[9].EntryNumber)
	_, err = gl.List(odata.New().OrderBy("description")).Collect(t.Context())
	require.ErrorContains(t, err, "not supported by the fake")
}

// TestUnknownEnvironmentAnswersInXML: BC's front door answers a missing
// environment with OData's XML error body, which the client reads like the
// JSON envelope.
func TestUnknownEnvironmentAnswersInXML(t *testing.T) {
	t.Parallel()
	srv, _ := newCustomers(t, 1)
	tenant, client, secret := srv.Credentials()
	c, err := bc.NewClient(tenant, "Sandbox2", bc.WithBaseURL(srv.BaseURL()), bc.WithRetryPolicy(fastPolicy()),
		bc.WithTokenSource(bc.ClientCredentials(tenant, client, secret, bc.WithTokenURL(srv.TokenURL()))))
	require.NoError(t, err)
	_, err = c.Companies().List(nil).Collect(t.Context())
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 404, apiErr.StatusCode)
	require.Equal(t, "application/xml; charset=utf-8", apiErr.Header.Get("Content-Type"))
	require.Equal(t, `<error xmlns="http://docs.oasis-open.org/odata/ns/metadata"><code>NoEnvironment</code><message>The environment 'Sandbox2' does not exist in this tenant.</message></error>`, string(apiErr.Body))
	require.Equal(t, "NoEnvironment", apiErr.Code)
	require.Equal(t, "The environment 'Sandbox2' does not exist in this tenant.", apiErr.Message)
}
