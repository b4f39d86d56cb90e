package bc_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

// salesLinesAPI is a custom API over the sales lines, keyed as the table is:
// Document_Type, Document_No, Line_No — none of them assigned by BC.
func salesLinesAPI() *schema.Service {
	str := func(name string, key bool) schema.Property {
		return schema.Property{Name: name, Type: "Edm.String", Nullable: !key, Key: key, MaxLength: 20}
	}
	return &schema.Service{
		Namespace: "Microsoft.NAV", Container: "NAV", Source: "composite-key custom API",
		EntitySets: []schema.EntitySet{
			{Name: "companies", EntityType: "company", Sortable: true},
			{Name: "salesLines", EntityType: "salesLine", Insertable: true, Updatable: true, Deletable: true, Sortable: true},
		},
		EntityTypes: []schema.EntityType{
			{Name: "company", Key: []string{"id"}, Properties: []schema.Property{{Name: "id", Type: "Edm.Guid", Key: true, ReadOnly: true}, str("name", false)},
				Navigation: []schema.NavigationProperty{{Name: "salesLines", Type: "salesLine", Collection: true, ContainsTarget: true}}},
			{Name: "salesLine", Key: []string{"Document_Type", "Document_No", "Line_No"}, Properties: []schema.Property{
				{Name: "Document_Type", Type: "Microsoft.NAV.salesDocumentType", Kind: schema.Enum, Key: true},
				str("Document_No", true),
				{Name: "Line_No", Type: "Edm.Int32", Key: true},
				str("Description", false),
				{Name: "Quantity", Type: "Edm.Decimal", Nullable: true, Scale: "Variable"},
			}},
		},
		EnumTypes: []schema.EnumType{{Name: "salesDocumentType", Members: []schema.EnumMember{
			{Name: "Quote", Value: 0}, {Name: "Order", Value: 1}, {Name: "Invoice", Value: 2}, {Name: "Credit_x0020_Memo", Value: 3},
		}}},
	}
}

// SalesLine is the user's model of a line: every key field is the client's
// to set on create.
type SalesLine struct {
	ETag            string `json:"@odata.etag,omitempty" bc:"readonly"`
	entities.Record `json:"-"`
	DocumentType    string          `json:"Document_Type" bc:"key"`
	DocumentNo      string          `json:"Document_No" bc:"key"`
	LineNo          int32           `json:"Line_No" bc:"key"`
	Description     string          `json:"Description"`
	Quantity        decimal.Decimal `json:"Quantity"`
}

func (l *SalesLine) UnmarshalJSON(b []byte) error {
	type plain SalesLine
	return entities.DecodeRecord(b, (*plain)(l), &l.Record)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// wire records the requests a client sends, body included.
type wire struct {
	mu   sync.Mutex
	reqs []string
	next http.RoundTripper
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/api/") {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		w.mu.Lock()
		w.reqs = append(w.reqs, r.Method+" "+r.URL.EscapedPath()[strings.Index(r.URL.EscapedPath(), "/api/"):]+" "+string(body))
		w.mu.Unlock()
	}
	return w.next.RoundTrip(r)
}

func TestCompositeKeyCRUDOnACustomAPI(t *testing.T) {
	t.Parallel()
	srv := bctest.NewServer(bctest.WithEmptyTenant(), bctest.WithCustomAPI("contoso", "sales", "v1.0", salesLinesAPI()))
	defer srv.Close()
	co := srv.Tenant().AddCompany("Test Co")
	rec := &wire{next: http.DefaultTransport}
	ctx := t.Context()
	base := "/api/contoso/sales/v1.0/companies(" + co.ID + ")/salesLines"
	// Quotes are percent-encoded in the path, as for single string keys.
	const entity = "(Document_Type=%27Order%27,Document_No=%27101001%27,Line_No=10000)"
	var location string
	c := srv.Client(bc.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := rec.RoundTrip(r)
		if err == nil && r.Method == http.MethodPost {
			location = resp.Header.Get("Location")
		}
		return resp, err
	})}))
	lines := bc.Set[SalesLine](c.API("contoso", "sales", "v1.0").Company(co.ID), "salesLines")

	created, err := lines.Create(ctx, SalesLine{DocumentType: "Order", DocumentNo: "101001", LineNo: 10000, Description: "Front hub", Quantity: decimal.RequireFromString("2.50")})
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(location, base+"(Document_Type='Order',Document_No='101001',Line_No=10000)"), location)
	require.Equal(t, "POST "+base+` {"Document_Type":"Order","Document_No":"101001","Line_No":10000,"Description":"Front hub","Quantity":2.5}`, rec.reqs[len(rec.reqs)-1])

	key, err := bc.Key("Document_Type", "Order", "Document_No", "101001", "Line_No", 10000)
	require.NoError(t, err)
	got, err := lines.Get(ctx, key, nil)
	require.NoError(t, err)
	require.Equal(t, "GET "+base+entity+" ", rec.reqs[len(rec.reqs)-1])
	require.Equal(t, created.ETag, got.ETag)

	got.Quantity = decimal.RequireFromString("3")
	updated, err := lines.Update(ctx, got)
	require.NoError(t, err)
	require.Equal(t, "PATCH "+base+entity+` {"Quantity":3}`, rec.reqs[len(rec.reqs)-1])
	require.Equal(t, "3", updated.Quantity.String())

	require.NoError(t, lines.Delete(ctx, key, updated.ETag))
	require.Equal(t, "DELETE "+base+entity+" ", rec.reqs[len(rec.reqs)-1])
	_, err = lines.Get(ctx, key, nil)
	require.ErrorIs(t, err, bc.ErrNotFound)
	require.ErrorContains(t, err, "The salesLine with key 'Document_Type='Order',Document_No='101001',Line_No=10000' does not exist.")
}
