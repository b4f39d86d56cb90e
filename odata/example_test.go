package odata_test

import (
	"fmt"
	"time"

	"github.com/bcsdk/bc/odata"
)

func ExampleQuery() {
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	q := odata.New().
		Filter(odata.Ge("postingDate", odata.DateOf(from)), odata.Eq("accountNumber", "40100")).
		Select("id", "entryNumber", "debitAmount", "creditAmount").
		OrderBy("entryNumber").
		MaxPageSize(20000)

	s, err := q.Encode()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	fmt.Println("Prefer: odata.maxpagesize =", q.PageSize())
	// Output:
	// $filter=postingDate%20ge%202025-01-01%20and%20accountNumber%20eq%20'40100'&$select=id,entryNumber,debitAmount,creditAmount&$orderby=entryNumber
	// Prefer: odata.maxpagesize = 20000
}

func ExampleQuery_Expand() {
	q := odata.New().
		Filter(odata.Eq("status", "Open")).
		Expand("salesOrderLines", odata.New().
			Select("id", "description").
			Expand("item", odata.New().Select("id")))

	s, _ := q.Encode()
	fmt.Println(s)
	// Output:
	// $filter=status%20eq%20'Open'&$expand=salesOrderLines($select%3Did,description%3B$expand%3Ditem($select%3Did))
}

func ExampleOr() {
	// Or on one field is fine.
	s, _ := odata.New().Filter(odata.Or(odata.Eq("number", "10000"), odata.Eq("number", "20000"))).Encode()
	fmt.Println(s)

	// In says the same more briefly, and brings $schemaversion=2.1 with it.
	s, _ = odata.New().Filter(odata.In("number", "10000", "20000")).Encode()
	fmt.Println(s)

	// BC rejects or across distinct fields, so the query refuses it.
	_, err := odata.New().Filter(odata.Or(odata.Eq("number", "10000"), odata.Eq("displayName", "Adatum"))).Encode()
	fmt.Println(err)
	// Output:
	// $filter=number%20eq%20'10000'%20or%20number%20eq%20'20000'
	// $filter=number%20in%20('10000','20000')&$schemaversion=2.1
	// odata: Or across distinct fields "number" and "displayName": BC rejects it with "The 'OR' operator is not supported on distinct fields on an OData filter."; use In on a single field, or run one query per field and merge the results
}

func ExampleRawFilter() {
	_, err := odata.New().Filter(odata.RawFilter("salesOrderLines/any(l: l/quantity gt 5)")).Encode()
	fmt.Println(err)
	// Output:
	// odata: RawFilter "salesOrderLines/any(l: l/quantity gt 5)" uses the lambda operator any(): BC silently ignores lambda operators and returns unfiltered rows; filter the related entities with Expand(nav, New().Filter(...)), i.e. $expand=nav($filter=...), instead
}

func ExampleFormatLiteral() {
	for _, v := range []any{
		"O'Brien",
		odata.GUID("5D115C9C-44E3-EA11-BB43-000D3A2FECA1"),
		time.Date(2019, 8, 18, 20, 5, 51, 603e6, time.UTC),
		odata.DateOf(time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)),
		1000.5,
		true,
		nil,
	} {
		s, _ := odata.FormatLiteral(v)
		fmt.Println(s)
	}
	// Output:
	// 'O''Brien'
	// 5d115c9c-44e3-ea11-bb43-000d3a2feca1
	// 2019-08-18T20:05:51.603Z
	// 2025-01-31
	// 1000.5
	// true
	// null
}
