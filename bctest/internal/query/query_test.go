package query

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/schema"
	"github.com/stretchr/testify/require"
)

// service is a hand-built schema: customers, with a navigation to their
// payment term and to their contacts (a type without a set).
func service() *schema.Service {
	str := func(n string) schema.Property { return schema.Property{Name: n, Type: "Edm.String", MaxLength: 100} }
	id := schema.Property{Name: "id", Type: "Edm.Guid", Key: true}
	return &schema.Service{
		Namespace: "Microsoft.NAV",
		EntitySets: []schema.EntitySet{
			{Name: "customers", EntityType: "customer"},
			{Name: "paymentTerms", EntityType: "paymentTerm"},
		},
		EntityTypes: []schema.EntityType{
			{Name: "customer", Key: []string{"id"}, Properties: []schema.Property{
				id, str("number"), str("displayName"), {Name: "creditLimit", Type: "Edm.Decimal"}, str("city"),
			}, Navigation: []schema.NavigationProperty{
				{Name: "paymentTerm", Type: "paymentTerm"},
				{Name: "contacts", Type: "contact", Collection: true},
				{Name: "ghost", Type: "noSuchType"},
			}},
			{Name: "paymentTerm", Key: []string{"id"}, Properties: []schema.Property{id, str("code"), str("displayName")},
				Navigation: []schema.NavigationProperty{{Name: "customers", Type: "customer", Collection: true}}},
			{Name: "contact", Key: []string{"id"}, Properties: []schema.Property{id, str("name")}},
		},
	}
}

func parse(t *testing.T, raw string, header http.Header) (*Query, *protocol.Error) {
	t.Helper()
	svc := service()
	set, _ := svc.EntitySet("customers")
	typ, _ := svc.EntityType("customer")
	// The options are written raw, as a client that does not escape ";" or
	// "'" sends them (url.ParseQuery refuses ";").
	values := url.Values{}
	if raw != "" {
		for _, kv := range strings.Split(raw, "&") {
			k, v, _ := strings.Cut(kv, "=")
			values.Add(k, v)
		}
	}
	if header == nil {
		header = http.Header{}
	}
	return Parse(values, header, table.New(*set, typ, svc), svc, "customer")
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	q, aerr := parse(t, "", nil)
	require.Nil(t, aerr)
	require.Equal(t, &Query{Top: -1, PageSize: 20000}, q)
}

func TestParseReadsEachOption(t *testing.T) {
	t.Parallel()
	// Columns: id 0, number 1, displayName 2, creditLimit 3, city 4.
	q, aerr := parse(t, "$select=city,number,city&$orderby=displayName desc,number asc,city&$top=3&$skip=25&$count=true", nil)
	require.Nil(t, aerr)
	require.Equal(t, []int{1, 4}, q.Select, "entity order, duplicates dropped")
	require.Equal(t, []OrderKey{{Col: 2, Desc: true}, {Col: 1}, {Col: 4}}, q.OrderBy)
	require.Equal(t, 3, q.Top)
	require.Equal(t, 25, q.Skip)
	require.True(t, q.Count)

	q, aerr = parse(t, "$select=number,*&$count=false&$top=0", nil)
	require.Nil(t, aerr)
	require.Nil(t, q.Select, "* selects every column")
	require.False(t, q.Count)
	require.Equal(t, 0, q.Top)

	q, aerr = parse(t, "$filter=startswith(number,'C0001') and creditLimit ge 100", nil)
	require.Nil(t, aerr)
	require.NotNil(t, q.Filter)
}

func TestParseExpandWithNestedOptions(t *testing.T) {
	t.Parallel()
	q, aerr := parse(t, "$expand=paymentTerm($select=code;$expand=customers($select=city;$top=2)),contacts&$schemaversion=2.1", nil)
	require.Nil(t, aerr)
	require.Len(t, q.Expand, 2)
	pt := q.Expand[0]
	require.Equal(t, "paymentTerm", pt.Nav.Name)
	require.Equal(t, []int{1}, pt.Sub.Select)
	require.Len(t, pt.Sub.Expand, 1)
	require.Equal(t, "customers", pt.Sub.Expand[0].Nav.Name)
	require.Equal(t, []int{4}, pt.Sub.Expand[0].Sub.Select)
	require.Equal(t, 2, pt.Sub.Expand[0].Sub.Top)
	require.Equal(t, "contacts", q.Expand[1].Nav.Name)
	require.Nil(t, q.Expand[1].Sub, "no options, no sub-query")

	// A type without a set still parses its options.
	q, aerr = parse(t, "$expand=contacts($select=name)", nil)
	require.Nil(t, aerr)
	require.Equal(t, []int{1}, q.Expand[0].Sub.Select)
}

func TestParseRefusesLikeBC(t *testing.T) {
	t.Parallel()
	syntax := &protocol.Error{Status: 400, Code: "BadRequest_NotFound", Message: "Bad Request - Error in query syntax."}
	noProp := func(name, typ string) *protocol.Error {
		return &protocol.Error{Status: 400, Code: "BadRequest_NotFound", Message: "Could not find a property named '" + name + "' on type 'Microsoft.NAV." + typ + "'."}
	}
	for _, tc := range []struct {
		raw  string
		want *protocol.Error
	}{
		{"$select=nope", noProp("nope", "customer")},
		{"$orderby=nope desc", noProp("nope", "customer")},
		{"$orderby=number down", syntax},
		{"$orderby=number asc extra", syntax},
		{"$orderby=number,", syntax},
		{"$top=-1", &protocol.Error{Status: 400, Code: "BadRequest_NotFound", Message: "Invalid value '-1' for $top."}},
		{"$top=ten", &protocol.Error{Status: 400, Code: "BadRequest_NotFound", Message: "Invalid value 'ten' for $top."}},
		{"$skip=1.5", &protocol.Error{Status: 400, Code: "BadRequest_NotFound", Message: "Invalid value '1.5' for $skip."}},
		{"$count=yes", syntax},
		{"$count=True", syntax},
		{"$skiptoken=not-a-token", &protocol.Error{Status: 400, Code: "BadRequest_InvalidToken", Message: "The skip token is not valid."}},
		{"$expand=nope", noProp("nope", "customer")},
		{"$expand=paymentTerm($select=nope)", noProp("nope", "paymentTerm")},
		{"$expand=paymentTerm($select=code", syntax},
		{"$expand=paymentTerm)", syntax},
		{"$expand=paymentTerm,,contacts", syntax},
		{"$expand=paymentTerm($select)", syntax},
		{"$expand=ghost($select=id)", syntax},
		{"$filter=displayName eq 'a' or number eq 'b'", &protocol.Error{Status: 400, Code: "BadRequest",
			Message: "The 'OR' operator is not supported on distinct fields on an OData filter."}},
	} {
		q, aerr := parse(t, tc.raw, nil)
		require.Nil(t, q, tc.raw)
		require.Equal(t, tc.want, aerr, tc.raw)
	}
}

func TestParseReadsPreferMaxPageSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		prefer []string
		want   int
	}{
		{nil, 20000},
		{[]string{"odata.maxpagesize=50"}, 50},
		{[]string{"return=minimal, Odata.MaxPageSize= 7"}, 7},
		{[]string{"odata.track-changes", "odata.maxpagesize=3"}, 3},
		{[]string{"odata.maxpagesize=50000"}, 20000},
		{[]string{"odata.maxpagesize=0"}, 20000},
		{[]string{"odata.maxpagesize=-5"}, 20000},
		{[]string{"odata.maxpagesize=many"}, 20000},
	} {
		q, aerr := parse(t, "", http.Header{"Prefer": tc.prefer})
		require.Nil(t, aerr)
		require.Equal(t, tc.want, q.PageSize, "%q", tc.prefer)
	}
}

func TestSkipTokenRoundTrips(t *testing.T) {
	t.Parallel()
	for _, tok := range []SkipToken{
		{Seq: 42, TopLeft: -1},
		{Seq: 1 << 40, Order: []string{"C00019", "O'Brien & Co"}, TopLeft: 7},
	} {
		enc := tok.Encode()
		require.Regexp(t, `^[A-Za-z0-9_-]+$`, enc, "safe in a URL without escaping")
		got, ok := DecodeSkipToken(enc)
		require.True(t, ok)
		require.Equal(t, tok, *got)

		q, aerr := parse(t, "$skiptoken="+enc, nil)
		require.Nil(t, aerr)
		require.Equal(t, tok, *q.Token)
	}
	require.Equal(t, "eyJzIjo0MiwidCI6M30", SkipToken{Seq: 42, TopLeft: 3}.Encode())
	for _, bad := range []string{"!!", "eyJzIjo0MiwidCI6M30=", "bm90IGpzb24", "eyJzIjoieCJ9"} {
		tok, ok := DecodeSkipToken(bad)
		require.False(t, ok, bad)
		require.Nil(t, tok, bad)
	}
}
