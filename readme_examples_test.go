package bc_test

// The documents' Go snippets, compiled (and, where an example has an Output
// comment, run against the fake BC). Each // readme:NAME … // readme:end
// region is copied verbatim into README.md or docs/*.md under a
// <!-- go: NAME --> line; TestDocsGoBlocksCompile fails when the two differ.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/automation"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/shopspring/decimal"
)

// readmeFake is the demo tenant's client and its first company, for the
// snippets that run.
func readmeFake() (srv *bctest.Server, c *bc.Client, companyID string) {
	srv = bctest.NewServer()
	c = srv.Client()
	companyID = srv.Tenant().Companies()[0].ID
	return srv, c, companyID
}

func Example_library() {
	ctx := context.Background()
	tenantID, clientID, clientSecret, companyID := "contoso.onmicrosoft.com", "client-id", os.Getenv("BC_CLIENT_SECRET"), "company-id"
	// readme:library
	ts := bc.ClientCredentials(tenantID, clientID, clientSecret)           // cached, renewed early
	c, err := bc.NewClient(tenantID, "Production", bc.WithTokenSource(ts)) // no I/O
	if err != nil {
		log.Fatal(err)
	}
	for co, err := range c.Companies().List(nil).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(co.ID, co.Name)
	}

	gl := sets.For(c.Company(companyID)).GeneralLedgerEntries()
	q := odata.New().
		Filter(odata.Ge("postingDate", entities.Date{Year: 2025, Month: 1, Day: 1}), odata.Eq("accountNumber", "40100")).
		Select("id", "entryNumber", "postingDate", "debitAmount", "creditAmount").
		Expand("dimensionSetLines").
		MaxPageSize(20000)
	for e, err := range gl.List(q).All(ctx) { // lazy, streamed, stops on break
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.EntryNumber, e.PostingDate, e.DebitAmount.Sub(e.CreditAmount))
	}
	// readme:end
}

func Example_escapeHatch() {
	srv, c, id := readmeFake()
	defer srv.Close()
	ctx := context.Background()
	// readme:escapeHatch
	req, err := c.NewRequest(ctx, http.MethodGet, "api/v2.0/companies("+id+")/items?$top=1", nil)
	if err != nil {
		log.Fatal(err)
	}
	var out struct{ Value []map[string]any }
	resp, err := c.Do(req, &out) // resp.Attempts, resp.Throttled
	// readme:end
	fmt.Println(err, resp.Attempts, len(out.Value))
	// Output: <nil> 1 1
}

func Example_errors() {
	srv, c, id := readmeFake()
	defer srv.Close()
	_, err := sets.For(c.Company(id)).Customers().Get(context.Background(), "00000000-0000-0000-0000-000000000001", nil)
	// readme:errors
	var apiErr *bc.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Attempts, apiErr.Retries)
		// also apiErr.Message, apiErr.CorrelationID, and apiErr.Hint() for setup errors
	}
	fmt.Println(errors.Is(err, bc.ErrNotFound)) // also ErrConflict (stale ETag), ErrPrecondition, ErrThrottled, ErrUnauthorized, ErrTokenExpired, ErrForbidden
	// readme:end
	// Output:
	// 404 BadRequest_NotFound 1 0
	// true
}

func Example_batch() {
	srv, c, id := readmeFake()
	defer srv.Close()
	ctx := context.Background()
	var stale entities.Item
	for it, err := range sets.For(c.Company(id)).Items().List(odata.New().Top(1)).All(ctx) {
		stale = it
		if err != nil {
			log.Fatal(err)
		}
	}
	// readme:batch
	b := c.StandardAPI().Batch() // or c.API(pub, grp, ver).Batch()
	items := sets.For(c.Company(id)).Items()
	hub := items.In(b).Create(entities.Item{Number: "1150", DisplayName: "Front hub"})
	old := items.In(b).Delete(stale.ID, stale.ETag)
	if err := b.Send(ctx, bc.Atomic()); err != nil { // or bc.ContinueOnError(); default: stop at the first failure
		log.Fatal(err)
	}
	item, err := hub.Result() // the typed entity, or BC's *bc.APIError for this operation
	fmt.Println(item.Number, item.DisplayName, err, old.Err())
	// readme:end
	// Output: 1150 Front hub <nil> <nil>
}

func Example_webhooks() {
	ctx := context.Background()
	var c *bc.Client
	id, clientState := "company-id", os.Getenv("BC_WEBHOOK_STATE")
	// readme:webhooks
	h, err := bc.NewWebhookHandler(clientState) // answers BC's validation handshake, checks clientState
	if err != nil {
		log.Fatal(err) // an empty client state
	}
	http.Handle("/bc/webhook", h)
	go func() {
		for ev := range h.Events() { // created, updated, deleted, collection
			if since, ok := ev.Resource.Since(); ok { // a collection: read the set again from since
				fmt.Println(ev.Resource.Set, "changed since", since)
				continue
			}
			// one record: ev.Resource.Set, .Key, .CompanyID; read it with
			// c.NewRequest(ctx, http.MethodGet, ev.Resource.RelativeURL(), nil)
			fmt.Println(ev.ChangeType, ev.Resource.Set, ev.Resource.Key)
		}
	}()

	r := bc.NewRenewer("https://example.com/bc/webhook", clientState)
	if err := r.Keep(sets.For(c.Company(id)).Customers()); err != nil { // any set on any route
		log.Fatal(err)
	}
	go r.Run(ctx) // creates, renews before the 3-day expiry, re-creates
	// readme:end
}

func Example_automation() {
	ctx := context.Background()
	var c *bc.Client
	var file *os.File // the RapidStart package file
	companyID, userSecurityID, packageID := "company-id", "user-id", "package-id"
	// readme:automation
	a := automation.New(c, companyID) // c is a *bc.Client; no I/O

	// Companies: a new company is not initialised — apply a RapidStart package to it.
	co, err := a.AutomationCompanies().Create(ctx, automation.AutomationCompany{Name: "Fabrikam", DisplayName: "Fabrikam Ltd"})
	co, err = a.AutomationCompanies().Rename(ctx, co, "Fabrikam Inc") // If-Match: its ETag
	err = a.AutomationCompanies().Delete(ctx, co.ID, co.ETag)

	// Permission sets ("" = every company).
	p, err := a.Users().AssignPermissionSet(ctx, userSecurityID, "D365 BUS FULL ACCESS", "CRONUS USA, Inc.")
	err = a.Users().RemovePermissionSet(ctx, userSecurityID, "D365 BUS FULL ACCESS", "CRONUS USA, Inc.")

	// Extensions: install, uninstall, unpublish; upload a per-tenant extension and wait for its deployment.
	err = a.Extensions().Install(ctx, packageID)
	app, _ := os.Open("Contoso_Connector_2.1.0.0.app")
	st, err := a.Extensions().Upload(ctx, app, automation.ScheduleCurrentVersion, automation.SchemaSyncAdd,
		automation.PollInterval(10*time.Second)) // errors.Is(err, automation.ErrOperationFailed) if it failed

	// RapidStart: create, upload the file, import, apply (each waits for BC's background task).
	pkg, err := a.ConfigurationPackages().Create(ctx, automation.ConfigurationPackage{Code: "SETUP", PackageName: "Company setup"})
	err = a.ConfigurationPackages().UploadFile(ctx, pkg.ID, pkg.Code, file) // PATCH …/file('SETUP')/content
	pkg, err = a.ConfigurationPackages().Import(ctx, pkg.ID)
	pkg, err = a.ConfigurationPackages().Apply(ctx, pkg.ID)

	// Feature management.
	err = a.Features().Activate(ctx, "SalesPrices", true, time.Time{}) // {"updateInBackground":true,"startDateTime":now}
	// readme:end
	_, _, _ = p, st, err
}

func Example_entities() {
	ctx := context.Background()
	var c *bc.Client
	var file, png *os.File
	id, custID := "company-id", "customer-id"
	// readme:entities
	invoices := sets.For(c.Company(id)).SalesInvoices()

	// Create: BC-assigned keys and read-only fields are never sent; lines make it a deep insert.
	inv, err := invoices.Create(ctx, entities.SalesInvoice{CustomerNumber: "10000",
		SalesInvoiceLines: []entities.SalesInvoiceLine{{LineType: entities.InvoiceLineAggLineTypeItem,
			LineObjectNumber: "1150", Quantity: decimal.NewFromInt(2)}}})

	// Update: If-Match is the entity's ETag; a stale one gives bc.ErrConflict.
	inv.DueDate = entities.Date{Year: 2025, Month: time.June, Day: 30}
	inv, err = invoices.Update(ctx, inv, bc.Fields("dueDate")) // bc.IfMatchAny() to overwrite regardless

	err = invoices.Post(ctx, inv.ID)                          // bound action Microsoft.NAV.post
	_, err = invoices.PDFDocument(inv.ID).Download(ctx, file) // media, streamed
	err = sets.For(c.Company(id)).Customers().Picture(custID).Upload(ctx, png, "image/png")
	tb := sets.For(c.Company(id)).TrialBalances().At(entities.Date{Year: 2025, Month: 12, Day: 31}) // report parameters
	// readme:end
	_, _ = tb, err
}

func Example_minimalPatch() {
	srv, c, companyID := readmeFake()
	defer srv.Close()
	ctx := context.Background()
	first, err := sets.For(c.Company(companyID)).Customers().List(odata.New().Top(1)).Collect(ctx)
	if err != nil || len(first) == 0 {
		log.Fatal(err)
	}
	id := first[0].ID
	invoices, err := sets.For(c.Company(companyID)).PurchaseInvoices().List(odata.New().Top(1)).Collect(ctx)
	if err != nil || len(invoices) == 0 {
		log.Fatal(err)
	}
	invoiceID := invoices[0].ID
	// readme:minimalPatch
	customers := sets.For(c.Company(companyID)).Customers()
	cust, err := customers.Get(ctx, id, odata.New().Select("id", "displayName", "email"))
	cust.DisplayName, cust.Email = "Coho Winery", "info@cohowinery.com"
	// PATCH {"displayName":"Coho Winery","email":"info@cohowinery.com"}: only what changed since
	// the read, so the properties the $select left out are not blanked.
	cust, err = customers.Update(ctx, cust)

	// A newer BC's property the v26 models lack is read into Extra; Update sends a change to it.
	inv, err := sets.For(c.Company(companyID)).PurchaseInvoices().Get(ctx, invoiceID, nil)
	inv.Extra = map[string]json.RawMessage{"paymentTermsId": json.RawMessage(`"fe109593-f12b-f011-9a4a-7c1e5275406f"`)}
	// readme:end
	fmt.Println(cust.DisplayName, err)
	// Output: Coho Winery <nil>
}

func Example_compositeKey() {
	srv := bctest.NewServer(bctest.WithEmptyTenant(), bctest.WithCustomAPI("contoso", "sales", "v1.0", salesLinesAPI()))
	defer srv.Close()
	c, companyID, ctx := srv.Client(), srv.Tenant().AddCompany("Test Co").ID, context.Background()
	// readme:compositeKey
	type SalesLine struct {
		ETag            string          `json:"@odata.etag,omitempty" bc:"readonly"`
		entities.Record `json:"-"`      // keeps the read for minimal updates, and Extra
		DocumentType    string          `json:"Document_Type" bc:"key"` // keys BC does not assign
		DocumentNo      string          `json:"Document_No" bc:"key"`   // are sent on create
		LineNo          int32           `json:"Line_No" bc:"key"`
		Quantity        decimal.Decimal `json:"Quantity"`
	}
	lines := bc.Set[SalesLine](c.API("contoso", "sales", "v1.0").Company(companyID), "salesLines")
	line, err := lines.Create(ctx, SalesLine{DocumentType: "Order", DocumentNo: "101001", LineNo: 10000, Quantity: decimal.NewFromInt(2)})
	line.Quantity = decimal.NewFromInt(3)
	line, err = lines.Update(ctx, line) // PATCH …/salesLines(Document_Type='Order',Document_No='101001',Line_No=10000)
	key, err := bc.Key("Document_Type", "Order", "Document_No", "101001", "Line_No", 10000)
	err = lines.Delete(ctx, key, line.ETag)
	// readme:end
	fmt.Println(line.Quantity, err)
	// Output: 3 <nil>
}

func Example_customAPI() {
	srv := bctest.NewServer(bctest.WithEmptyTenant(), bctest.WithCustomAPI("contoso", "mosaic", "v1.0", bctest.JobTasksAPI()))
	defer srv.Close()
	co := srv.Tenant().AddCompany("Test Co")
	if _, err := co.InsertInto("api/contoso/mosaic/v1.0", "jobTasks", map[string]any{"description": "Foundations", "budgetAmount": 12500.5}); err != nil {
		log.Fatal(err)
	}
	c, companyID, ctx := srv.Client(), co.ID, context.Background()
	// readme:customAPI
	type JobTask struct {
		ETag        string          `json:"@odata.etag" bc:"readonly"`
		ID          string          `json:"id" bc:"key,readonly"`
		Description string          `json:"description"`
		Budget      decimal.Decimal `json:"budgetAmount"`
	}
	tasks := bc.Set[JobTask](c.API("contoso", "mosaic", "v1.0").Company(companyID), "jobTasks")
	for t, err := range tasks.List(nil).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(t.Description, t.Budget)
	}
	// readme:end
	// Output: Foundations 12500.5
}
