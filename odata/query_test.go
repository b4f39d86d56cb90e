package odata

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestQueryEncode(t *testing.T) {
	t.Parallel()
	jan1 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	type companyParams struct {
		Company string `url:"company"`
		Tenant  string `url:"tenant,omitempty"`
		Flags   []int  `url:"flag"`
	}
	tests := []struct {
		name string
		q    *Query
		want string
	}{
		{"empty", New(), ""},
		{"zero value", &Query{}, ""},
		{"brief example",
			New().Filter(Ge("postingDate", DateOf(jan1)), Eq("accountNumber", "40100")).Select("id", "entryNumber").MaxPageSize(20000),
			"$filter=postingDate%20ge%202025-01-01%20and%20accountNumber%20eq%20'40100'&$select=id,entryNumber"},
		{"select twice appends", New().Select("id").Select("number", "displayName"), "$select=id,number,displayName"},
		{"expand plain", New().Expand("paymentTerm").Expand("customer"), "$expand=paymentTerm,customer"},
		{"expand nil and empty sub", New().Expand("a", nil).Expand("b", New()), "$expand=a,b"},
		{"expand nested options",
			New().Expand("salesOrderLines", New().Select("id", "description").Expand("item", New().Select("id"))),
			"$expand=salesOrderLines($select%3Did,description%3B$expand%3Ditem($select%3Did))"},
		{"expand every nested option in order",
			New().Expand("lines", New().Skip(2).Top(5).OrderByDesc("lineNumber").Expand("item").Filter(Gt("quantity", 1)).Select("id")),
			"$expand=lines($select%3Did%3B$filter%3Dquantity%20gt%201%3B$expand%3Ditem%3B$orderby%3DlineNumber%20desc%3B$top%3D5%3B$skip%3D2)"},
		{"orderby asc", New().OrderBy("displayName"), "$orderby=displayName"},
		{"orderby desc", New().OrderByDesc("postingDate"), "$orderby=postingDate%20desc"},
		{"orderby several keys", New().OrderByDesc("postingDate").OrderBy("entryNumber"), "$orderby=postingDate%20desc,entryNumber"},
		{"top", New().Top(10), "$top=10"},
		{"top zero", New().Top(0), "$top=0"},
		{"top last wins", New().Top(10).Top(3), "$top=3"},
		{"skip", New().Skip(20), "$skip=20"},
		{"count", New().Count(), "$count=true"},
		{"schemaversion", New().SchemaVersion("2.0"), "$schemaversion=2.0"},
		{"in sets schemaversion", New().Filter(In("number", "10000", "20000")),
			"$filter=number%20in%20('10000','20000')&$schemaversion=2.1"},
		{"in with explicit 2.1", New().SchemaVersion("2.1").Filter(In("n", 1)), "$filter=n%20in%20(1)&$schemaversion=2.1"},
		{"in inside or sets schemaversion", New().Filter(Or(In("n", 1), Eq("n", 3))), "$filter=n%20in%20(1)%20or%20n%20eq%203&$schemaversion=2.1"},
		{"in inside expand sets schemaversion on the request",
			New().Expand("lines", New().Filter(In("lineType", "Item"))),
			"$expand=lines($filter%3DlineType%20in%20('Item'))&$schemaversion=2.1"},
		{"raw", New().Raw("company", "5d115c9c-44e3-ea11-bb43-000d3a2feca1"), "company=5d115c9c-44e3-ea11-bb43-000d3a2feca1"},
		{"raw encoded", New().Raw("x y", "a+b&c=d;e#f%g"), "x%20y=a%2Bb%26c%3Dd%3Be%23f%25g"},
		{"raw repeated keys keep order", New().Raw("k", "2").Raw("k", "1"), "k=2&k=1"},
		{"raw skiptoken", New().Raw("$skiptoken", "abc"), "$skiptoken=abc"},
		{"params", New().Params(companyParams{Company: "CRONUS", Flags: []int{1, 2}}), "company=CRONUS&flag=1&flag=2"},
		{"params pointer", New().Params(&companyParams{Company: "a b", Tenant: "t"}), "company=a%20b&tenant=t"},
		{"params nil", New().Params(nil), ""},
		{"other params sorted after system options",
			New().Raw("zeta", "1").Raw("alpha", "2").Top(1).Filter(Eq("a", 1)),
			"$filter=a%20eq%201&$top=1&alpha=2&zeta=1"},
		{"all options in canonical order",
			New().SchemaVersion("2.1").Count().Skip(1).Top(2).OrderBy("o").Expand("e").Select("s").Filter(Eq("f", true)),
			"$filter=f%20eq%20true&$select=s&$expand=e&$orderby=o&$top=2&$skip=1&$count=true&$schemaversion=2.1"},
		{"unicode and reserved in literal", New().Filter(Eq("displayName", "Zürich & Söhne + 100% #1; a=b?")),
			"$filter=displayName%20eq%20'Z%C3%BCrich%20%26%20S%C3%B6hne%20%2B%20100%25%20%231%3B%20a%3Db%3F'"},
		{"datetime literal", New().Filter(Gt("lastModifiedDateTime", time.Date(2019, 8, 18, 20, 5, 51, 603e6, time.UTC))),
			"$filter=lastModifiedDateTime%20gt%202019-08-18T20:05:51.603Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.q.Encode()
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.NoError(t, tt.q.Err())
		})
	}
}

func TestQueryValues(t *testing.T) {
	t.Parallel()
	v, err := New().
		Filter(In("number", "1", "2")).
		Select("id").
		Expand("lines", New().Select("id").Filter(Eq("type", "Item"))).
		Raw("company", "c").
		MaxPageSize(500).
		Values()
	require.NoError(t, err)
	require.Equal(t, url.Values{
		"$filter":        {"number in ('1','2')"},
		"$select":        {"id"},
		"$expand":        {"lines($select=id;$filter=type eq 'Item')"},
		"$schemaversion": {"2.1"},
		"company":        {"c"},
	}, v)

	// The returned values are a copy.
	v.Add("company", "d")
	q := New().Raw("company", "c")
	v, err = q.Values()
	require.NoError(t, err)
	v.Add("company", "d")
	v, err = q.Values()
	require.NoError(t, err)
	require.Equal(t, []string{"c"}, v["company"])
}

func TestMaxPageSize(t *testing.T) {
	t.Parallel()
	require.Zero(t, New().PageSize())
	for _, n := range []int{1, 100, MaxPageSizeLimit} {
		q := New().MaxPageSize(n)
		require.NoError(t, q.Err())
		require.Equal(t, n, q.PageSize())
		s, err := q.Encode()
		require.NoError(t, err)
		require.Empty(t, s, "MaxPageSize is a Prefer header, not a query option")
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    *Query
		want string
	}{
		{"top negative", New().Top(-1), "odata: Top(-1): must not be negative"},
		{"skip negative", New().Skip(-5), "odata: Skip(-5): must not be negative"},
		{"max page size zero", New().MaxPageSize(0),
			"odata: MaxPageSize(0) out of range: BC online serves 1 to 20000 entities per page; to read more, follow @odata.nextLink"},
		{"max page size over cap", New().MaxPageSize(20001), "odata: MaxPageSize(20001) out of range"},
		{"select nothing", New().Select(), "odata: Select needs at least one field"},
		{"select empty field", New().Select("id", ""), "odata: Select: empty field name"},
		{"select star", New().Select("*"), `odata: Select: invalid field name "*"`},
		{"select injection", New().Select("id&$top=1"), `odata: Select: invalid field name "id&$top=1"`},
		{"orderby empty", New().OrderBy(""), "odata: OrderBy: empty field name"},
		{"orderby with direction", New().OrderBy("a desc"), `odata: OrderBy: invalid field name "a desc"`},
		{"orderbydesc invalid", New().OrderByDesc("a,b"), `odata: OrderByDesc: invalid field name "a,b"`},
		{"expand empty", New().Expand(""), "odata: Expand: empty field name"},
		{"expand with options in name", New().Expand("lines($select=id)"), `odata: Expand: invalid field name "lines($select=id)"`},
		{"expand two subs", New().Expand("a", New(), New()),
			`odata: Expand("a") takes at most one sub-query, got 2: combine the options into one Query`},
		{"expand failed sub", New().Expand("lines", New().Top(-1)), `odata: Expand("lines"): Top(-1): must not be negative`},
		{"expand failed sub deep", New().Expand("a", New().Expand("b", New().Select())), `odata: Expand("a"): Expand("b"): Select needs at least one field`},
		{"expand sub with count", New().Expand("a", New().Count()),
			`odata: Expand("a"): the sub-query sets Count ($count), which BC only accepts on the request itself; inside $expand use only Select, Filter, Expand, OrderBy, Top and Skip`},
		{"expand sub with page size", New().Expand("a", New().MaxPageSize(5)), "sets MaxPageSize (a request header)"},
		{"expand sub with schemaversion", New().Expand("a", New().SchemaVersion("2.1")), "sets SchemaVersion ($schemaversion)"},
		{"expand sub with raw", New().Expand("a", New().Raw("k", "v")), "sets Raw or Params parameters"},
		{"in with explicit 2.0", New().SchemaVersion("2.0").Filter(In("n", 1)),
			"odata: In needs $schemaversion=2.1, but SchemaVersion(\"2.0\") was set: BC only parses `in` under 2.1; remove the SchemaVersion call or use Or of Eq on the same field"},
		{"explicit 2.0 after in", New().Filter(In("n", 1)).SchemaVersion("2.0"), "odata: In needs $schemaversion=2.1"},
		{"explicit 2.0 with in in expand", New().SchemaVersion("2.0").Expand("l", New().Filter(In("n", 1))), "odata: In needs $schemaversion=2.1"},
		{"schemaversion empty", New().SchemaVersion(""), `odata: SchemaVersion(""): want a version such as "2.0" or "2.1"`},
		{"schemaversion garbage", New().SchemaVersion("2.1&$top=1"), `odata: SchemaVersion("2.1&$top=1")`},
		{"schemaversion one part", New().SchemaVersion("2"), `odata: SchemaVersion("2")`},
		{"schemaversion empty part", New().SchemaVersion("2..1"), `odata: SchemaVersion("2..1")`},
		{"raw empty key", New().Raw("", "v"), "odata: Raw: empty parameter name"},
		{"raw system option", New().Raw("$filter", "a eq 1"),
			`odata: Raw: parameter "$filter" is built by the Query methods; use them instead so that it is sent once`},
		{"raw system option other case", New().Raw("$TOP", "1"), `odata: Raw: parameter "$TOP" is built by the Query methods`},
		{"params not a struct", New().Params(42), "odata: Params: query: Values() expects struct input"},
		{"params system option", New().Params(struct {
			Top int `url:"$top"`
		}{1}), `odata: Params: parameter "$top" is built by the Query methods`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.ErrorContains(t, tt.q.Err(), tt.want)
			v, err := tt.q.Values()
			require.ErrorContains(t, err, tt.want)
			require.Nil(t, v)
			s, err := tt.q.Encode()
			require.ErrorContains(t, err, tt.want)
			require.Empty(t, s)
		})
	}
}

func TestFirstErrorWinsAndLaterCallsAreNoOps(t *testing.T) {
	t.Parallel()
	q := New().Top(-1)
	first := q.Err()
	q.Filter(Eq("a", 1)).Filter(Eq("", 1)).Select("x").Select().Expand("e").Expand("").
		OrderBy("o").OrderByDesc("").Top(1).Skip(-1).Count().MaxPageSize(5).MaxPageSize(0).
		SchemaVersion("x").Raw("k", "v").Raw("", "").Params(1)
	require.Same(t, first, q.Err())
	require.Zero(t, q.PageSize())

	c := q.Clone()
	require.Same(t, first, c.Err())
}

func TestExpandSubErrorUnwraps(t *testing.T) {
	t.Parallel()
	sub := New().Top(-1)
	err := New().Expand("a", sub).Err()
	require.True(t, errors.Is(err, sub.Err()))
}

func TestClone(t *testing.T) {
	t.Parallel()
	require.Nil(t, (*Query)(nil).Clone())

	sub := New().Select("id")
	q := New().Filter(Eq("a", 1)).Select("x").Expand("lines", sub).OrderBy("o").Top(1).Raw("k", "v").MaxPageSize(10)
	want, err := q.Encode()
	require.NoError(t, err)
	require.Equal(t, "$filter=a%20eq%201&$select=x&$expand=lines($select%3Did)&$orderby=o&$top=1&k=v", want)

	c := q.Clone()
	c.Filter(Eq("b", 2)).Select("y").Expand("more").OrderByDesc("p").Top(5).Skip(1).Count().
		SchemaVersion("2.0").Raw("k", "w").Raw("n", "1").MaxPageSize(20)
	c.expands[0].sub.Select("changed")
	sub.Select("alsoChanged")

	got, err := q.Encode()
	require.NoError(t, err)
	require.Equal(t, want, got, "builders on the clone or the sub-query changed the original")
	require.Equal(t, 10, q.PageSize())

	cs, err := c.Encode()
	require.NoError(t, err)
	require.Equal(t, "$filter=a%20eq%201%20and%20b%20eq%202&$select=x,y&$expand=lines($select%3Did,changed),more"+
		"&$orderby=o,p%20desc&$top=5&$skip=1&$count=true&$schemaversion=2.0&k=v&k=w&n=1", cs)
	require.Equal(t, 20, c.PageSize())

	// An error on the clone does not reach the original.
	c.Top(-1)
	require.Error(t, c.Err())
	require.NoError(t, q.Err())
}

func TestClonePreservesSliceCapacityIndependence(t *testing.T) {
	t.Parallel()
	// Appending to a clone must not write into spare capacity shared with
	// the original, nor with another clone.
	q := New().Select("a", "b")
	q.Select("c") // leaves spare capacity in q.selects
	c1, c2 := q.Clone(), q.Clone()
	c1.Select("one")
	c2.Select("two")
	for q, want := range map[*Query]string{q: "$select=a,b,c", c1: "$select=a,b,c,one", c2: "$select=a,b,c,two"} {
		got, err := q.Encode()
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

// TestRoundTrip proves that what BC decodes is exactly the filter meant,
// in particular that spaces and '+' survive (%20 and %2B, never '+').
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    *Query
		want map[string]string
	}{
		{"plus and spaces", New().Filter(Eq("phoneNumber", "+1 425 555 0100")),
			map[string]string{"$filter": "phoneNumber eq '+1 425 555 0100'"}},
		{"percent and ampersand", New().Filter(Contains("displayName", "100% & more=%20")),
			map[string]string{"$filter": "contains(displayName,'100% & more=%20')"}},
		{"semicolons and hash", New().Filter(Eq("a", "x;y#z")).Expand("l", New().Select("id").Filter(Eq("b", "p;q"))),
			map[string]string{"$filter": "a eq 'x;y#z'", "$expand": "l($select=id;$filter=b eq 'p;q')"}},
		{"unicode", New().Filter(StartsWith("city", "Škofja Loka 東京")), map[string]string{"$filter": "startswith(city,'Škofja Loka 東京')"}},
		{"raw value", New().Raw("q", "a+b c&d"), map[string]string{"q": "a+b c&d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := tt.q.Encode()
			require.NoError(t, err)
			require.NotContains(t, s, "+")
			require.NotContains(t, s, " ")
			got, err := url.ParseQuery(s)
			require.NoError(t, err)
			require.Len(t, got, len(tt.want))
			for k, v := range tt.want {
				require.Equal(t, []string{v}, got[k], k)
			}
		})
	}
}
