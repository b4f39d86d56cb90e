package filter

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// genJournalDocumentType is BC's enum of G/L entry document types, in
// declared order.
var genJournalDocumentType = []string{
	"_x0020_", "Payment", "Invoice", "Credit_x0020_Memo", "Finance_x0020_Charge_x0020_Memo", "Reminder", "Refund",
}

// glFields is the generalLedgerEntry entity type.
var glFields = []Field{
	{Name: "id", Kind: GUID},
	{Name: "entryNumber", Kind: Int},
	{Name: "postingDate", Kind: Date},
	{Name: "documentNumber", Kind: String},
	{Name: "documentType", Kind: Enum, Enum: genJournalDocumentType},
	{Name: "accountNumber", Kind: String},
	{Name: "description", Kind: String},
	{Name: "debitAmount", Kind: Decimal},
	{Name: "creditAmount", Kind: Decimal},
	{Name: "lastModifiedDateTime", Kind: DateTime},
}

// customerFields is the customer entity type.
var customerFields = []Field{
	{Name: "id", Kind: GUID},
	{Name: "number", Kind: String},
	{Name: "displayName", Kind: String},
	{Name: "blocked", Kind: Enum, Enum: []string{"_x0020_", "Ship", "Invoice", "All"}},
	{Name: "balanceDue", Kind: Decimal},
	{Name: "taxLiable", Kind: Bool},
	{Name: "lastModifiedDateTime", Kind: DateTime},
}

func resolver(fields []Field) Resolver {
	byName := map[string]Field{}
	for i, f := range fields {
		f.Index = i
		byName[f.Name] = f
	}
	return func(name string) (Field, bool) {
		f, ok := byName[name]
		return f, ok
	}
}

var (
	glResolver       = resolver(glFields)
	customerResolver = resolver(customerFields)
)

const (
	glType       = "Microsoft.NAV.generalLedgerEntry"
	customerType = "Microsoft.NAV.customer"
)

// glRows are G/L entries in wire-text form, keyed by documentNumber (index
// 3). BAD holds values that parse as nothing.
var glRows = [][]string{
	{"5d115c9c-44e3-ea11-bb43-000d3a2feca1", "1", "2024-12-31", "G00001", "Invoice", "40100", "Opening balance", "1000.00", "0", "2025-01-01T08:00:00Z"},
	{"A1B2C3D4-0000-0000-0000-000000000002", "2", "2025-01-01", "G00002", "Payment", "10100", "Payment Adatum", "0", "1000", "2025-01-01T08:00:00.5Z"},
	{"00000000-0000-0000-0000-000000000003", "3", "2025-01-15", "G00003", "Credit_x0020_Memo", "40100", "Credit O'Brien", "0", "250.5", "2025-01-15T12:30:45.123Z"},
	{"00000000-0000-0000-0000-000000000004", "4", "2025-02-01", "G00004", "_x0020_", "20100", "Café crème", "-12.5", "0", "0001-01-01T00:00:00Z"},
	{"00000000-0000-0000-0000-000000000005", "5", "0001-01-01", "G00005", "Refund", "40100", "100% & more + 'quotes'", "413.28", "0", "2025-03-01T00:00:00.59Z"},
	{"00000000-0000-0000-0000-000000001000", "1000", "2025-05-08", "G01000", "Finance_x0020_Charge_x0020_Memo", "40200", "ADATUM CORP", "99999999999999999999.99", "0", "2025-05-16T15:37:35.593Z"},
	{"00000000-0000-0000-0000-000000004999", "4999", "2025-06-30", "INV-4999", "Invoice", "40100", "Smørrebrød ünïcödé", "0.01", "0", "2025-06-30T23:59:59.999Z"},
	{"00000000-0000-0000-0000-000000005000", "5000", "2025-07-01", "INV-5000", "Reminder", "40100", "", "5000", "0", "2025-07-01T00:00:00Z"},
	{"not-a-guid", "x", "2025-13-01", "BAD", "Unknown", "40100", "bad", "1e3", "", "2025-07-01 00:00:00"},
}

// customerRows are keyed by number (index 1).
var customerRows = [][]string{
	{"11111111-1111-1111-1111-111111111111", "10000", "Adatum Corporation", "_x0020_", "1499.99", "true", "2025-01-01T00:00:00Z"},
	{"22222222-2222-2222-2222-222222222222", "20000", "Trey Research", "Ship", "0", "false", "2025-02-01T00:00:00Z"},
	{"33333333-3333-3333-3333-333333333333", "30000", "School of Fine Art", "Invoice", "-5", "true", "2025-03-01T00:00:00Z"},
	{"44444444-4444-4444-4444-444444444444", "40000", "Alpine Ski House", "All", "100", "false", "2025-04-01T00:00:00Z"},
	{"55555555-5555-5555-5555-555555555555", "50000", "O'Brien & Søn", "_x0020_", "100.00", "true", "2025-05-01T00:00:00Z"},
	{"66666666-6666-6666-6666-666666666666", "60000", "adatum corporation", "Ship", "0.5", "false", "0001-01-01T00:00:00Z"},
}

// keys returns the key column of the rows that f matches.
func keys(f *Filter, rows [][]string, key int) []string {
	out := []string{}
	for _, r := range rows {
		if f.Match(r) {
			out = append(out, r[key])
		}
	}
	return out
}

func glMatches(t *testing.T, filter string, opts Options) []string {
	t.Helper()
	opts.EntityType = glType
	f, err := Parse(filter, glResolver, opts)
	require.NoError(t, err, filter)
	return keys(f, glRows, 3)
}

func customerMatches(t *testing.T, filter string, opts Options) []string {
	t.Helper()
	opts.EntityType = customerType
	f, err := Parse(filter, customerResolver, opts)
	require.NoError(t, err, filter)
	return keys(f, customerRows, 1)
}

var v21 = Options{SchemaVersion: "2.1"}
