package bctest

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/entities"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// demoTenant is the default demo, built once for the tests that only read it.
var demoTenant = sync.OnceValue(func() *Tenant { return demoOf(DefaultDemo()) })

// demoOf loads a demo as servers do, from the cache after the first time.
func demoOf(cfg DemoConfig) *Tenant {
	tn := newTenant(1, systemClock{})
	loadDemo(tn, cfg)
	return tn
}

// freshDemo generates a demo, bypassing the cache.
func freshDemo(cfg DemoConfig) *Tenant {
	tn := newTenant(1, systemClock{})
	generateDemo(tn, cfg)
	return tn
}

// rows returns a set's rows in wire text.
func rows(co *Company, set string) []map[string]string {
	var out []map[string]string
	co.Each(set, func(m map[string]string) bool {
		out = append(out, m)
		return true
	})
	return out
}

func TestDemoCompanies(t *testing.T) {
	t.Parallel()
	cos := demoTenant().Companies()
	require.Len(t, cos, 3)
	var names []string
	for _, co := range cos {
		names = append(names, co.Name)
		require.NotEmpty(t, co.DisplayName)
		require.LessOrEqual(t, utf8.RuneCountInString(co.Name), 30)
	}
	require.Equal(t, []string{"CRONUS USA, Inc.", "Contoso Europe Ltd.", `Søren's Café "Nord" ApS`}, names)

	more := demoOf(DemoConfig{Companies: 7, GLEntries: 30, Customers: 5, Vendors: 5, Items: 8, Employees: 3, Projects: 2, InvoicesPerMonth: 2, Months: 3})
	seen := map[string]bool{}
	for _, co := range more.Companies() {
		require.False(t, seen[co.Name], co.Name)
		seen[co.Name] = true
		require.LessOrEqual(t, utf8.RuneCountInString(co.Name), 30)
	}
	require.Len(t, seen, 7)
}

func TestDemoDeterministic(t *testing.T) {
	t.Parallel()
	equal := func(a, b *Tenant) {
		require.Len(t, b.Companies(), len(a.Companies()))
		for i, co := range a.Companies() {
			other := b.Companies()[i]
			require.Equal(t, co.ID, other.ID)
			require.Equal(t, co.DisplayName, other.DisplayName)
			for _, set := range entities.Schema.CompanySets() {
				require.Equal(t, rows(co, set.Name), rows(other, set.Name), "%s %s", co.Name, set.Name)
			}
			require.Equal(t, co.media.blobs, other.media.blobs)
		}
		require.Equal(t, a.version.Load(), b.version.Load())
	}
	generated := freshDemo(DefaultDemo())
	equal(generated, freshDemo(DefaultDemo()))
	equal(generated, demoTenant()) // restored from the cache

	// companies are generated independently, so one company shows the seed's effect
	cfg := DefaultDemo()
	cfg.Seed, cfg.Companies = 2, 1
	c := freshDemo(cfg).Companies()[0]
	for _, set := range []string{"customers", "salesInvoices", "generalLedgerEntries", "timeRegistrationEntries"} {
		require.NotEqual(t, rows(generated.Companies()[0], set), rows(c, set), set)
	}
}

// TestDemoCacheIsolation checks that tenants restored from the cache do not
// see each other's changes.
func TestDemoCacheIsolation(t *testing.T) {
	t.Parallel()
	a, b := demoOf(DefaultDemo()), demoOf(DefaultDemo())
	ca, cb := a.Companies()[1], b.Companies()[1]
	before := rows(cb, "customers")
	first := before[0]
	_, err := ca.Update("customers", first["id"], map[string]any{"displayName": "Changed", "lastModifiedDateTime": "2026-11-01T10:00:00Z"})
	require.NoError(t, err)
	require.NoError(t, ca.Delete("customers", before[1]["id"]))
	_, err = ca.Insert("customers", map[string]any{"displayName": "New", "number": "C99999", "lastModifiedDateTime": "2026-11-01T10:00:00Z"})
	require.NoError(t, err)
	require.Equal(t, before, rows(cb, "customers"))
	got, ok := ca.Get("customers", first["id"])
	require.True(t, ok)
	require.Equal(t, "Changed", got["displayName"])

	ca.media.mu.Lock()
	for k := range ca.media.blobs {
		ca.media.blobs[k] = blob{contentType: "text/plain", data: []byte("changed")}
	}
	ca.media.mu.Unlock()
	for _, v := range cb.media.blobs {
		require.NotEqual(t, "changed", string(v.data))
	}
}

var (
	dateTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$`)
	decimalRE  = regexp.MustCompile(`^-?\d+(\.\d+)?$`)
)

// checkValue reports what is wrong with a wire-text value for its column.
func checkValue(c table.Column, v string) error {
	switch c.Kind {
	case filter.GUID:
		if !isGUID(v) || strings.ToLower(v) != v {
			return fmt.Errorf("not a lowercase GUID")
		}
	case filter.Date:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return err
		}
	case filter.DateTime:
		if !dateTimeRE.MatchString(v) {
			return fmt.Errorf("not a BC datetime")
		}
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return err
		}
	case filter.Decimal:
		if !decimalRE.MatchString(v) {
			return fmt.Errorf("not a decimal")
		}
	case filter.Int:
		if _, err := strconv.ParseInt(v, 10, 32); err != nil {
			return err
		}
	case filter.Bool:
		if v != "true" && v != "false" {
			return fmt.Errorf("not a boolean")
		}
	case filter.Enum:
		if !slices.Contains(c.Enum, v) {
			return fmt.Errorf("not a member of %v", c.Enum)
		}
	case filter.String:
		if !utf8.ValidString(v) {
			return fmt.Errorf("invalid UTF-8")
		}
		if n := utf8.RuneCountInString(v); c.Prop.MaxLength > 0 && n > c.Prop.MaxLength {
			return fmt.Errorf("%d characters, more than %d", n, c.Prop.MaxLength)
		}
		if strings.TrimSpace(v) != v {
			return fmt.Errorf("leading or trailing space")
		}
	}
	return nil
}

func TestDemoEverySetValid(t *testing.T) {
	t.Parallel()
	for _, co := range demoTenant().Companies() {
		for _, set := range entities.Schema.CompanySets() {
			tbl, err := co.std(set.Name)
			require.NoError(t, err)
			require.Positive(t, co.Count(set.Name), "%s: %s is empty", co.Name, set.Name)
			co.Each(set.Name, func(m map[string]string) bool {
				for _, c := range tbl.Cols {
					if err := checkValue(c, m[c.Name]); err != nil {
						t.Errorf("%s: %s.%s = %q: %v", co.Name, set.Name, c.Name, m[c.Name], err)
						return false
					}
				}
				return true
			})
		}
	}
}

// TestDemoColumnsFilled guards against a generator forgetting properties:
// apart from those BC leaves empty in practice, every column has a
// non-empty value in some company.
func TestDemoColumnsFilled(t *testing.T) {
	t.Parallel()
	// columns the demo leaves at BC's empty value, as real tenants mostly do
	empty := map[string]bool{
		"consolidationCode": true, "valueConsolidationCode": true, "consolidationDebitAccount": true,
		"consolidationCreditAccount": true, "excludeFromConsolidation": true, "description2": true, "displayName2": true,
		"discountAmount": true, "discountAppliedBeforeTax": true, "invoiceDiscountAllocation": true, "pricesIncludeTax": true,
		"orderId": true, "allowQueryFromConsolidation": true, "shortcutDimension7Code": true, "shortcutDimension8Code": true,
		"priceIncludesTax": true, "intercompanyEnabled": true, "mobilePhoneNumber": true, "email2": true,
		"recordIdToProcess": true, "parameterString": true, "runInUserSession": true, "userSessionId": true,
		"userSessionStarted": true, "notifyOnSuccess": true, "printerName": true, "reportRequestPageOptions": true,
		"manualRecurrence": true, "expirationDateTime": true, "runOnSaturdays": true, "runOnSundays": true,
		"dateFilter_FilterOnly": true, "relationalCurrencyCode": true, "bankAccounts.blocked": true,
		"journalLines.externalDocumentNumber": true, "journalLines.taxCode": true, "locations.website": true,
		"salespeoplePurchasers.privacyBlocked": true, "purchaseInvoices.shipToContact": true, "purchaseOrders.shipToContact": true, "purchaseReceipts.shipToContact": true,
	}
	for _, set := range entities.Schema.CompanySets() {
		filled := map[string]bool{}
		for _, co := range demoTenant().Companies() {
			tbl, _ := co.std(set.Name)
			co.Each(set.Name, func(m map[string]string) bool {
				for _, c := range tbl.Cols {
					if v := m[c.Name]; v != c.EmptyValue() && v != "0" {
						filled[c.Name] = true
					}
				}
				return true
			})
		}
		tbl, _ := demoTenant().Companies()[0].std(set.Name)
		for _, c := range tbl.Cols {
			if !filled[c.Name] && !empty[c.Name] && !empty[set.Name+"."+c.Name] && !strings.HasSuffix(strings.ToLower(c.Name), "addressline2") {
				t.Errorf("%s.%s is always empty", set.Name, c.Name)
			}
		}
	}
}

// ids returns the values of a column, as a set.
func ids(co *Company, set, col string) map[string]bool {
	tbl, err := co.std(set)
	if err != nil {
		panic(err)
	}
	ci := tbl.ColIdx[col]
	out := map[string]bool{}
	tbl.Mu.RLock()
	defer tbl.Mu.RUnlock()
	tbl.Scan(math.MinInt64, 0, math.MaxInt, func(r *table.Row) bool {
		out[r.Vals[ci]] = true
		return true
	})
	return out
}

func TestDemoReferences(t *testing.T) {
	t.Parallel()
	refs := []struct {
		set, col, target, targetCol string
		zeroOK                      bool
	}{
		{"salesInvoiceLines", "documentId", "salesInvoices", "id", false},
		{"salesOrderLines", "documentId", "salesOrders", "id", false},
		{"salesQuoteLines", "documentId", "salesQuotes", "id", false},
		{"salesCreditMemoLines", "documentId", "salesCreditMemos", "id", false},
		{"salesShipmentLines", "documentId", "salesShipments", "id", false},
		{"purchaseInvoiceLines", "documentId", "purchaseInvoices", "id", false},
		{"purchaseOrderLines", "documentId", "purchaseOrders", "id", false},
		{"purchaseCreditMemoLines", "documentId", "purchaseCreditMemos", "id", false},
		{"purchaseReceiptLines", "documentId", "purchaseReceipts", "id", false},
		{"salesInvoiceLines", "itemId", "items", "id", true},
		{"salesInvoiceLines", "accountId", "accounts", "id", true},
		{"purchaseInvoiceLines", "itemId", "items", "id", true},
		{"salesOrderLines", "itemVariantId", "itemVariants", "id", true},
		{"salesInvoiceLines", "locationId", "locations", "id", true},
		{"salesInvoices", "customerId", "customers", "id", false},
		{"salesInvoices", "customerNumber", "customers", "number", false},
		{"salesInvoices", "paymentTermsId", "paymentTerms", "id", false},
		{"salesInvoices", "currencyId", "currencies", "id", true},
		{"salesInvoices", "disputeStatusId", "disputeStatus", "id", true},
		{"salesInvoices", "shortcutDimension1Code", "dimensionValues", "code", true},
		{"salesOrders", "customerId", "customers", "id", false},
		{"salesQuotes", "customerId", "customers", "id", false},
		{"salesCreditMemos", "customerId", "customers", "id", false},
		{"salesCreditMemos", "invoiceId", "salesInvoices", "id", false},
		{"salesShipments", "customerId", "customers", "id", false},
		{"purchaseInvoices", "vendorId", "vendors", "id", false},
		{"purchaseOrders", "vendorId", "vendors", "id", false},
		{"purchaseCreditMemos", "vendorId", "vendors", "id", false},
		{"purchaseCreditMemos", "invoiceId", "purchaseInvoices", "id", false},
		{"purchaseReceipts", "vendorNumber", "vendors", "number", false},
		{"journalLines", "journalId", "journals", "id", false},
		{"customerPayments", "journalId", "customerPaymentJournals", "id", false},
		{"customerPayments", "customerId", "customers", "id", false},
		{"customerPayments", "appliesToInvoiceId", "salesInvoices", "id", false},
		{"vendorPayments", "journalId", "vendorPaymentJournals", "id", false},
		{"vendorPayments", "vendorId", "vendors", "id", false},
		{"generalLedgerEntries", "accountId", "accounts", "id", false},
		{"generalLedgerEntries", "accountNumber", "accounts", "number", false},
		{"customers", "paymentTermsId", "paymentTerms", "id", false},
		{"customers", "shipmentMethodId", "shipmentMethods", "id", false},
		{"customers", "paymentMethodId", "paymentMethods", "id", true},
		{"customers", "taxAreaId", "taxAreas", "id", false},
		{"customers", "currencyId", "currencies", "id", true},
		{"customers", "salespersonCode", "salespeoplePurchasers", "code", false},
		{"vendors", "paymentTermsId", "paymentTerms", "id", false},
		{"items", "itemCategoryId", "itemCategories", "id", false},
		{"items", "baseUnitOfMeasureId", "unitsOfMeasure", "id", false},
		{"items", "taxGroupId", "taxGroups", "id", false},
		{"items", "generalProductPostingGroupId", "generalProductPostingGroups", "id", false},
		{"items", "inventoryPostingGroupId", "inventoryPostingGroups", "id", true},
		{"itemVariants", "itemId", "items", "id", false},
		{"itemLedgerEntries", "itemNumber", "items", "number", false},
		{"dimensionValues", "dimensionId", "dimensions", "id", false},
		{"dimensionSetLines", "id", "dimensions", "id", false},
		{"dimensionSetLines", "valueId", "dimensionValues", "id", false},
		{"defaultDimensions", "dimensionId", "dimensions", "id", false},
		{"defaultDimensions", "dimensionValueId", "dimensionValues", "id", true},
		{"timeRegistrationEntries", "employeeId", "employees", "id", false},
		{"timeRegistrationEntries", "jobId", "projects", "id", true},
		{"timeRegistrationEntries", "unitOfMeasureId", "unitsOfMeasure", "id", false},
		{"currencyExchangeRates", "currencyCode", "currencies", "code", false},
		{"bankAccounts", "currencyId", "currencies", "id", true},
		{"trialBalances", "accountId", "accounts", "id", false},
		{"customerFinancialDetails", "id", "customers", "id", false},
		{"agedAccountsReceivables", "customerId", "customers", "id", false},
		{"agedAccountsPayables", "vendorId", "vendors", "id", false},
		{"customerSales", "customerId", "customers", "id", false},
		{"vendorPurchases", "vendorId", "vendors", "id", false},
		{"contactsInformation", "contactId", "contacts", "id", false},
		{"customerContacts", "customerId", "customers", "id", false},
		{"customerContacts", "id", "contacts", "id", false},
		{"opportunities", "contactNumber", "contacts", "number", false},
		{"fixedAssets", "fixedAssetLocationId", "fixedAssetLocations", "id", false},
		{"fixedAssets", "employeeId", "employees", "id", true},
		{"jobQueueLogEntries", "jobQueueEntryId", "jobQueueEntries", "jobQueueEntryId", false},
		{"journals", "balancingAccountId", "accounts", "id", true},
	}
	for _, co := range demoTenant().Companies() {
		for _, r := range refs {
			targets := ids(co, r.target, r.targetCol)
			for v := range ids(co, r.set, r.col) {
				if r.zeroOK && (v == table.ZeroGUID || v == "") {
					continue
				}
				require.True(t, targets[v], "%s: %s.%s = %q not in %s.%s", co.Name, r.set, r.col, v, r.target, r.targetCol)
			}
		}
		checkParents(t, co)
		checkTotals(t, co)
		checkLedgerBalances(t, co)
	}
}

// checkParents checks that dimensionSetLines, defaultDimensions and
// attachments point at parents of their parentType.
func checkParents(t *testing.T, co *Company) {
	byType := map[string]string{
		"Sales_x0020_Invoice": "salesInvoices", "Sales_x0020_Invoice_x0020_Line": "salesInvoiceLines",
		"Sales_x0020_Order": "salesOrders", "Sales_x0020_Order_x0020_Line": "salesOrderLines",
		"Sales_x0020_Quote": "salesQuotes", "Sales_x0020_Quote_x0020_Line": "salesQuoteLines",
		"Sales_x0020_Credit_x0020_Memo": "salesCreditMemos", "Sales_x0020_Credit_x0020_Memo_x0020_Line": "salesCreditMemoLines",
		"Sales_x0020_Shipment": "salesShipments", "Sales_x0020_Shipment_x0020_Line": "salesShipmentLines",
		"Purchase_x0020_Invoice": "purchaseInvoices", "Purchase_x0020_Invoice_x0020_Line": "purchaseInvoiceLines",
		"Purchase_x0020_Order": "purchaseOrders", "Purchase_x0020_Order_x0020_Line": "purchaseOrderLines",
		"Purchase_x0020_Credit_x0020_Memo": "purchaseCreditMemos", "Purchase_x0020_Credit_x0020_Memo_x0020_Line": "purchaseCreditMemoLines",
		"Purchase_x0020_Receipt": "purchaseReceipts", "Purchase_x0020_Receipt_x0020_Line": "purchaseReceiptLines",
		"Journal_x0020_Line": "journalLines", "Journal": "journalLines",
		"Customer": "customers", "Vendor": "vendors", "Item": "items", "Employee": "employees", "Job": "projects",
	}
	values := map[string]map[string]string{} // value id → dimension id, code
	co.Each("dimensionValues", func(m map[string]string) bool {
		values[m["id"]] = map[string]string{"dim": m["dimensionId"], "code": m["code"], "name": m["displayName"]}
		return true
	})
	dims := map[string]map[string]string{}
	co.Each("dimensions", func(m map[string]string) bool {
		dims[m["id"]] = m
		return true
	})
	seenTypes := map[string]bool{}
	for _, set := range []string{"dimensionSetLines", "defaultDimensions", "attachments", "documentAttachments", "pdfDocument"} {
		co.Each(set, func(m map[string]string) bool {
			target, ok := byType[m["parentType"]]
			require.True(t, ok, "%s.parentType %s", set, m["parentType"])
			seenTypes[set+" "+m["parentType"]] = true
			_, found := co.Get(target, m["parentId"])
			require.True(t, found, "%s: %s parent %s not in %s", co.Name, set, m["parentId"], target)
			if set == "dimensionSetLines" {
				v := values[m["valueId"]]
				require.Equal(t, m["id"], v["dim"])
				require.Equal(t, m["valueCode"], v["code"])
				require.Equal(t, m["valueDisplayName"], v["name"])
				require.Equal(t, dims[m["id"]]["code"], m["code"])
				require.Equal(t, dims[m["id"]]["displayName"], m["displayName"])
			}
			return true
		})
	}
	for _, want := range []string{"dimensionSetLines Sales_x0020_Invoice", "dimensionSetLines Sales_x0020_Invoice_x0020_Line",
		"dimensionSetLines Purchase_x0020_Invoice", "dimensionSetLines Journal_x0020_Line", "defaultDimensions Customer",
		"defaultDimensions Employee", "attachments Sales_x0020_Invoice", "documentAttachments Job"} {
		require.True(t, seenTypes[want], want)
	}
}

func dec(t *testing.T, s string) decimal.Decimal {
	d, err := decimal.NewFromString(s)
	require.NoError(t, err)
	return d
}

// checkTotals checks that every document's totals are the sums of its lines.
func checkTotals(t *testing.T, co *Company) {
	for _, p := range [][2]string{{"salesInvoices", "salesInvoiceLines"}, {"salesOrders", "salesOrderLines"},
		{"salesQuotes", "salesQuoteLines"}, {"salesCreditMemos", "salesCreditMemoLines"},
		{"purchaseInvoices", "purchaseInvoiceLines"}, {"purchaseOrders", "purchaseOrderLines"},
		{"purchaseCreditMemos", "purchaseCreditMemoLines"}} {
		sums := map[string][3]decimal.Decimal{}
		co.Each(p[1], func(m map[string]string) bool {
			s := sums[m["documentId"]]
			s[0] = s[0].Add(dec(t, m["netAmount"]))
			s[1] = s[1].Add(dec(t, m["netTaxAmount"]))
			s[2] = s[2].Add(dec(t, m["netAmountIncludingTax"]))
			require.True(t, dec(t, m["amountIncludingTax"]).Equal(dec(t, m["amountExcludingTax"]).Add(dec(t, m["totalTaxAmount"]))))
			sums[m["documentId"]] = s
			return true
		})
		statuses := map[string]bool{}
		co.Each(p[0], func(m map[string]string) bool {
			s := sums[m["id"]]
			require.True(t, s[0].Equal(dec(t, m["totalAmountExcludingTax"])), "%s %s", p[0], m["number"])
			require.True(t, s[1].Equal(dec(t, m["totalTaxAmount"])), "%s %s", p[0], m["number"])
			require.True(t, s[2].Equal(dec(t, m["totalAmountIncludingTax"])), "%s %s", p[0], m["number"])
			statuses[m["status"]] = true
			return true
		})
		if p[0] == "salesInvoices" || p[0] == "purchaseInvoices" {
			for _, st := range []string{"Draft", "Open", "Paid", "Canceled"} {
				require.True(t, statuses[st], "%s has no %s invoice", p[0], st)
			}
		}
	}
	lineTypes := ids(co, "salesInvoiceLines", "lineType")
	require.Equal(t, map[string]bool{"Item": true, "Account": true, "Comment": true}, lineTypes)
}

// checkLedgerBalances checks that each G/L document balances and that
// entries post to open posting accounts.
func checkLedgerBalances(t *testing.T, co *Company) {
	posting := map[string]bool{}
	co.Each("accounts", func(m map[string]string) bool {
		posting[m["id"]+m["number"]] = m["accountType"] == "Posting" && m["blocked"] == "false"
		return true
	})
	sums := map[string]decimal.Decimal{}
	co.Each("generalLedgerEntries", func(m map[string]string) bool {
		require.True(t, posting[m["accountId"]+m["accountNumber"]], "entry %s posts to %s", m["entryNumber"], m["accountNumber"])
		d, c := dec(t, m["debitAmount"]), dec(t, m["creditAmount"])
		require.True(t, d.IsZero() != c.IsZero(), "entry %s: debit %s credit %s", m["entryNumber"], d, c)
		sums[m["documentNumber"]] = sums[m["documentNumber"]].Add(d).Sub(c)
		return true
	})
	for doc, s := range sums {
		require.True(t, s.IsZero(), "%s: document %s is off by %s", co.Name, doc, s)
	}
}
