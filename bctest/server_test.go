package bctest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
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

	_, err = sets.For(c.Company(co.ID)).DimensionSetLines().List(nil).Collect(ctx)
	require.ErrorContains(t, err, "You must get to the parent first")
	_, err = sets.For(c.Company(co.ID)).JournalLines().List(nil).Collect(ctx)
	require.ErrorContains(t, err, "You must specify a journal batch ID or a journal ID")
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
