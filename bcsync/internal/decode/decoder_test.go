package decode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

// customers is a customer table as the planner lays it out: companyId, then
// the properties with their types.
var customers = Table{Scope: 1, Key: "id", Fields: []Field{
	{Name: "id", Type: store.GUID}, {Name: "number", Type: store.Text}, {Name: "displayName", Type: store.Text},
	{Name: "type", Type: store.Text, Enum: true}, {Name: "blocked", Type: store.Text, Enum: true},
	{Name: "balanceDue", Type: store.Decimal}, {Name: "creditLimit", Type: store.Decimal}, {Name: "taxLiable", Type: store.Bool},
	{Name: "currencyId", Type: store.GUID}, {Name: "lastModifiedDateTime", Type: store.DateTime},
	{Name: "phoneNumber", Type: store.Text}, {Name: "birthday", Type: store.Date},
}}

// cell is the value of field name in r, "<null>" for NULL.
func cell(t *testing.T, tbl Table, r store.Row, name string) string {
	t.Helper()
	for i, f := range tbl.Fields {
		if f.Name == name {
			if !r[tbl.Scope+i].Valid {
				return "<null>"
			}
			return r[tbl.Scope+i].Text
		}
	}
	t.Fatalf("no field %s", name)
	return ""
}

func TestDecodeBCValueQuirks(t *testing.T) {
	t.Parallel()
	dec := New(customers, "", nil)
	entity := `{"@odata.etag":"W/\"JzQ0O2xx\"","id":"1D2A3B4C-0000-4000-8000-0000000000AF",
	  "number":"C\u00e9\"1\\\ud83d\ude00", "displayName":"O'Brien & Söhne",
	  "type":"_x0020_", "blocked":"Ship_x0020_Only",
	  "balanceDue": 1234.50, "creditLimit": 0.000001, "taxLiable": true,
	  "currencyId":"00000000-0000-0000-0000-000000000000",
	  "lastModifiedDateTime":"2024-03-01T10:00:00.5+02:00",
	  "unknownFutureField": {"nested": [1, {"x": "y"}]},
	  "phoneNumber": null, "birthday": "0001-01-01"}`
	var out Rows
	require.NoError(t, dec.Decode([]byte(entity), "co", &out))
	require.Len(t, out.Rows, 1)
	r := out.Rows[0]
	require.Equal(t, store.Value{Text: "co", Valid: true}, r[0])
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
		"birthday":             "<null>",
	} {
		require.Equal(t, want, cell(t, customers, r, col), col)
	}
	require.Equal(t, 1, dec.KeyIndex())
}

func TestDecodeChildren(t *testing.T) {
	t.Parallel()
	order := Table{Scope: 1, Key: "id", Fields: []Field{{Name: "id", Type: store.GUID}, {Name: "number", Type: store.Text}}}
	lines := Child{Nav: "salesOrderLines", ParentColumn: "documentId",
		Table: Table{Scope: 1, Key: "id", Fields: []Field{{Name: "id", Type: store.GUID}, {Name: "documentId", Type: store.GUID}}}}
	dims := Child{Nav: "dimensionSetLines", Nested: true,
		Table: Table{Scope: 2, Key: "code", Fields: []Field{{Name: "code", Type: store.Text}}}}
	dec := New(order, "id", []Child{lines, dims})
	var out Rows
	require.NoError(t, dec.Decode([]byte(`{"id":"AA","number":"1","salesOrderLines":[{"id":"L1","documentId":"AA"},{"id":"L2"}],"dimensionSetLines":[{"code":"AREA"}]}`), "co", &out))
	require.NoError(t, dec.Decode([]byte(`{"id":"bb","number":"2","salesOrderLines":[]}`), "co", &out))
	require.Equal(t, []string{"aa", "bb"}, out.Parents, "each order replaces its lines, even one without any")
	require.Equal(t, "[[{co true} {l1 true} {aa true}] [{co true} {l2 true} {aa true}]]", fmt.Sprint(out.Children["salesOrderLines"]),
		"a line without documentId gets its order's id")
	require.Equal(t, "[[{co true} {aa true} {AREA true}]]", fmt.Sprint(out.Children["dimensionSetLines"]))
	require.ErrorIs(t, dec.Decode([]byte(`{"id":"cc","salesOrderLines":[{"id":}]}`), "co", &out), ErrMalformed)
}

func TestDecodeRefusesMalformedEntities(t *testing.T) {
	t.Parallel()
	dec := New(customers, "", nil)
	for bad, want := range map[string]string{
		``: "malformed entity", `[]`: "malformed entity", `{"id":}`: "id: malformed entity", `{"id":"x"`: "malformed entity",
		`{"id":"x",}`: "malformed entity", `{"id" "x"}`: "malformed entity",
		`{"number":{"a":1}}`: "number: expected a value, found an object or array",
		`{"number":[1]}`:     "number: expected a value, found an object or array",
		`{"number":"\x"}`:    "number: malformed entity", `{"number":"\u12"}`: "number: malformed entity",
		`{"balanceDue":1-2}`: "malformed entity", `{"other":[1,}`: "malformed entity",
	} {
		var out Rows
		require.EqualError(t, dec.Decode([]byte(bad), "co", &out), want, "%q", bad)
	}
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

// FuzzDecode checks the decoder against encoding/json: for any valid JSON
// object it reads every column exactly as encoding/json does (escapes,
// surrogates, invalid UTF-8, duplicate keys, unknown nested values), and it
// never panics on anything else.
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
	text := Table{Scope: 1, Key: "id"}
	for _, n := range names {
		text.Fields = append(text.Fields, Field{Name: n, Type: store.Text})
	}
	dec := New(text, "", nil)
	f.Fuzz(func(t *testing.T, b []byte) {
		var out Rows
		err := dec.Decode(b, "co", &out)
		want, ok := reference(b, names)
		if !ok || !json.Valid(b) {
			return // only the absence of a panic is checked
		}
		require.NoError(t, err, "%q", b)
		require.Len(t, out.Rows, 1)
		require.Equal(t, fmt.Sprint(want), fmt.Sprint(out.Rows[0]), "%q", b)
	})
}

// The caller reuses an entity's bytes once Decode returns (the pager's
// window moves on), so no value may point into them; rows of many entities
// share blocks without overlapping.
func TestDecodeKeepsNothingOfTheEntity(t *testing.T) {
	t.Parallel()
	dec := New(customers, "", nil)
	var out Rows
	var want [][2]string
	buf := make([]byte, 0, 256)
	for i := range 300 {
		number, name := fmt.Sprint(10000+i), fmt.Sprintf("Customer %d", i)
		buf = fmt.Appendf(buf[:0], `{"id":"0b6b2c1e-0000-4000-8000-%012d","number":"%s","displayName":"%s","balanceDue":%d.5}`, i, number, name, i)
		require.NoError(t, dec.Decode(buf, "co", &out))
		for j := range buf {
			buf[j] = 'x'
		}
		want = append(want, [2]string{number, name})
	}
	require.Len(t, out.Rows, 300)
	for i, r := range out.Rows {
		require.Equal(t, fmt.Sprintf("0b6b2c1e-0000-4000-8000-%012d", i), cell(t, customers, r, "id"))
		require.Equal(t, want[i][0], cell(t, customers, r, "number"))
		require.Equal(t, want[i][1], cell(t, customers, r, "displayName"))
		require.Equal(t, fmt.Sprintf("%d.5", i), cell(t, customers, r, "balanceDue"))
		require.Equal(t, "<null>", cell(t, customers, r, "phoneNumber"))
		require.Len(t, r, cap(r), "a row's capacity ends at its own values")
	}
}

// Entities of one page whose properties come in other orders, with others
// BC may add, decode alike: the order remembered from the entity before
// only saves a map lookup, and its names do not point into the reused
// entity bytes.
func TestDecodeSurvivesPropertyOrderChanges(t *testing.T) {
	t.Parallel()
	dec := New(customers, "", nil)
	entities := []string{
		`{"@odata.etag":"W/\"1\"","id":"0b6b2c1e-0000-4000-8000-000000000001","number":"1","displayName":"One"}`,
		`{"@odata.etag":"W/\"2\"","id":"0b6b2c1e-0000-4000-8000-000000000002","number":"2","displayName":"Two"}`,
		`{"displayName":"Three","@odata.etag":"W/\"3\"","number":"3","id":"0b6b2c1e-0000-4000-8000-000000000003"}`,
		`{"id":"0b6b2c1e-0000-4000-8000-000000000004","extra":"x","number":"4","displayName":"Four"}`,
		`{"@odata.etag":"W/\"5\"","id":"0b6b2c1e-0000-4000-8000-000000000005","number":"5"}`,
		`{"@odata.etag":"W/\"6\"","id":"0b6b2c1e-0000-4000-8000-000000000006","number":"6","displayName":"Six"}`,
	}
	var out Rows
	buf := make([]byte, 0, 256)
	for _, e := range entities {
		buf = append(buf[:0], e...)
		require.NoError(t, dec.Decode(buf, "co", &out))
		for j := range buf {
			buf[j] = 'x'
		}
	}
	var got [][3]string
	for _, r := range out.Rows {
		got = append(got, [3]string{cell(t, customers, r, "id"), cell(t, customers, r, "number"), cell(t, customers, r, "displayName")})
	}
	require.Equal(t, [][3]string{
		{"0b6b2c1e-0000-4000-8000-000000000001", "1", "One"},
		{"0b6b2c1e-0000-4000-8000-000000000002", "2", "Two"},
		{"0b6b2c1e-0000-4000-8000-000000000003", "3", "Three"},
		{"0b6b2c1e-0000-4000-8000-000000000004", "4", "Four"},
		{"0b6b2c1e-0000-4000-8000-000000000005", "5", "<null>"},
		{"0b6b2c1e-0000-4000-8000-000000000006", "6", "Six"},
	}, got)
}
