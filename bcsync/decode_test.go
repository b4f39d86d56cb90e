package bcsync

import (
	"encoding/json"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/internal/realbc"
	"github.com/bcsdk/bc/schema"
	"github.com/stretchr/testify/require"
)

// planned returns the planned set name with the standard API's schema.
func planned(t testing.TB, name string) *plan.Set {
	t.Helper()
	sets, err := plan.Build("", []plan.Ref{{Name: name, Route: bc.StandardRoute}}, map[string]*schema.Service{bc.StandardRoute: entities.Schema})
	require.NoError(t, err)
	for _, s := range sets {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("%s is not in the plan", name)
	return nil
}

// cell is the value of column name in r, "<null>" for NULL.
func cell(t *testing.T, tbl *store.Table, r store.Row, name string) string {
	t.Helper()
	for i, c := range tbl.Columns {
		if c.Name == name {
			if !r[i].Valid {
				return "<null>"
			}
			return r[i].Text
		}
	}
	t.Fatalf("%s has no column %s", tbl.Name, name)
	return ""
}

// items splits a collection response into its entities.
func items(t *testing.T, body []byte) []json.RawMessage {
	t.Helper()
	var page struct{ Value []json.RawMessage }
	require.NoError(t, json.Unmarshal(body, &page))
	return page.Value
}

func TestDecodeRealSalesOrdersWithTheirLines(t *testing.T) {
	set := planned(t, "salesOrders")
	require.Len(t, set.Children, 1)
	lines := set.Children[0]
	dec := newSetDecoder(set)
	var out decode.Rows
	for _, raw := range items(t, realbc.Read(t, "bc-v26-salesOrders.json")) {
		require.NoError(t, dec.Decode(raw, "co-1", &out))
	}
	require.Len(t, out.Rows, 3)
	first := out.Rows[0]
	for col, want := range map[string]string{
		"companyId":               "co-1",
		"id":                      "848028e0-0c2c-f011-9a4a-7ced8d0fb545",
		"number":                  "SZA/25/000042",
		"sellToAddressLine1":      "ul. Wieżowa 10",
		"shortcutDimension1Code":  "SPRZEDAŻ",
		"requestedDeliveryDate":   "<null>", // 0001-01-01
		"currencyId":              "<null>", // the zero GUID
		"totalTaxAmount":          "77.28",
		"totalAmountExcludingTax": "336",
		"pricesIncludeTax":        "false",
		"partialShipping":         "true",
		"lastModifiedDateTime":    "2025-05-16T15:37:35.593Z",
		"sellToCity":              "",
	} {
		require.Equal(t, want, cell(t, set.Table, first, col), col)
	}
	var orderIDs []string
	for _, r := range out.Rows {
		orderIDs = append(orderIDs, cell(t, set.Table, r, "id"))
	}
	require.Equal(t, orderIDs, out.Parents, "each order replaces its lines, even an order without any")
	got := out.Children[lines.Nav]
	require.Len(t, got, 4)
	for _, r := range got {
		require.Contains(t, orderIDs, cell(t, lines.Table, r, "documentId"))
		require.Equal(t, "co-1", cell(t, lines.Table, r, "companyId"))
	}
	require.Equal(t, orderIDs[0], cell(t, lines.Table, got[0], "documentId"))
}
