package bcsync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

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
	sets, err := plan.Build("", []plan.Ref{{Name: name, Route: StandardRoute}}, map[string]*schema.Service{StandardRoute: entities.Schema})
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
	var out pageRows
	for _, raw := range items(t, realbc.Read(t, "bc-v26-salesOrders.json")) {
		require.NoError(t, dec.decode(raw, "co-1", &out))
	}
	require.Len(t, out.rows, 3)
	first := out.rows[0]
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
	for _, r := range out.rows {
		orderIDs = append(orderIDs, cell(t, set.Table, r, "id"))
	}
	require.Equal(t, orderIDs, out.parents, "each order replaces its lines, even an order without any")
	got := out.children[lines.Nav]
	require.Len(t, got, 4)
	for _, r := range got {
		require.Contains(t, orderIDs, cell(t, lines.Table, r, "documentId"))
		require.Equal(t, "co-1", cell(t, lines.Table, r, "companyId"))
	}
	require.Equal(t, orderIDs[0], cell(t, lines.Table, got[0], "documentId"))
}

func TestDecodeBCValueQuirks(t *testing.T) {
	set := planned(t, "customers")
	dec := newSetDecoder(set)
	entity := `{"@odata.etag":"W/\"JzQ0O2xx\"","id":"1D2A3B4C-0000-4000-8000-0000000000AF",
	  "number":"C\u00e9\"1\\\ud83d\ude00", "displayName":"O'Brien & Söhne",
	  "type":"_x0020_", "blocked":"Ship_x0020_Only",
	  "balanceDue": 1234.50, "creditLimit": 0.000001, "taxLiable": true,
	  "currencyId":"00000000-0000-0000-0000-000000000000",
	  "lastModifiedDateTime":"2024-03-01T10:00:00.5+02:00",
	  "unknownFutureField": {"nested": [1, {"x": "y"}]},
	  "phoneNumber": null}`
	var out pageRows
	require.NoError(t, dec.decode([]byte(entity), "co", &out))
	r := out.rows[0]
	for col, want := range map[string]string{
		"id":                   "1d2a3b4c-0000-4000-8000-0000000000af",
		"number":               "Cé\"1\\😀",
		"displayName":          "O'Brien & Söhne",
		"type":                 "<null>",
		"blocked":              "Ship_x0020_Only",
		"balanceDue":           "1234.50",
		"creditLimit":          "0.000001",
		"taxLiable":            "true",
		"currencyId":           "<null>",
		"lastModifiedDateTime": "2024-03-01T08:00:00.5Z",
		"phoneNumber":          "<null>",
	} {
		require.Equal(t, want, cell(t, set.Table, r, col), col)
	}
}

func TestDecodeRefusesMalformedEntities(t *testing.T) {
	dec := newSetDecoder(planned(t, "customers"))
	for _, bad := range []string{
		``, `[]`, `{"id":}`, `{"id":"x"`, `{"id":"x",}`, `{"id" "x"}`, `{"number":{"a":1}}`,
		`{"number":[1]}`, `{"number":"\x"}`, `{"number":"\u12"}`,
	} {
		var out pageRows
		require.Error(t, dec.decode([]byte(bad), "co", &out), "%q", bad)
	}
}

// textDecoder decodes the named columns as plain text, so a value arrives
// exactly as encoding/json reads it.
func textDecoder(names ...string) *decoder {
	tbl := &store.Table{Name: "t", Columns: []store.Column{{Name: "companyId", Type: store.Text}}}
	var cols []plan.Column
	for _, n := range names {
		c := store.Column{Name: n, Type: store.Text}
		tbl.Columns = append(tbl.Columns, c)
		cols = append(cols, plan.Column{Column: c})
	}
	return newDecoder(tbl, cols, 1, "id")
}

// reference decodes an entity with encoding/json into the values the
// decoder must produce: strings unescaped, numbers as written, booleans as
// true/false, null as NULL.
func reference(b []byte, names []string) (store.Row, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return nil, false
	}
	row := make(store.Row, 1+len(names))
	row[0] = store.Value{Text: "co", Valid: true}
	for i, n := range names {
		raw, ok := m[n]
		if !ok {
			continue
		}
		raw = bytes.TrimSpace(raw)
		switch raw[0] {
		case '"':
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return nil, false
			}
			row[1+i] = store.Value{Text: s, Valid: true}
		case 'n':
		case '{', '[':
			return nil, false // a column never holds an object: an error is right
		default:
			row[1+i] = store.Value{Text: string(raw), Valid: true}
		}
	}
	return row, true
}

// FuzzDecode checks the hand-written scanner against encoding/json: for any
// valid JSON object it reads every column exactly as encoding/json does
// (escapes, surrogates, invalid UTF-8, duplicate keys, unknown nested
// values), and it never panics on anything else.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","name":"b","n":1.50}`,
		`{"id":"\ud83d\ude00","name":"\ud800\u0041","n":-0.0e+5}`,
		`{"name":"x","name":"y","other":{"id":[1,"}"]},"n":null}`,
		`{"id":"é\u00e9\/","name":true,"n":false}`,
		"{\"id\":\"\xff\xfe\"}",
		`{"\u0069d":"escaped key"}`,
		`{}`,
	} {
		f.Add([]byte(s))
	}
	names := []string{"id", "name", "n"}
	dec := textDecoder(names...)
	f.Fuzz(func(t *testing.T, b []byte) {
		var out pageRows
		err := dec.decode(b, "co", &out)
		want, ok := reference(b, names)
		if !ok || !json.Valid(b) {
			return // only the absence of a panic is checked
		}
		require.NoError(t, err, "%q", b)
		require.Len(t, out.rows, 1)
		require.Equal(t, fmt.Sprint(want), fmt.Sprint(out.rows[0]), "%q", b)
	})
}
