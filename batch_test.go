package bc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/internal/realbc"
	"github.com/bcsdk/bc/internal/testhttp"
	"github.com/bcsdk/bc/odata"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const batchPath = apiPrefix + "/$batch"

// answerAll answers every operation of a batch request with the status and
// body that answer gives for it; a status of 0 ends the answer there, as BC
// does after a failure.
func answerAll(t *testing.T, answer func(req batchRequest) (int, string)) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Requests []batchRequest `json:"requests"`
		}
		require.NoError(t, json.NewDecoder(r.Body).Decode(&in))
		var parts []string
		for _, req := range in.Requests {
			status, body := answer(req)
			if status == 0 {
				break // BC stopped
			}
			part := fmt.Sprintf(`{"id":%q,"status":%d,"headers":{"content-type":"application/json; odata.metadata=minimal"}`, req.ID, status)
			if body != "" {
				part += `,"body":` + body
			}
			parts = append(parts, part+"}")
		}
		writeRaw(w, 200, `{"responses":[`+strings.Join(parts, ",")+`]}`)
	}
}

func TestBatchSendsBCsJSONFormat(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	mux.Handle(batchPath, rc.Handle(answerAll(t, func(req batchRequest) (int, string) {
		if req.Method == http.MethodDelete || strings.Contains(req.URL, "/Microsoft.NAV.") {
			return 204, ""
		}
		return 200, `{"@odata.etag":"W/\"x\"","id":"` + invoiceID + `"}`
	})))
	inv := invoices(c)
	queue := func(b *Batch) {
		inv.In(b).Create(testInvoice{CustomerID: "33c285a5-f12b-f011-9a4a-7c1e5275406f", InvoiceDate: "2025-05-08",
			Lines: []testLine{{Description: "Piasta przednia", Quantity: decimal.RequireFromString("2.50")}}})
		inv.In(b).Update(testInvoice{ETag: `W/"v1"`, ID: invoiceID, InvoiceDate: "2025-05-09"}, Fields("invoiceDate"))
		inv.In(b).Patch(invoiceID, "", map[string]any{"discountAmount": json.Number("10.00")}, IfMatchAny())
		inv.In(b).Delete(invoiceID, `W/"v2"`)
		inv.In(b).Get(invoiceID, odata.New().Select("id", "number"), WithHeader("Accept-Language", "pl-PL"))
		inv.In(b).List(odata.New().Select("id", "number").Filter(odata.Eq("number", "S-INV 1'0")).MaxPageSize(50))
		inv.In(b).Action(invoiceID, "post", nil)
	}
	b := c.StandardAPI().Batch()
	queue(b)
	Set[testInvoice](c.API("contoso", "mosaic", "v1.0").Company(testCompany), "jobTasks").In(b).Get("x", nil)
	require.Equal(t, 8, b.Len())
	err := b.Send(t.Context())
	require.ErrorContains(t, err, "operation 8")
	require.ErrorContains(t, err, "not on the batch's route api/v2.0")
	require.Empty(t, rc.All(), "a batch with an operation that cannot be built sends nothing")

	b = c.StandardAPI().Batch()
	queue(b)
	require.NoError(t, b.Send(t.Context()))

	got := rc.Last(t)
	require.Equal(t, http.MethodPost, got.Method)
	require.Equal(t, batchPath, got.Path)
	require.Equal(t, "application/json", got.Header.Get("Content-Type"))
	require.Equal(t, "application/json", got.Header.Get("Accept"))
	require.Empty(t, got.Header.Get("Isolation"))
	require.Empty(t, got.Header.Get("Prefer"))
	co := "companies(" + testCompany + ")/salesInvoices"
	want := `{"requests":[` +
		`{"id":"1","method":"POST","url":"` + co + `","headers":{"Content-Type":"application/json"},"body":{"customerId":"33c285a5-f12b-f011-9a4a-7c1e5275406f","invoiceDate":"2025-05-08","salesInvoiceLines":[{"description":"Piasta przednia","quantity":2.5}]}},` +
		`{"id":"2","method":"PATCH","url":"` + co + `(` + invoiceID + `)","headers":{"Content-Type":"application/json","If-Match":"W/\"v1\""},"body":{"invoiceDate":"2025-05-09"}},` +
		`{"id":"3","method":"PATCH","url":"` + co + `(` + invoiceID + `)","headers":{"Content-Type":"application/json","If-Match":"*"},"body":{"discountAmount":10.00}},` +
		`{"id":"4","method":"DELETE","url":"` + co + `(` + invoiceID + `)","headers":{"If-Match":"W/\"v2\""}},` +
		`{"id":"5","method":"GET","url":"` + co + `(` + invoiceID + `)?$select=id,number","headers":{"Accept-Language":"pl-PL"}},` +
		`{"id":"6","method":"GET","url":"` + co + `?$filter=number%20eq%20'S-INV%201''0'&$select=id,number","headers":{"Prefer":"odata.maxpagesize=50"}},` +
		`{"id":"7","method":"POST","url":"` + co + `(` + invoiceID + `)/Microsoft.NAV.post"}` +
		`]}`
	require.Equal(t, want, got.Body)
}

func TestBatchRefusesWhatBCWouldRefuse(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.HandleFunc(batchPath, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	inv := invoices(c)
	for name, tc := range map[string]struct {
		ops  func(b *Batch)
		opts []BatchOption
		want string
	}{
		"update without ETag": {ops: func(b *Batch) { inv.In(b).Update(testInvoice{ID: invoiceID}) }, want: "BC requires If-Match"},
		"delete without ETag": {ops: func(b *Batch) { inv.In(b).Delete(invoiceID, "") }, want: "BC requires If-Match"},
		"bad action name":     {ops: func(b *Batch) { inv.In(b).Action(invoiceID, "post/../x", nil) }, want: "not a valid name"},
		"atomic and continue": {ops: func(b *Batch) { inv.In(b).Get(invoiceID, nil) }, opts: []BatchOption{Atomic(), ContinueOnError()}, want: "contradict"},
		"atomic over 100": {ops: func(b *Batch) {
			for range 101 {
				inv.In(b).Get(invoiceID, nil)
			}
		}, opts: []BatchOption{Atomic()}, want: "at most 100 operations, this one has 101"},
		"size 101": {ops: func(b *Batch) { inv.In(b).Get(invoiceID, nil) }, opts: []BatchOption{BatchSize(101)}, want: "1 to 100"},
	} {
		t.Run(name, func(t *testing.T) {
			b := c.StandardAPI().Batch()
			tc.ops(b)
			require.ErrorContains(t, b.Send(t.Context(), tc.opts...), tc.want)
		})
	}
	require.Zero(t, calls.Load())
}

func TestBatchChunksAt100AndNumbersOperationsAcrossRequests(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	mux.Handle(batchPath, rc.Handle(answerAll(t, func(req batchRequest) (int, string) {
		return 201, `{"id":"` + invoiceID + `","number":"N` + req.ID + `"}`
	})))
	b := c.StandardAPI().Batch()
	var ops []*BatchOp[testInvoice]
	for i := range 250 {
		ops = append(ops, invoices(c).In(b).Create(testInvoice{InvoiceDate: fmt.Sprintf("2025-01-%02d", i%28+1)}))
	}
	require.NoError(t, b.Send(t.Context(), ContinueOnError()))
	require.Len(t, rc.All(), 3)
	for i, n := range []int{100, 100, 50} {
		var in struct{ Requests []batchRequest }
		require.NoError(t, json.Unmarshal([]byte(rc.All()[i].Body), &in))
		require.Len(t, in.Requests, n)
		require.Equal(t, fmt.Sprint(i*100+1), in.Requests[0].ID)
		require.Equal(t, "odata.continue-on-error", rc.All()[i].Header.Get("Prefer"))
	}
	for i, op := range ops {
		v, err := op.Result()
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("N%d", i+1), v.Number)
	}

	rc.Reset()
	b = c.StandardAPI().Batch()
	for range 30 {
		invoices(c).In(b).Create(testInvoice{InvoiceDate: "2025-01-01"})
	}
	require.NoError(t, b.Send(t.Context(), BatchSize(10)))
	require.Len(t, rc.All(), 3)
}

func TestBatchMapsEachAnswerToItsOperation(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	conflict := bcError("Request_EntityChanged", "Another user has already changed the record.")
	mux.HandleFunc(batchPath, answerAll(t, func(req batchRequest) (int, string) {
		switch req.ID {
		case "1":
			return 201, `{"@odata.etag":"W/\"1\"","id":"` + invoiceID + `","discountAmount":10.50}`
		case "2":
			return 409, conflict
		case "3":
			return 404, bcError("BadRequest_NotFound", "The salesInvoice with key 'x' does not exist.")
		case "4":
			return 400, `{"error":{"code":"Unknown","message":"'Invalid Type' is not an option. The existing options are: Inventory,Service,Non-Inventory  CorrelationId:  1b2c3d4e-0000-4000-8000-000000000001."}}`
		}
		return 204, ""
	}))
	b := c.StandardAPI().Batch()
	inv := invoices(c)
	created := inv.In(b).Create(testInvoice{InvoiceDate: "2025-05-08"})
	stale := inv.In(b).Update(testInvoice{ETag: `W/"stale"`, ID: invoiceID, InvoiceDate: "2025-05-09"})
	missing := inv.In(b).Get("x", nil)
	invalid := inv.In(b).Patch(invoiceID, `W/"1"`, map[string]string{"type": "Invalid Type"})
	deleted := inv.In(b).Delete(invoiceID, `W/"1"`)

	err := b.Send(t.Context(), ContinueOnError())
	var be *BatchError
	require.ErrorAs(t, err, &be)
	require.Equal(t, BatchError{Total: 5, Failed: 3, Errs: be.Errs}, *be)
	require.ErrorIs(t, err, ErrConflict)
	require.ErrorIs(t, err, ErrNotFound)
	require.ErrorContains(t, err, "3 of 5 operations failed; first failure: bc: PATCH")

	v, err := created.Result()
	require.NoError(t, err)
	require.Equal(t, "10.5", v.Discount.String())
	require.Equal(t, 201, created.Response().Status)

	_, err = stale.Result()
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 409, apiErr.StatusCode)
	require.Equal(t, "Request_EntityChanged", apiErr.Code)
	require.Equal(t, "Another user has already changed the record.", apiErr.Message)
	require.Equal(t, "c32f628c-0e3c-4e8a-9b5e-1234567890ab", apiErr.CorrelationID)
	require.Equal(t, http.MethodPatch, apiErr.Method)
	require.True(t, strings.HasSuffix(apiErr.URL, apiPrefix+"/companies("+testCompany+")/salesInvoices("+invoiceID+")"), apiErr.URL)
	require.ErrorIs(t, err, ErrConflict)

	require.ErrorIs(t, missing.Err(), ErrNotFound)
	require.ErrorAs(t, invalid.Err(), &apiErr)
	require.Equal(t, "Unknown", apiErr.Code)
	require.Equal(t, "'Invalid Type' is not an option. The existing options are: Inventory,Service,Non-Inventory", apiErr.Message)
	require.Equal(t, "1b2c3d4e-0000-4000-8000-000000000001", apiErr.CorrelationID)
	require.NoError(t, deleted.Err())
	require.Equal(t, 204, deleted.Response().Status)
}

func TestBatchStopsAtTheFirstFailureByDefault(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	mux.Handle(batchPath, rc.Handle(answerAll(t, func(req batchRequest) (int, string) {
		switch req.ID {
		case "2":
			return 409, bcError("Request_EntityChanged", "Another user has already changed the record.")
		case "1":
			return 201, `{"id":"` + invoiceID + `"}`
		}
		return 0, "" // BC stopped at the failure
	})))
	b := c.StandardAPI().Batch()
	var ops []*BatchOp[testInvoice]
	for range 150 {
		ops = append(ops, invoices(c).In(b).Create(testInvoice{InvoiceDate: "2025-05-08"}))
	}
	err := b.Send(t.Context())
	var be *BatchError
	require.ErrorAs(t, err, &be)
	require.Equal(t, 1, be.Failed)
	require.Equal(t, 148, be.NotExecuted)
	require.Len(t, rc.All(), 1, "the second request is not sent after BC stopped")
	require.NoError(t, ops[0].Err())
	require.ErrorIs(t, ops[1].Err(), ErrConflict)
	require.ErrorIs(t, ops[2].Err(), ErrNotExecuted)
	require.ErrorContains(t, ops[2].Err(), "BC stopped before operation 3")
	require.ErrorIs(t, ops[149].Err(), ErrNotExecuted)
	require.ErrorContains(t, ops[149].Err(), "stopped at a failed operation in an earlier batch request")
	require.Nil(t, ops[149].Response())
}

func TestBatchAtomicFailureMarksTheRestRolledBack(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	mux.Handle(batchPath, rc.Handle(answerAll(t, func(req batchRequest) (int, string) {
		if req.ID == "2" {
			return 400, bcError("Application_DialogException", "A customerNumber or a customerID must be provided.")
		}
		if req.ID == "1" {
			return 201, `{"id":"` + invoiceID + `"}`
		}
		return 0, ""
	})))
	b := c.StandardAPI().Batch()
	first := invoices(c).In(b).Create(testInvoice{InvoiceDate: "2025-05-08"})
	second := invoices(c).In(b).Create(testInvoice{InvoiceDate: "2025-05-09"})
	third := invoices(c).In(b).Create(testInvoice{InvoiceDate: "2025-05-10"})
	err := b.Send(t.Context(), Atomic())
	require.Equal(t, "snapshot", rc.Last(t).Header.Get("Isolation"))
	require.ErrorIs(t, err, ErrRolledBack)
	require.ErrorContains(t, err, "1 of 3 operations failed, 1 rolled back, 1 not executed")
	v, err := first.Result()
	require.ErrorIs(t, err, ErrRolledBack)
	require.Empty(t, v.ID, "a rolled-back entity is not handed out")
	require.Equal(t, 201, first.Response().Status)
	require.ErrorContains(t, second.Err(), "A customerNumber or a customerID must be provided.")
	require.ErrorIs(t, third.Err(), ErrNotExecuted)
}

func TestBatchRequestGoesThroughTheRetryPipeline(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.HandleFunc(batchPath, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			writeRaw(w, 503, bcError("Internal_ServiceUnavailable", "busy"))
		default:
			answerAll(t, func(batchRequest) (int, string) { return 204, "" })(w, r)
		}
	})
	b := c.StandardAPI().Batch()
	op := invoices(c).In(b).Delete(invoiceID, "*")
	require.NoError(t, b.Send(t.Context()))
	require.NoError(t, op.Err())
	require.EqualValues(t, 2, calls.Load(), "503: BC did not run the batch, so it is sent again")
	require.Error(t, b.Send(t.Context()), "a batch is sent once")

	calls.Store(0)
	mux.HandleFunc("/"+testTenant+"/Production/api/contoso/mosaic/v1.0/$batch", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeRaw(w, 504, bcError("GatewayTimeout", "timed out"))
	})
	route := c.API("contoso", "mosaic", "v1.0")
	b = route.Batch()
	del := Set[testInvoice](route.Company(testCompany), "jobTasks").In(b).Delete(invoiceID, "*")
	err := b.Send(t.Context())
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 504, apiErr.StatusCode)
	require.EqualValues(t, 1, calls.Load(), "504 on a POST is ambiguous: BC may have run the batch")
	require.ErrorIs(t, del.Err(), err, "the operations carry the request's error")
}

// The real $batch answer of BC v26 (two sales order lines created) decodes
// into the generated model, numbers exact.
func TestBatchDecodesBCsRealAnswer(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	const order = "a417d159-d936-f011-9a4a-7c1e5271c536"
	const company = "3ab5c248-e72b-f011-9a4a-7c1e5275406f"
	real := realbc.Read(t, "bc-v26-batch.json")
	// The client numbers its operations; BC echoes whatever ids it was sent.
	real = bytes.Replace(real, []byte(`"id": "r1"`), []byte(`"id": "1"`), 1)
	real = bytes.Replace(real, []byte(`"id": "r2"`), []byte(`"id": "2"`), 1)
	var rc testhttp.Recorder
	mux.Handle(batchPath, rc.Handle(func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 200, string(real)) }))

	b := c.StandardAPI().Batch()
	lines := Set[entities.SalesOrderLine](Set[entities.SalesOrder](c.Company(company), "salesOrders").Entity(order), "salesOrderLines")
	hub := lines.In(b).Create(entities.SalesOrderLine{LineType: entities.InvoiceLineAggLineTypeItem, LineObjectNumber: "1150", Quantity: decimal.NewFromInt(2)})
	tyre := lines.In(b).Create(entities.SalesOrderLine{LineType: entities.InvoiceLineAggLineTypeItem, LineObjectNumber: "1160", Quantity: decimal.NewFromInt(5)})
	require.NoError(t, b.Send(t.Context()))
	require.Equal(t, `{"requests":[`+
		`{"id":"1","method":"POST","url":"companies(`+company+`)/salesOrders(`+order+`)/salesOrderLines","headers":{"Content-Type":"application/json"},"body":{"lineType":"Item","lineObjectNumber":"1150","quantity":2}},`+
		`{"id":"2","method":"POST","url":"companies(`+company+`)/salesOrders(`+order+`)/salesOrderLines","headers":{"Content-Type":"application/json"},"body":{"lineType":"Item","lineObjectNumber":"1160","quantity":5}}]}`,
		rc.Last(t).Body)

	first, err := hub.Result()
	require.NoError(t, err)
	resp := hub.Response()
	require.Equal(t, 201, resp.Status)
	require.Equal(t, "https://api.businesscentral.dynamics.com/v2.0/Production/api/v2.0/companies(3ab5c248-e72b-f011-9a4a-7c1e5275406f)/salesOrders(a417d159-d936-f011-9a4a-7c1e5271c536)/salesOrderLines(32d80403-e236-f011-9a4a-7ced8d0ee6e7)",
		resp.Header.Get("Location"))
	require.Equal(t, "application/json; odata.metadata=minimal; odata.streaming=true", resp.Header.Get("Content-Type"))
	require.Equal(t, "4.0", resp.Header.Get("OData-Version"))
	require.Contains(t, string(resp.Body), `"amountIncludingTax": 1000.00`)

	require.Equal(t, `W/"JzE5OzIxMzk2MzA0ODM0ODgyMTU4MDgxOzAwOyc="`, first.ETag)
	require.Equal(t, "32d80403-e236-f011-9a4a-7ced8d0ee6e7", first.ID)
	require.Equal(t, order, first.DocumentID)
	require.EqualValues(t, 40000, first.Sequence)
	require.Equal(t, entities.InvoiceLineAggLineTypeItem, first.LineType)
	require.Equal(t, "Piasta przednia", first.Description)
	require.Equal(t, "SZT", first.UnitOfMeasureCode)
	require.Equal(t, "0%", first.TaxCode)
	require.Equal(t, "2", first.Quantity.String())
	require.Equal(t, "500", first.UnitPrice.String())
	require.Equal(t, "1000.00", first.AmountIncludingTax.StringFixed(2))
	require.True(t, first.AmountIncludingTax.Equal(decimal.RequireFromString("1000")))
	require.Equal(t, "1000", first.NetAmount.String())
	require.Equal(t, entities.Date{Year: 2025, Month: 5, Day: 22}, first.ShipmentDate)
	require.Equal(t, "00000000-0000-0000-0000-000000000000", first.AccountID)

	second, err := tyre.Result()
	require.NoError(t, err)
	require.Equal(t, `W/"JzE4OzM0NzMyNTI0MDUzNTIzNzA2ODE7MDA7Jw=="`, second.ETag)
	require.Equal(t, "33d80403-e236-f011-9a4a-7ced8d0ee6e7", second.ID)
	require.EqualValues(t, 50000, second.Sequence)
	require.Equal(t, "Opona", second.Description)
	require.Equal(t, "11", second.UnitPrice.String())
	require.Equal(t, "55", second.AmountExcludingTax.String())
	require.True(t, second.AmountIncludingTax.Equal(decimal.RequireFromString("55.00")))
	require.Equal(t, "https://api.businesscentral.dynamics.com/v2.0/Production/api/v2.0/companies(3ab5c248-e72b-f011-9a4a-7c1e5275406f)/salesOrders(a417d159-d936-f011-9a4a-7c1e5271c536)/salesOrderLines(33d80403-e236-f011-9a4a-7ced8d0ee6e7)",
		tyre.Response().Header.Get("Location"))
	require.False(t, errors.Is(b.Send(t.Context()), ErrNotExecuted))
}
