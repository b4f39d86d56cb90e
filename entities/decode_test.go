package entities_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/internal/realbc"
)

// page is the shape of a collection response.
type page[T any] struct {
	Value []T `json:"value"`
}

func decodeFile[T any](t *testing.T, name string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(realbc.Read(t, name), &v))
	return v
}

func dec(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	require.NoError(t, err)
	return d
}

func utc(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return ts
}

// requireRoundTrip encodes v, decodes the JSON into a fresh value and checks
// that it encodes to the same JSON. (The values themselves can differ in
// form: decimal.Decimal encodes 44.00 as "44", the same number.)
func requireRoundTrip[T any](t *testing.T, v T) {
	t.Helper()
	first, err := json.Marshal(v)
	require.NoError(t, err)
	var back T
	require.NoError(t, json.Unmarshal(first, &back))
	second, err := json.Marshal(back)
	require.NoError(t, err)
	require.JSONEq(t, string(first), string(second))
}

func TestDecodeSalesOrders(t *testing.T) {
	t.Parallel()
	orders := decodeFile[page[entities.SalesOrder]](t, "bc-v26-salesOrders.json").Value
	require.Len(t, orders, 3)

	o := orders[0]
	require.Equal(t, `W/"JzIwOzE2NzI4NzUyNjQ5OTA1ODk3MzEwMTswMDsn"`, o.ETag)
	require.Equal(t, "848028e0-0c2c-f011-9a4a-7ced8d0fb545", o.ID)
	require.Equal(t, "SZA/25/000042", o.Number)
	require.Equal(t, entities.Date{Year: 2025, Month: time.May, Day: 8}, o.OrderDate)
	require.True(t, o.RequestedDeliveryDate.IsZero(), "0001-01-01 is BC's empty date")
	require.Equal(t, entities.Date{}, o.RequestedDeliveryDate)
	require.Equal(t, "00000000-0000-0000-0000-000000000000", o.CurrencyID, "the zero GUID is kept as BC sent it")
	require.Equal(t, "SPRZEDAŻ", o.ShortcutDimension1Code)
	require.Equal(t, "413.28", o.TotalAmountIncludingTax.String())
	require.Equal(t, "77.28", o.TotalTaxAmount.String())
	require.True(t, o.TotalAmountExcludingTax.Equal(decimal.NewFromInt(336)))
	require.True(t, o.DiscountAmount.IsZero())
	require.Equal(t, entities.SalesOrderEntityBufferStatusOpen, o.Status)
	require.Equal(t, "Open", o.Status.Label())
	require.True(t, o.Status.Valid())
	require.True(t, o.PartialShipping)
	require.Equal(t, utc(t, "2025-05-16T15:37:35.593Z"), o.LastModifiedDateTime)
	require.Equal(t, 593*time.Millisecond, time.Duration(o.LastModifiedDateTime.Nanosecond()))

	require.NotNil(t, o.Customer, "expanded customer")
	require.Equal(t, "33c285a5-f12b-f011-9a4a-7c1e5275406f", o.Customer.ID)
	require.Equal(t, entities.ContactTypeCompany, o.Customer.Type)
	require.Equal(t, entities.CustomerBlockedBlank, o.Customer.Blocked)
	require.Empty(t, o.Customer.Blocked.Label())
	require.Equal(t, `W/"JzE5OzMyMzEwMTc5MjA2MzYwMTgyOTUxOzAwOyc="`, o.Customer.ETag)

	require.Len(t, o.SalesOrderLines, 1)
	l := o.SalesOrderLines[0]
	require.Equal(t, o.ID, l.DocumentID)
	require.Equal(t, int32(10000), l.Sequence)
	require.Equal(t, entities.InvoiceLineAggLineTypeItem, l.LineType)
	require.Equal(t, "Dętka", l.Description)
	require.Equal(t, "413.28", l.AmountIncludingTax.String())
	require.Equal(t, "77.28", l.NetTaxAmount.String())
	require.True(t, l.Quantity.Equal(decimal.NewFromInt(16)))
	require.Equal(t, entities.Date{Year: 2025, Month: time.May, Day: 8}, l.ShipmentDate)

	// The second order's line sends 44.00: the value is kept exactly, and so
	// are the digits sent.
	amount := orders[1].SalesOrderLines[0].AmountIncludingTax
	require.True(t, amount.Equal(dec(t, "44")))
	require.Equal(t, "44.00", amount.StringFixed(-amount.Exponent()))
	require.Equal(t, "MAD", orders[1].CurrencyCode)
	require.Equal(t, utc(t, "2025-05-16T12:41:11.21Z"), orders[2].LastModifiedDateTime)
	require.Len(t, orders[2].SalesOrderLines, 2)

	// pdfDocument is expanded in the response, but salesOrder has that
	// navigation only from v29 on; the v26 model keeps it in Extra.
	require.Contains(t, string(orders[0].Extra["pdfDocument"]), `"parentType": "Sales_x0020_Order"`)
	for _, o := range orders {
		requireRoundTrip(t, o)
	}
}

func TestDecodeMediaReadLink(t *testing.T) {
	t.Parallel()
	// salesOrders in v26 has no pdfDocument navigation, so read the expanded
	// document BC sent with the first order directly.
	raw := decodeFile[page[map[string]json.RawMessage]](t, "bc-v26-salesOrders.json").Value
	var pdf entities.PDFDocument
	require.NoError(t, json.Unmarshal(raw[0]["pdfDocument"], &pdf))
	require.JSONEq(t, string(raw[0]["pdfDocument"]), string(pdf.ReadJSON()), "the entity as read is kept for Update")
	pdf.Record = entities.Record{}
	require.Equal(t, entities.PDFDocument{
		ETag:       `W/"JzE5OzEzNzUwMzgzNjU2NDQ5MjQwNDIxOzAwOyc="`,
		ID:         "848028e0-0c2c-f011-9a4a-7ced8d0fb545",
		ParentID:   "848028e0-0c2c-f011-9a4a-7ced8d0fb545",
		ParentType: entities.AttachmentEntityBufferDocumentTypeSalesOrder,
		PDFDocumentContentReadLink: "https://api.businesscentral.dynamics.com/v2.0/Production/api/v2.0/companies(3ab5c248-e72b-f011-9a4a-7c1e5275406f)" +
			"/salesOrders(848028e0-0c2c-f011-9a4a-7ced8d0fb545)/pdfDocument/pdfDocumentContent",
	}, pdf)
	require.Equal(t, "Sales Order", pdf.ParentType.Label())
}

func TestDecodeBatchLine(t *testing.T) {
	t.Parallel()
	batch := decodeFile[struct {
		Responses []struct {
			Body entities.SalesOrderLine `json:"body"`
		} `json:"responses"`
	}](t, "bc-v26-batch.json")
	require.NotEmpty(t, batch.Responses)
	l := batch.Responses[0].Body
	require.Equal(t, "32d80403-e236-f011-9a4a-7ced8d0ee6e7", l.ID)
	require.True(t, l.AmountIncludingTax.Equal(decimal.NewFromInt(1000)), "1000.00 keeps its value")
	require.Equal(t, int32(-2), l.AmountIncludingTax.Exponent(), "and the digits BC sent")
	require.Equal(t, "1000.00", l.AmountIncludingTax.StringFixed(2))
	require.True(t, l.UnitPrice.Equal(decimal.NewFromInt(500)))
	requireRoundTrip(t, l)
}

func TestDecodeCustomer(t *testing.T) {
	t.Parallel()
	c := decodeFile[entities.Customer](t, "bc-v26-customer.json")
	require.JSONEq(t, string(realbc.Read(t, "bc-v26-customer.json")), string(c.ReadJSON()))
	require.Empty(t, c.Extra, "v26's customer model declares every property BC v26 sends")
	c.Record = entities.Record{}
	require.Equal(t, entities.Customer{
		ETag:                  `W/"JzE5OzY3MjczMjkxODU0MzQ2NTQ2MTcxOzAwOyc="`,
		ID:                    "34f03eee-2a32-f011-9a4a-7ced8d0ee6e7",
		Number:                "NA0007",
		DisplayName:           "Test Customer",
		Type:                  entities.ContactTypeCompany,
		AddressLine1:          "Test Street 23",
		City:                  "Testown",
		Country:               "PL",
		PostalCode:            "80-299",
		PhoneNumber:           "123456789",
		Email:                 "test@company.com",
		BalanceDue:            c.BalanceDue,
		CreditLimit:           c.CreditLimit,
		TaxAreaID:             "f4e071b7-f12b-f011-9a4a-7c1e5275406f",
		TaxAreaDisplayName:    "Transkacje krajowe",
		TaxRegistrationNumber: "5422485927",
		CurrencyID:            "00000000-0000-0000-0000-000000000000",
		CurrencyCode:          "PLN",
		PaymentTermsID:        "fe109593-f12b-f011-9a4a-7c1e5275406f",
		ShipmentMethodID:      "00000000-0000-0000-0000-000000000000",
		PaymentMethodID:       "00000000-0000-0000-0000-000000000000",
		Blocked:               entities.CustomerBlockedBlank,
		LastModifiedDateTime:  utc(t, "2025-05-16T07:55:28.833Z"),
	}, c)
	require.True(t, c.BalanceDue.IsZero())
	require.True(t, c.CreditLimit.Equal(decimal.NewFromInt(2000)))
	requireRoundTrip(t, c)
}

func TestDecodeCustomersOfACustomAPI(t *testing.T) {
	t.Parallel()
	// This response comes from a custom API (no, gln, shipToAddresses): the
	// fields the standard customer shares with it decode, the rest is kept
	// in Extra, which writes send back.
	customers := decodeFile[page[entities.Customer]](t, "bc-v26-customers.json").Value
	require.Len(t, customers, 1)
	require.ElementsMatch(t, []string{"no", "name", "address", "postCode", "countryRegionCode", "vatRegistrationNo", "gln", "shipToAddresses"},
		slices.Collect(maps.Keys(customers[0].Extra)))
	customers[0].Record = entities.Record{}
	require.Equal(t, entities.Customer{
		ETag:            `W/"JzIwOzE1MzU5NDg3NDg1Mzg4ODM2MjUzMTswMDsn"`,
		ID:              "f8fbb2d5-f683-f011-a6f5-000d3a4b6d9d",
		City:            "Warszawa",
		SalespersonCode: "PAWJEL",
	}, customers[0])
}

func TestDecodeCompanies(t *testing.T) {
	t.Parallel()
	companies := decodeFile[page[entities.Company]](t, "bc-v26-companies.json").Value
	for i := range companies {
		require.Empty(t, companies[i].Extra)
		companies[i].Record = entities.Record{}
	}
	require.Equal(t, []entities.Company{
		{
			ID:               "e802e7d1-5408-f011-9afa-6045bdabb318",
			SystemVersion:    "26.0.30643.32100",
			Timestamp:        4006,
			Name:             "My Company",
			SystemCreatedAt:  utc(t, "2025-03-24T02:08:05.067Z"),
			SystemCreatedBy:  "00000000-0000-0000-0000-000000000001",
			SystemModifiedAt: utc(t, "2025-03-24T02:08:05.067Z"),
			SystemModifiedBy: "00000000-0000-0000-0000-000000000001",
		},
		{
			ID:               "3ab5c248-e72b-f011-9a4a-7c1e5275406f",
			SystemVersion:    "26.0.30643.32100",
			Timestamp:        767626,
			Name:             "Rebel",
			DisplayName:      "Rebel Sp. z o.o.",
			SystemCreatedAt:  utc(t, "2025-05-08T08:34:41.677Z"),
			SystemCreatedBy:  "5a2708fc-5d00-4816-8193-792971119201",
			SystemModifiedAt: utc(t, "2025-05-08T13:15:52.333Z"),
			SystemModifiedBy: "27a5c860-513d-4a19-b551-9657ffc97b96",
		},
	}, companies)
	for _, c := range companies {
		requireRoundTrip(t, c)
	}
}

func TestDecodeSubscriptionAndZeroTime(t *testing.T) {
	t.Parallel()
	s := decodeFile[entities.Subscriptions](t, "bc-v26-subscription.json")
	require.Equal(t, "270135334a7d433e9009dde078e9e29c", s.SubscriptionID)
	require.Equal(t, utc(t, "2025-10-02T09:58:45Z"), s.ExpirationDateTime)
	require.Equal(t, int64(332571277), s.Timestamp)

	var row struct {
		LastModifiedDateTime time.Time `json:"lastModifiedDateTime"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"lastModifiedDateTime":"0001-01-01T00:00:00Z"}`), &row))
	require.True(t, row.LastModifiedDateTime.IsZero(), "BC's empty datetime is the zero time")
}
