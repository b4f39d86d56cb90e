package bctest

import (
	"math"
	"testing"

	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// ids returns the values of a column, as a set.
func ids(co *Company, set, col string) map[string]bool {
	tbl, err := co.co.Std(set)
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
