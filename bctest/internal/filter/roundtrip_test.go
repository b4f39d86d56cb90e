package filter

import (
	"net/url"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/odata"
)

// documentType is an enum-like named string type, as the SDK's entities
// declare them.
type documentType string

// parseQuery parses the $filter (and $schemaversion) that q sends, the way
// the fake server receives them.
func parseQuery(t *testing.T, q *odata.Query, resolve Resolver) *Filter {
	t.Helper()
	v, err := q.Values()
	require.NoError(t, err)
	// What the server decodes from the URL is what Values holds.
	enc, err := q.Encode()
	require.NoError(t, err)
	dec, err := url.ParseQuery(enc)
	require.NoError(t, err)
	require.Equal(t, v.Get("$filter"), dec.Get("$filter"))

	f, err := Parse(v.Get("$filter"), resolve, Options{SchemaVersion: v.Get("$schemaversion")})
	require.NoError(t, err, v.Get("$filter"))
	require.False(t, f.IgnoredLambda())
	return f
}

// TestClientRoundTrip parses filters built by the SDK's client-side
// builder and checks that they match the rows the expression means.
func TestClientRoundTrip(t *testing.T) {
	t.Parallel()
	cest := time.FixedZone("CEST", 2*60*60)
	tests := []struct {
		name  string
		exprs []odata.Expr
		want  []string
	}{
		{"Eq int", []odata.Expr{odata.Eq("entryNumber", 5)}, []string{"G00005"}},
		{"Ne int64", []odata.Expr{odata.Ne("entryNumber", int64(5))}, without(validGL, "G00005")},
		{"Gt uint", []odata.Expr{odata.Gt("entryNumber", uint(1000))}, []string{"INV-4999", "INV-5000"}},
		{"Ge int32", []odata.Expr{odata.Ge("entryNumber", int32(1000))}, []string{"G01000", "INV-4999", "INV-5000"}},
		{"Lt float", []odata.Expr{odata.Lt("entryNumber", 2.5)}, []string{"G00001", "G00002"}},
		{"Le pointer", []odata.Expr{odata.Le("entryNumber", new(3))}, []string{"G00001", "G00002", "G00003"}},

		{"Eq decimal", []odata.Expr{odata.Eq("debitAmount", decimal.RequireFromString("1000.00"))}, []string{"G00001"}},
		{"Eq decimal scale", []odata.Expr{odata.Eq("debitAmount", decimal.New(1, 3))}, []string{"G00001"}},
		{"Gt negative decimal", []odata.Expr{odata.Gt("debitAmount", decimal.RequireFromString("-12.51"))}, validGL},
		{"Le float", []odata.Expr{odata.Le("creditAmount", 250.5)}, without(validGL, "G00002")},
		{"Eq big decimal", []odata.Expr{odata.Eq("debitAmount", decimal.RequireFromString("99999999999999999999.99"))}, []string{"G01000"}},

		{"Ge DateOf", []odata.Expr{odata.Ge("postingDate", odata.DateOf(time.Date(2025, 6, 30, 23, 0, 0, 0, cest)))}, []string{"INV-4999", "INV-5000"}},
		{"Eq DateOf sentinel", []odata.Expr{odata.Eq("postingDate", odata.DateOf(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)))}, []string{"G00005"}},

		{"Gt time", []odata.Expr{odata.Gt("lastModifiedDateTime", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))}, without(validGL, "G00004")},
		{"Eq time ms", []odata.Expr{odata.Eq("lastModifiedDateTime", time.Date(2025, 5, 16, 15, 37, 35, 593e6, time.UTC))}, []string{"G01000"}},
		{"Eq time zone", []odata.Expr{odata.Eq("lastModifiedDateTime", time.Date(2025, 1, 1, 10, 0, 0, 500e6, cest))}, []string{"G00002"}},
		{"Lt time", []odata.Expr{odata.Lt("lastModifiedDateTime", time.Date(2025, 1, 1, 8, 0, 0, 500e6, time.UTC))}, []string{"G00001", "G00004"}},

		{"Eq GUID", []odata.Expr{odata.Eq("id", odata.GUID("5D115C9C-44E3-EA11-BB43-000D3A2FECA1"))}, []string{"G00001"}},
		{"Eq GUID upper row", []odata.Expr{odata.Eq("id", odata.GUID("a1b2c3d4-0000-0000-0000-000000000002"))}, []string{"G00002"}},

		{"Eq enum", []odata.Expr{odata.Eq("documentType", documentType("Credit_x0020_Memo"))}, []string{"G00003"}},
		{"Eq blank enum", []odata.Expr{odata.Eq("documentType", documentType("_x0020_"))}, []string{"G00004"}},
		{"Gt enum", []odata.Expr{odata.Gt("documentType", documentType("Invoice"))}, []string{"G00003", "G00005", "G01000", "INV-5000"}},

		{"Eq quote", []odata.Expr{odata.Eq("description", "Credit O'Brien")}, []string{"G00003"}},
		{"Eq specials", []odata.Expr{odata.Eq("description", "100% & more + 'quotes'")}, []string{"G00005"}},
		{"Eq non-ASCII", []odata.Expr{odata.Eq("description", "Smørrebrød ünïcödé")}, []string{"INV-4999"}},
		{"Eq empty", []odata.Expr{odata.Eq("description", "")}, []string{"INV-5000"}},
		{"Eq nil", []odata.Expr{odata.Eq("description", nil)}, []string{}},
		{"Ne nil", []odata.Expr{odata.Ne("description", nil)}, allGL},

		{"Contains", []odata.Expr{odata.Contains("description", "Adatum")}, []string{"G00002"}},
		{"Contains quote", []odata.Expr{odata.Contains("description", "'")}, []string{"G00003", "G00005"}},
		{"StartsWith", []odata.Expr{odata.StartsWith("documentNumber", "INV-")}, []string{"INV-4999", "INV-5000"}},
		{"EndsWith", []odata.Expr{odata.EndsWith("description", "crème")}, []string{"G00004"}},

		{"In ints", []odata.Expr{odata.In("entryNumber", 1, 3, 5000)}, []string{"G00001", "G00003", "INV-5000"}},
		{"In enums", []odata.Expr{odata.In("documentType", documentType("Invoice"), documentType("Refund"))}, []string{"G00001", "G00005", "INV-4999"}},
		{"In GUIDs", []odata.Expr{odata.In("id", odata.GUID("5d115c9c-44e3-ea11-bb43-000d3a2feca1"), odata.GUID("A1B2C3D4-0000-0000-0000-000000000002"))}, []string{"G00001", "G00002"}},
		{"In strings", []odata.Expr{odata.In("description", "Credit O'Brien", "Café crème")}, []string{"G00003", "G00004"}},

		{"And", []odata.Expr{odata.And(odata.Ge("entryNumber", 3), odata.Le("entryNumber", 5))}, []string{"G00003", "G00004", "G00005"}},
		{"Filter args", []odata.Expr{odata.Ge("entryNumber", 3), odata.Le("entryNumber", 5)}, []string{"G00003", "G00004", "G00005"}},
		{"Or", []odata.Expr{odata.Or(odata.Eq("entryNumber", 1), odata.Eq("entryNumber", 5000))}, []string{"G00001", "INV-5000"}},
		{"Or in And", []odata.Expr{odata.Or(odata.Eq("entryNumber", 1), odata.Eq("entryNumber", 5000)), odata.Eq("documentType", documentType("Invoice"))}, []string{"G00001"}},
		{"And in Or", []odata.Expr{odata.Or(odata.And(odata.Gt("entryNumber", 1), odata.Lt("entryNumber", 4)), odata.Eq("entryNumber", 5000))}, []string{"G00002", "G00003", "INV-5000"}},
		{"In and Contains", []odata.Expr{odata.In("accountNumber", "40100", "40200"), odata.Contains("documentNumber", "INV")}, []string{"INV-4999", "INV-5000"}},
		{"Raw", []odata.Expr{odata.RawFilter("entryNumber eq 1 or entryNumber eq 2"), odata.Eq("documentType", documentType("Payment"))}, []string{"G00002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := parseQuery(t, odata.New().Filter(tt.exprs...), glResolver)
			require.Equal(t, tt.want, keys(f, glRows, 3))
		})
	}

	// Several Filter calls are joined with and.
	f := parseQuery(t, odata.New().Filter(odata.Ge("entryNumber", 3)).Filter(odata.Le("entryNumber", 4)), glResolver)
	require.Equal(t, []string{"G00003", "G00004"}, keys(f, glRows, 3))

	// Booleans, on customers.
	f = parseQuery(t, odata.New().Filter(odata.Eq("taxLiable", true), odata.Gt("balanceDue", 0)), customerResolver)
	require.Equal(t, []string{"10000", "50000"}, keys(f, customerRows, 1))
}
