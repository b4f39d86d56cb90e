package bc

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/internal/testhttp"
	"github.com/bcsdk/bc/odata"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Local models shaped like the generated ones, so these tests do not depend on
// the generator.
type testInvoice struct {
	ETag         string          `json:"@odata.etag,omitempty" bc:"readonly"`
	ID           string          `json:"id" bc:"key,readonly,guid"`
	Number       string          `json:"number" bc:"readonly"`
	CustomerID   string          `json:"customerId" bc:"guid"`
	InvoiceDate  string          `json:"invoiceDate"`
	Discount     decimal.Decimal `json:"discountAmount"`
	Total        decimal.Decimal `json:"totalAmountIncludingTax" bc:"readonly"`
	LastModified time.Time       `json:"lastModifiedDateTime" bc:"readonly"`
	PDFReadLink  string          `json:"pdfDocumentContent@odata.mediaReadLink,omitempty" bc:"readonly,media"`
	Lines        []testLine      `json:"salesInvoiceLines,omitempty" bc:"nav"`
	Customer     *testCustomer   `json:"customer,omitempty" bc:"nav"`
}

type testLine struct {
	ETag        string          `json:"@odata.etag,omitempty" bc:"readonly"`
	ID          string          `json:"id" bc:"key,readonly,guid"`
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	NetAmount   decimal.Decimal `json:"netAmount" bc:"readonly"`
}

const invoiceID = "a417d159-d936-f011-9a4a-7c1e5271c536"

func invoices(c *Client) *EntitySet[testInvoice] {
	return Set[testInvoice](c.Company(testCompany), "salesInvoices")
}

func TestCreateSendsOnlyWritableNonEmptyFieldsWithDeepInsert(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	mux.Handle(apiPrefix+"/companies("+testCompany+")/salesInvoices", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 201, `{"@odata.etag":"W/\"abc\"","id":"`+invoiceID+`","number":"S-INV-1001","discountAmount":0,"totalAmountIncludingTax":413.28}`)
	}))
	created, err := invoices(c).Create(t.Context(), testInvoice{
		ID:          "ignored-key",
		Number:      "ignored-readonly",
		CustomerID:  "33c285a5-f12b-f011-9a4a-7c1e5275406f",
		InvoiceDate: "2025-05-08",
		Total:       decimal.RequireFromString("1"),
		Lines: []testLine{
			{Description: "Piasta przednia", Quantity: decimal.RequireFromString("2"), NetAmount: decimal.RequireFromString("9")},
			{Description: "<b>&</b>", Quantity: decimal.RequireFromString("1.50")},
		},
		Customer: &testCustomer{DisplayName: "never sent"},
	})
	require.NoError(t, err)
	got := rc.Last(t)
	require.Equal(t, http.MethodPost, got.Method)
	require.Equal(t, `{"customerId":"33c285a5-f12b-f011-9a4a-7c1e5275406f","invoiceDate":"2025-05-08","salesInvoiceLines":[{"description":"Piasta przednia","quantity":2},{"description":"<b>&</b>","quantity":1.5}]}`, got.Body)
	require.Equal(t, "application/json", got.Header.Get("Content-Type"))
	require.Empty(t, got.Header.Get("Data-Access-Intent"))
	require.Equal(t, `W/"abc"`, created.ETag)
	require.Equal(t, "413.28", created.Total.String())
}

func TestUpdateUsesETagAndWritableFields(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	path := apiPrefix + "/companies(" + testCompany + ")/salesInvoices(" + invoiceID + ")"
	mux.Handle(path, rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Match") == `W/"stale"` {
			writeRaw(w, 409, bcError("Request_EntityChanged", "Another user has already changed the record."))
			return
		}
		writeRaw(w, 200, `{"@odata.etag":"W/\"v2\"","id":"`+invoiceID+`","customerId":"00000000-0000-0000-0000-000000000000"}`)
	}))
	inv := testInvoice{ETag: `W/"v1"`, ID: invoiceID, Number: "S-1", CustomerID: "", InvoiceDate: "2025-05-09", Discount: decimal.RequireFromString("10.00")}

	updated, err := invoices(c).Update(t.Context(), inv)
	require.NoError(t, err)
	got := rc.Last(t)
	require.Equal(t, http.MethodPatch, got.Method)
	require.Equal(t, `W/"v1"`, got.Header.Get("If-Match"))
	// A model built in code, not read from BC, sends its non-empty
	// writable properties: the empty customerId is not a change.
	require.Equal(t, `{"invoiceDate":"2025-05-09","discountAmount":10}`, got.Body)
	require.Equal(t, `W/"v2"`, updated.ETag)

	_, err = invoices(c).Update(t.Context(), inv, Fields("invoiceDate"))
	require.NoError(t, err)
	require.Equal(t, `{"invoiceDate":"2025-05-09"}`, rc.Last(t).Body)

	_, err = invoices(c).Update(t.Context(), inv, Fields("number"))
	require.ErrorContains(t, err, `property "number" of testInvoice is read-only`)
	_, err = invoices(c).Update(t.Context(), inv, Fields("nope"))
	require.ErrorContains(t, err, `no property "nope"`)

	inv.ETag = `W/"stale"`
	_, err = invoices(c).Update(t.Context(), inv)
	require.ErrorIs(t, err, ErrConflict)

	inv.ETag = ""
	_, err = invoices(c).Update(t.Context(), inv)
	require.ErrorContains(t, err, "requires If-Match")
	_, err = invoices(c).Update(t.Context(), inv, IfMatchAny())
	require.NoError(t, err)
	require.Equal(t, "*", rc.Last(t).Header.Get("If-Match"))

	_, err = invoices(c).Update(t.Context(), testInvoice{ETag: "x"})
	require.ErrorContains(t, err, "the key) is empty")
}

func TestPatchDeleteActionCount(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	base := apiPrefix + "/companies(" + testCompany + ")/salesInvoices"
	mux.Handle(base+"("+invoiceID+")", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			w.WriteHeader(204)
			return
		}
		writeRaw(w, 200, `{"id":"`+invoiceID+`"}`)
	}))
	mux.Handle(base+"("+invoiceID+")/Microsoft.NAV.post", rc.Handle(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	mux.Handle(base+"/$count", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("\ufeff1234"))
	}))

	_, err := invoices(c).Patch(t.Context(), invoiceID, `W/"e"`, map[string]any{"dueDate": "2025-06-01"})
	require.NoError(t, err)
	require.Equal(t, `{"dueDate":"2025-06-01"}`, rc.Last(t).Body)
	_, err = invoices(c).Patch(t.Context(), invoiceID, "", map[string]any{"dueDate": "2025-06-01"})
	require.ErrorContains(t, err, "requires If-Match")

	require.NoError(t, invoices(c).Delete(t.Context(), invoiceID, `W/"e"`))
	got := rc.Last(t)
	require.Equal(t, http.MethodDelete, got.Method)
	require.Equal(t, `W/"e"`, got.Header.Get("If-Match"))
	require.ErrorContains(t, invoices(c).Delete(t.Context(), invoiceID, ""), "requires If-Match on deletes")

	require.NoError(t, invoices(c).Action(t.Context(), invoiceID, "post", nil))
	got = rc.Last(t)
	require.Equal(t, http.MethodPost, got.Method)
	require.True(t, strings.HasSuffix(got.Path, "/salesInvoices("+invoiceID+")/Microsoft.NAV.post"))
	require.Equal(t, "", got.Body)
	require.ErrorContains(t, invoices(c).Action(t.Context(), invoiceID, "post/../x", nil), "not a valid name")

	n, err := invoices(c).Count(t.Context(), odata.New().Filter(odata.Eq("status", "Open")))
	require.NoError(t, err)
	require.Equal(t, int64(1234), n)
	got = rc.Last(t)
	require.Equal(t, "$filter=status%20eq%20'Open'", got.Query)
	require.Equal(t, "text/plain", got.Header.Get("Accept"))
}

func TestGetWithExpandDecodesNavigation(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	mux.Handle(apiPrefix+"/companies("+testCompany+")/salesInvoices("+invoiceID+")", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, `{"id":"`+invoiceID+`","totalAmountIncludingTax":1000.00,"salesInvoiceLines":[{"id":"l1","quantity":2,"netAmount":1000}],"customer":{"id":"c1","displayName":"Jan"}}`)
	}))
	inv, err := invoices(c).Get(t.Context(), invoiceID, odata.New().Expand("salesInvoiceLines").Expand("customer"), WithHeader("Accept-Language", "pl-PL"))
	require.NoError(t, err)
	require.Equal(t, "$expand=salesInvoiceLines,customer", rc.Last(t).Query)
	require.Equal(t, "pl-PL", rc.Last(t).Header.Get("Accept-Language"))
	require.Equal(t, "1000", inv.Total.String())
	require.Len(t, inv.Lines, 1)
	require.Equal(t, "2", inv.Lines[0].Quantity.String())
	require.Equal(t, "Jan", inv.Customer.DisplayName)
}

func TestNavigationScopes(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	mux.Handle(apiPrefix+"/companies("+testCompany+")/salesInvoices("+invoiceID+")/salesInvoiceLines", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, `{"value":[{"id":"l1","description":"x"}]}`)
	}))
	lines, err := Set[testLine](invoices(c).Entity(invoiceID), "salesInvoiceLines").List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, []testLine{{ID: "l1", Description: "x"}}, lines)
}

func TestMediaStreams(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	pdf := bytes.Repeat([]byte("%PDF-1.7 "), 100000)
	path := apiPrefix + "/companies(" + testCompany + ")/salesInvoices(" + invoiceID + ")/pdfDocument/pdfDocumentContent"
	mux.Handle("GET "+path, rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(pdf)
	}))
	picture := apiPrefix + "/companies(" + testCompany + ")/customers(" + invoiceID + ")/picture/pictureContent"
	mux.Handle("PATCH "+picture, rc.Handle(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))

	var out bytes.Buffer
	n, err := invoices(c).Media(invoiceID, "pdfDocument/pdfDocumentContent").Download(t.Context(), &out)
	require.NoError(t, err)
	require.Equal(t, int64(len(pdf)), n)
	require.Equal(t, pdf, out.Bytes())
	require.Equal(t, "*/*", rc.Last(t).Header.Get("Accept"))

	body, ctype, err := invoices(c).Media(invoiceID, "pdfDocument/pdfDocumentContent").Open(t.Context())
	require.NoError(t, err)
	require.Equal(t, "application/pdf", ctype)
	head := make([]byte, 8)
	_, err = io.ReadFull(body, head)
	require.NoError(t, err)
	require.Equal(t, "%PDF-1.7", string(head))
	require.NoError(t, body.Close())

	img := bytes.NewReader([]byte("\x89PNG\r\n\x1a\nrest-of-image"))
	err = Set[testCustomer](c.Company(testCompany), "customers").Media(invoiceID, "picture/pictureContent").Upload(t.Context(), img, "image/png")
	require.NoError(t, err)
	got := rc.Last(t)
	require.Equal(t, http.MethodPatch, got.Method)
	require.Equal(t, "image/png", got.Header.Get("Content-Type"))
	require.Equal(t, "*", got.Header.Get("If-Match"))
	require.Equal(t, "\x89PNG\r\n\x1a\nrest-of-image", got.Body)

	link := c.ServiceRoot() + "/api/v2.0/companies(" + testCompany + ")/salesInvoices(" + invoiceID + ")/pdfDocument/pdfDocumentContent"
	out.Reset()
	_, err = c.MediaAt(link).Download(t.Context(), &out)
	require.NoError(t, err)
	require.Equal(t, len(pdf), out.Len())
}
