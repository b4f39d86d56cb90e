package sets

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/internal/realbc"
	"github.com/bcsdk/bc/internal/testhttp"
	"github.com/bcsdk/bc/odata"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// exported mirrors the generator's naming of a set's accessor.
func exported(set string) string {
	s := strings.ToUpper(set[:1]) + set[1:]
	return strings.NewReplacer("Id", "ID", "Pdf", "PDF").Replace(s)
}

func TestEverySetHasModelAccessorAndRegistryEntry(t *testing.T) {
	t.Parallel()
	require.Len(t, entities.Schema.EntitySets, 87)
	require.Len(t, entities.SetNames(), 87)
	company := map[string]bool{}
	for _, s := range entities.Schema.CompanySets() {
		company[s.Name] = true
	}
	coType := reflect.TypeFor[Sets]()
	routeType := reflect.TypeFor[RouteSets]()
	for _, set := range entities.Schema.EntitySets {
		model, ok := entities.NewModel(set.Name)
		require.True(t, ok, "model for %s", set.Name)
		typ, ok := entities.Schema.EntityType(set.EntityType)
		require.True(t, ok, "registry type for %s", set.Name)
		require.NotEmpty(t, typ.Key, "key of %s", set.Name)

		owner := routeType
		switch {
		case company[set.Name]:
			owner = coType
		case set.Name == "companies" || set.Name == "subscriptions": // package bc's own
			owner = reflect.TypeFor[*bc.Route]()
		}
		m, ok := owner.MethodByName(exported(set.Name))
		require.True(t, ok, "accessor %s.%s", owner, exported(set.Name))
		// The accessor's set type embeds EntitySet of exactly the model type.
		embedded := m.Type.Out(0).Field(0).Type.Elem()
		modelType := reflect.TypeOf(model).Elem()
		require.Equal(t, "EntitySet["+modelType.PkgPath()+"."+modelType.Name()+"]", embedded.Name(), set.Name)
	}
}

func TestTypedAccessorsBuildPaths(t *testing.T) {
	t.Parallel()
	c, err := bc.NewClient(testTenant, "Production", bc.WithoutAuth())
	require.NoError(t, err)
	co := For(c.Company(testCompany))
	p := "api/v2.0/companies(" + testCompany + ")/"
	require.Equal(t, p+"generalLedgerEntries", co.GeneralLedgerEntries().Path())
	require.Equal(t, p+"salesInvoices("+invoiceID+")/salesInvoiceLines", co.SalesInvoices().Lines(invoiceID).Path())
	require.Equal(t, p+"generalLedgerEntries("+invoiceID+")/dimensionSetLines", co.GeneralLedgerEntries().DimensionSetLines(invoiceID).Path())
	require.Equal(t, p+"dimensions("+invoiceID+")/dimensionValues", co.Dimensions().Values(invoiceID).Path())
	require.Equal(t, p+"journals("+invoiceID+")/journalLines", co.Journals().Lines(invoiceID).Path())
	require.Equal(t, p+"salesInvoices("+invoiceID+")/pdfDocument/pdfDocumentContent", co.SalesInvoices().PDFDocument(invoiceID).Path())
	require.Equal(t, p+"customers("+invoiceID+")/picture/pictureContent", co.Customers().Picture(invoiceID).Path())
	require.Equal(t, p+"attachments("+invoiceID+")/attachmentContent", co.Attachments().AttachmentContent(invoiceID).Path())
	require.Equal(t, "api/v2.0/subscriptions(%27270135334a7d433e9009dde078e9e29c%27)",
		c.StandardAPI().Subscriptions().Entity("270135334a7d433e9009dde078e9e29c").Path())
	require.Equal(t, "api/v2.0/companies", c.Companies().Path())
}

func TestTypedCRUDWithGeneratedModels(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var rc testhttp.Recorder
	base := apiPrefix + "/companies(" + testCompany + ")/salesInvoices"
	mux.Handle(base, rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 201, `{"@odata.etag":"W/\"a\"","id":"`+invoiceID+`","number":"103001","status":"Draft","totalAmountIncludingTax":1000.00,"invoiceDate":"2025-05-08","dueDate":"0001-01-01"}`)
	}))
	mux.Handle(base+"("+invoiceID+")", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, `{"@odata.etag":"W/\"b\"","id":"`+invoiceID+`","status":"Draft"}`)
	}))
	mux.Handle(base+"("+invoiceID+")/Microsoft.NAV.post", rc.Handle(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	co := For(c.Company(testCompany))

	inv, err := co.SalesInvoices().Create(t.Context(), entities.SalesInvoice{
		Number:         "ignored: read-only",
		CustomerNumber: "10000",
		InvoiceDate:    entities.Date{Year: 2025, Month: time.May, Day: 8},
		Status:         entities.InvoiceEntityAggregateStatusOpen, // read-only: never sent
		SalesInvoiceLines: []entities.SalesInvoiceLine{{
			LineType:         entities.InvoiceLineAggLineTypeItem,
			LineObjectNumber: "1150",
			Quantity:         decimal.RequireFromString("2"),
			UnitPrice:        decimal.RequireFromString("500.00"),
			NetAmount:        decimal.RequireFromString("1"), // read-only
		}},
	})
	require.NoError(t, err)
	require.Equal(t, `{"invoiceDate":"2025-05-08","customerNumber":"10000","salesInvoiceLines":[{"lineType":"Item","lineObjectNumber":"1150","quantity":2,"unitPrice":500}]}`, rc.Last(t).Body)
	require.Equal(t, "103001", inv.Number)
	require.Equal(t, entities.InvoiceEntityAggregateStatusDraft, inv.Status)
	require.Equal(t, "1000", inv.TotalAmountIncludingTax.String())
	require.True(t, inv.DueDate.IsZero(), "0001-01-01 reads as unset")

	inv.DueDate = entities.Date{Year: 2025, Month: time.June, Day: 7}
	updated, err := co.SalesInvoices().Update(t.Context(), inv, bc.Fields("dueDate"))
	require.NoError(t, err)
	got := rc.Last(t)
	require.Equal(t, http.MethodPatch, got.Method)
	require.Equal(t, `W/"a"`, got.Header.Get("If-Match"))
	require.Equal(t, `{"dueDate":"2025-06-07"}`, got.Body)
	require.Equal(t, `W/"b"`, updated.ETag)

	require.NoError(t, co.SalesInvoices().Post(t.Context(), invoiceID))
	require.True(t, strings.HasSuffix(rc.Last(t).Path, "/Microsoft.NAV.post"))
}

func TestDecodeRealSalesOrdersThroughClient(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	body := realbc.Read(t, "bc-v26-salesOrders.json")
	var rc testhttp.Recorder
	mux.Handle(apiPrefix+"/companies("+testCompany+")/salesOrders", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, string(body))
	}))
	orders, err := For(c.Company(testCompany)).SalesOrders().List(odata.New().Expand("salesOrderLines").Expand("customer")).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, "$expand=salesOrderLines,customer", rc.Last(t).Query)
	require.NotEmpty(t, orders)
	o := orders[0]
	require.Equal(t, `W/"JzIwOzE2NzI4NzUyNjQ5OTA1ODk3MzEwMTswMDsn"`, o.ETag)
	require.Equal(t, "SZA/25/000042", o.Number)
	require.Equal(t, "413.28", o.TotalAmountIncludingTax.String())
	require.Equal(t, "77.28", o.TotalTaxAmount.String())
	require.True(t, o.RequestedDeliveryDate.IsZero())
	require.Equal(t, entities.Date{Year: 2025, Month: time.May, Day: 8}, o.OrderDate)
	require.Equal(t, time.Date(2025, 5, 16, 15, 37, 35, 593e6, time.UTC), o.LastModifiedDateTime)
	require.Equal(t, "00000000-0000-0000-0000-000000000000", o.CurrencyID)
	require.Equal(t, "Jan Ubezpieczenia S.A.", o.Customer.DisplayName)
	require.NotEmpty(t, o.SalesOrderLines)
}

func TestReportHelpers(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var rc testhttp.Recorder
	mux.Handle(apiPrefix+"/companies("+testCompany+")/", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, `{"value":[]}`)
	}))
	co := For(c.Company(testCompany))
	d1 := entities.Date{Year: 2025, Month: time.January, Day: 1}
	d2 := entities.Date{Year: 2025, Month: time.December, Day: 31}
	ctx := context.Background()
	tests := []struct {
		run  func() error
		want string
	}{
		{func() error { _, err := co.TrialBalances().At(d2).Collect(ctx); return err }, "trialBalances?$filter=dateFilter%20eq%202025-12-31"},
		{func() error { _, err := co.IncomeStatements().Between(d1, d2).Collect(ctx); return err },
			"incomeStatements?$filter=dateFilter%20ge%202025-01-01%20and%20dateFilter%20le%202025-12-31"},
		{func() error { _, err := co.AgedAccountsReceivables().AsOf(d2, "30D").Collect(ctx); return err },
			"agedAccountsReceivables?$filter=agedAsOfDate%20eq%202025-12-31%20and%20periodLengthFilter%20eq%20'30D'"},
		{func() error { _, err := co.CustomerSales().Between(d1, d2).Collect(ctx); return err },
			"customerSales?$filter=dateFilter_FilterOnly%20ge%202025-01-01%20and%20dateFilter_FilterOnly%20le%202025-12-31"},
	}
	for _, tt := range tests {
		require.NoError(t, tt.run())
		got := rc.Last(t)
		require.Equal(t, tt.want, got.Path[strings.LastIndex(got.Path, "/")+1:]+"?"+got.Query)
	}
	_, err := co.AgedAccountsPayables().AsOf(d2, "thirty days").Collect(ctx)
	require.ErrorContains(t, err, "not a BC date formula")
}

// TestEveryGeneratedMethod calls every generated accessor, navigation, media
// and action method and checks the path or request it makes, so a
// generator change that breaks a route shows up here.
func TestEveryGeneratedMethod(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var rc testhttp.Recorder
	mux.Handle(apiPrefix+"/", rc.Handle(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	co := For(c.Company(testCompany))
	ctxType := reflect.TypeFor[context.Context]()
	checked := 0
	for _, owner := range []reflect.Value{reflect.ValueOf(co), reflect.ValueOf(ForRoute(c.StandardAPI()))} {
		for i := 0; i < owner.NumMethod(); i++ {
			m := owner.Type().Method(i)
			if m.Type.NumIn() != 1 || m.Type.NumOut() != 1 || !strings.HasSuffix(m.Type.Out(0).Name(), "Set") {
				continue
			}
			setVal := owner.Method(i).Call(nil)[0]
			setPath := setVal.MethodByName("Path").Call(nil)[0].String()
			require.True(t, strings.HasSuffix(setPath, "/"+setVal.MethodByName("Name").Call(nil)[0].String()), setPath)
			checked++
			for j := 0; j < setVal.NumMethod(); j++ {
				sm := setVal.Type().Method(j)
				if _, promoted := reflect.TypeFor[*bc.EntitySet[struct{}]]().MethodByName(sm.Name); promoted {
					continue
				}
				if sm.Name == "At" || sm.Name == "Between" || sm.Name == "AsOf" {
					continue // hand-written report helpers, tested in TestReportHelpers
				}
				if sm.Name == "Subscribe" || sm.Name == "Renew" {
					continue // hand-written webhook helpers (webhook_subscriptions.go), tested against the fake
				}
				in := sm.Type
				switch {
				case in.NumIn() == 2 && in.In(1).Kind() == reflect.String: // navigation or media
					out := setVal.Method(j).Call([]reflect.Value{reflect.ValueOf(invoiceID)})[0]
					p := out.MethodByName("Path").Call(nil)[0].String()
					require.Contains(t, p, "("+invoiceID+")/", "%s.%s", setVal.Type(), sm.Name)
				case in.NumIn() >= 3 && in.In(1) == ctxType: // bound action
					args := []reflect.Value{reflect.ValueOf(context.Background()), reflect.ValueOf(invoiceID)}
					if in.NumIn() == 4 {
						args = append(args, reflect.Zero(in.In(3)))
					}
					res := setVal.Method(j).Call(args)
					require.True(t, res[0].IsNil(), "%s.%s: %v", setVal.Type(), sm.Name, res[0])
					got := rc.Last(t)
					require.Equal(t, http.MethodPost, got.Method)
					require.Contains(t, got.Path, "("+invoiceID+")/Microsoft.NAV.")
				default:
					t.Fatalf("unexpected generated method %s.%s %s", setVal.Type(), sm.Name, in)
				}
				checked++
			}
		}
	}
	require.Greater(t, checked, 150)
}
