package bc

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/internal/realbc"
	"github.com/bcsdk/bc/internal/testhttp"
	"github.com/bcsdk/bc/odata"
)

const itemID = "5d115c9c-44e3-ea11-bb43-000d3a2feca1"

// TestEveryWritePathSendsDecimalsAsNumbers checks the exact body of each way
// a write leaves the client: BC (an OData service without
// IEEE754Compatible=true) refuses decimals sent as JSON strings.
func TestEveryWritePathSendsDecimalsAsNumbers(t *testing.T) {
	t.Parallel()
	price := decimal.RequireFromString("12.50")
	type plainPatch struct {
		UnitPrice decimal.Decimal  `json:"unitPrice"`
		Cost      *decimal.Decimal `json:"unitCost,omitempty"`
	}
	tests := []struct {
		name string
		send func(c *Client) error
		want string
	}{
		{"Patch of a map", func(c *Client) error {
			_, err := Set[entities.Item](c.StandardAPI().Company(testCompany), "items").Patch(t.Context(), itemID, "*", map[string]any{"unitPrice": price})
			return err
		}, `{"unitPrice":12.5}`},
		{"Patch of a plain struct", func(c *Client) error {
			_, err := Set[entities.Item](c.StandardAPI().Company(testCompany), "items").Patch(t.Context(), itemID, "*", plainPatch{UnitPrice: price, Cost: &price})
			return err
		}, `{"unitPrice":12.5,"unitCost":12.5}`},
		{"Patch of a model", func(c *Client) error {
			_, err := Set[entities.Item](c.StandardAPI().Company(testCompany), "items").Patch(t.Context(), itemID, "*", entities.Item{UnitPrice: price})
			return err
		}, `{"unitPrice":12.5}`},
		{"Action parameters", func(c *Client) error {
			return Set[entities.Item](c.StandardAPI().Company(testCompany), "items").Action(t.Context(), itemID, "adjust", map[string]any{"quantity": decimal.RequireFromString("1000.80")})
		}, `{"quantity":1000.8}`},
		{"NewRequest body", func(c *Client) error {
			req, err := c.NewRequest(t.Context(), http.MethodPatch, "api/v2.0/companies("+testCompany+")/items("+itemID+")",
				map[string]decimal.Decimal{"unitPrice": price}, IfMatchAny())
			if err != nil {
				return err
			}
			_, err = c.Do(req, nil)
			return err
		}, `{"unitPrice":12.5}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			var rc testhttp.Recorder
			mux.Handle(apiPrefix+"/companies("+testCompany+")/items("+itemID+")", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
				writeRaw(w, 200, `{"id":"`+itemID+`"}`)
			}))
			mux.Handle(apiPrefix+"/companies("+testCompany+")/items("+itemID+")/Microsoft.NAV.adjust", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(204)
			}))
			require.NoError(t, tt.send(c))
			require.Equal(t, tt.want, rc.Last(t).Body)
		})
	}
}

func TestBatchPatchAndActionSendDecimalsAsNumbers(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	mux.Handle(batchPath, rc.Handle(answerAll(t, func(batchRequest) (int, string) { return 204, "" })))
	items := Set[entities.Item](c.StandardAPI().Company(testCompany), "items")
	b := c.StandardAPI().Batch()
	items.In(b).Patch(itemID, "*", map[string]any{"unitPrice": decimal.RequireFromString("12.50")})
	items.In(b).Patch(itemID, "*", entities.Item{UnitPrice: decimal.RequireFromString("3.10")})
	items.In(b).Update(entities.Item{ID: itemID, ETag: `W/"1"`, UnitCost: decimal.RequireFromString("7.00")})
	items.In(b).Action(itemID, "adjust", map[string]any{"quantity": decimal.RequireFromString("1000.80")})
	require.NoError(t, b.Send(t.Context()))
	var sent struct {
		Requests []struct {
			Body json.RawMessage `json:"body"`
		} `json:"requests"`
	}
	require.NoError(t, json.Unmarshal([]byte(rc.Last(t).Body), &sent))
	var bodies []string
	for _, r := range sent.Requests {
		bodies = append(bodies, string(r.Body))
	}
	require.Equal(t, []string{`{"unitPrice":12.5}`, `{"unitPrice":3.1}`, `{"unitCost":7}`, `{"quantity":1000.8}`}, bodies)
}

// customerServer answers GET with BC's real customer and PATCH with the
// same entity, recording what was sent.
func customerServer(t *testing.T, rc *testhttp.Recorder, get string) *Client {
	c, mux, _ := setup(t)
	mux.Handle(apiPrefix+"/companies("+testCompany+")/customers(34f03eee-2a32-f011-9a4a-7ced8d0ee6e7)", rc.Handle(func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, get)
	}))
	return c
}

// TestUpdateSendsOnlyWhatChangedSinceTheRead follows Microsoft's customer
// PATCH example, which sends two properties: a read entity, changed in two
// fields, is written with those two and nothing else — neither the 21 other
// writable properties nor, after a $select read, blanks for the ones not read.
func TestUpdateSendsOnlyWhatChangedSinceTheRead(t *testing.T) {
	t.Parallel()
	var rc testhttp.Recorder
	c := customerServer(t, &rc, string(realbc.Read(t, "bc-v26-customer.json")))
	customers := Set[entities.Customer](c.StandardAPI().Company(testCompany), "customers")
	cust, err := customers.Get(t.Context(), "34f03eee-2a32-f011-9a4a-7ced8d0ee6e7", nil)
	require.NoError(t, err)
	cust.DisplayName = "Coho Winery"
	cust.Email = "info@cohowinery.com"
	_, err = customers.Update(t.Context(), cust)
	require.NoError(t, err)
	got := rc.Last(t)
	require.Equal(t, http.MethodPatch, got.Method)
	require.Equal(t, `W/"JzE5OzY3MjczMjkxODU0MzQ2NTQ2MTcxOzAwOyc="`, got.Header.Get("If-Match"))
	require.Equal(t, `{"displayName":"Coho Winery","email":"info@cohowinery.com"}`, got.Body)

	cust.CreditLimit = decimal.RequireFromString("2000.00") // read as 2000: no change
	cust.Email = ""                                         // cleared: a change
	_, err = customers.Update(t.Context(), cust)
	require.NoError(t, err)
	require.Equal(t, `{"displayName":"Coho Winery","email":""}`, rc.Last(t).Body)

	var sel testhttp.Recorder
	c = customerServer(t, &sel, `{"@odata.etag":"W/\"1\"","id":"34f03eee-2a32-f011-9a4a-7ced8d0ee6e7","displayName":"Test Customer"}`)
	customers = Set[entities.Customer](c.StandardAPI().Company(testCompany), "customers")
	cust, err = customers.Get(t.Context(), "34f03eee-2a32-f011-9a4a-7ced8d0ee6e7", odata.New().Select("id", "displayName"))
	require.NoError(t, err)
	cust.DisplayName = "Coho Winery"
	_, err = customers.Update(t.Context(), cust)
	require.NoError(t, err)
	require.Equal(t, `{"displayName":"Coho Winery"}`, sel.Last(t).Body)
}

func TestPatchOfAModelSendsNoReadOnlyOrEmptyProperty(t *testing.T) {
	t.Parallel()
	got, err := marshalValue(entities.Item{DisplayName: "Front hub"})
	require.NoError(t, err)
	require.Equal(t, `{"displayName":"Front hub"}`, string(got), `not "id":"", "lastModifiedDateTime":"0001-01-01T00:00:00Z" and 20 zero values`)
}

// TestExtraPropertiesAreKeptAndSent: a property newer than the models (v26
// has no purchaseInvoices.paymentTermsId) is read into Extra and written
// back from it.
func TestExtraPropertiesAreKeptAndSent(t *testing.T) {
	t.Parallel()
	var inv entities.PurchaseInvoice
	require.NoError(t, json.Unmarshal([]byte(`{"@odata.etag":"W/\"1\"","id":"`+itemID+`","vendorInvoiceNumber":"F/1","paymentTermsId":"fe109593-f12b-f011-9a4a-7c1e5275406f"}`), &inv))
	require.Equal(t, json.RawMessage(`"fe109593-f12b-f011-9a4a-7c1e5275406f"`), inv.Extra["paymentTermsId"])

	body, err := writableJSON(inv, writeUpdate, nil)
	require.NoError(t, err)
	require.Equal(t, `{}`, string(body), "nothing changed")

	inv.Extra["paymentTermsId"] = json.RawMessage(`"00000000-0000-0000-0000-000000000001"`)
	body, err = writableJSON(inv, writeUpdate, nil)
	require.NoError(t, err)
	require.Equal(t, `{"paymentTermsId":"00000000-0000-0000-0000-000000000001"}`, string(body))

	created := entities.PurchaseInvoice{VendorInvoiceNumber: "F/2"}
	created.Extra = map[string]json.RawMessage{"paymentTermsId": json.RawMessage(`"fe109593-f12b-f011-9a4a-7c1e5275406f"`)}
	body, err = writableJSON(created, writeCreate, nil)
	require.NoError(t, err)
	require.Equal(t, `{"vendorInvoiceNumber":"F/2","paymentTermsId":"fe109593-f12b-f011-9a4a-7c1e5275406f"}`, string(body))

	created.Extra["vendorInvoiceNumber"] = json.RawMessage(`"F/3"`)
	_, err = writableJSON(created, writeCreate, nil)
	require.EqualError(t, err, `bc: PurchaseInvoice.Extra holds "vendorInvoiceNumber", which is the declared field VendorInvoiceNumber: set the field instead`)
}

// TestMediaIsNeverDroppedOnCreate: documentAttachments' content cannot go
// inline in the model; CreateWithMedia does BC's create-then-PATCH, and
// content put in Extra is refused instead of vanishing.
func TestMediaIsNeverDroppedOnCreate(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var rc testhttp.Recorder
	const attID = "6e9a1f0c-5d2b-f011-9a4a-7ced8d0ee6e7"
	set := apiPrefix + "/companies(" + testCompany + ")/documentAttachments"
	entity := `{"@odata.etag":"W/\"1\"","id":"` + attID + `","fileName":"invoice.pdf"}`
	mux.Handle(set, rc.Handle(func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 201, entity) }))
	mux.Handle(set+"("+attID+")", rc.Handle(func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 200, entity) }))
	mux.Handle(set+"("+attID+")/attachmentContent", rc.Handle(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	atts := Set[entities.DocumentAttachment](c.StandardAPI().Company(testCompany), "documentAttachments")

	att := entities.DocumentAttachment{FileName: "invoice.pdf", ParentType: entities.AttachmentEntityBufferDocumentTypePurchaseInvoice, ParentID: itemID}
	got, err := atts.CreateWithMedia(t.Context(), att, "attachmentContent", strings.NewReader("%PDF-1.7"), "application/pdf")
	require.NoError(t, err)
	require.Equal(t, attID, got.ID)
	require.Len(t, rc.All(), 3)
	require.Equal(t, []string{http.MethodPost, http.MethodPatch, http.MethodGet}, []string{rc.All()[0].Method, rc.All()[1].Method, rc.All()[2].Method})
	require.Equal(t, `{"fileName":"invoice.pdf","parentType":"Purchase_x0020_Invoice","parentId":"`+itemID+`"}`, rc.All()[0].Body)
	require.Equal(t, set+"("+attID+")/attachmentContent", rc.All()[1].Path)
	require.Equal(t, "%PDF-1.7", rc.All()[1].Body)
	require.Equal(t, "*", rc.All()[1].Header.Get("If-Match"))
	require.Equal(t, "application/pdf", rc.All()[1].Header.Get("Content-Type"))

	att.Extra = map[string]json.RawMessage{"attachmentContent": json.RawMessage(`"JVBERi0xLjc="`)}
	_, err = atts.Create(t.Context(), att)
	require.EqualError(t, err, `bc: DocumentAttachment.Extra holds the media "attachmentContent": BC takes media content as a stream; upload it with Media(…).Upload or CreateWithMedia`)
	require.Len(t, rc.All(), 3, "nothing sent")
}

// TestEnumFilterSendsTheWireName pins the decision recorded in docs/library.md:
// enum members go into filters as $metadata names them, a plain string as
// given (the caption, for whoever needs it).
func TestEnumFilterSendsTheWireName(t *testing.T) {
	t.Parallel()
	q, err := odata.New().Filter(odata.Eq("relatedType", entities.ContactBusinessRelationLinkToTableBankAccount)).Encode()
	require.NoError(t, err)
	require.Equal(t, "$filter=relatedType%20eq%20'Bank_x0020_Account'", q)
	q, err = odata.New().Filter(odata.Eq("relatedType", "Bank Account")).Encode()
	require.NoError(t, err)
	require.Equal(t, "$filter=relatedType%20eq%20'Bank%20Account'", q)
}
