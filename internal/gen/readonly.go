package gen

import "github.com/bcsdk/bc/schema"

// StandardReadOnly lists, per entity type of the standard API v2.0, the
// properties BC computes and rejects in POST/PATCH bodies ("Control 'X' is
// read-only"). The v26 $metadata carries no Core.Computed annotations, so the
// list is transcribed from the reference notes (shared/reference/bc-api.md
// §3.3), which mark every page field with `Editable = false` in the AL source
// of the API pages (microsoft/BCApps, src/Apps/W1/APIV2/app/src/pages/*.al,
// app version 29.0.0.0) as "(read-only)". Every property marked there is
// listed, including keys and lastModifiedDateTime, which universalReadOnly
// covers anyway, so that the table can be checked against the notes line by
// line. Entity types of §3.3 with no such property (company, accountingPeriod,
// generalLedgerSetup, currencyExchangeRate, trialBalance, the aged-report and
// customerSale/vendorPurchase queries, subscriptions) have no entry.
var StandardReadOnly = map[string][]string{
	"account":            {"id"},
	"attachment":         {"id", "lastModifiedDateTime"},
	"balanceSheet":       {"id"},
	"bankAccount":        {"id", "lastModifiedDateTime"},
	"cashFlowStatement":  {"id"},
	"companyInformation": {"id", "currencyCode", "currentFiscalYearStartDate", "picture"},
	"currency":           {"id"},
	"customer":           {"id", "balanceDue", "taxAreaDisplayName"},
	"customerFinancialDetail": {
		"id", "number", "balance", "totalSalesExcludingTax", "overdueAmount",
	},
	"customerPayment":        {"id", "lastModifiedDateTime"},
	"customerPaymentJournal": {"id", "balancingAccountNumber"},
	"defaultDimension":       {"id", "dimensionCode", "dimensionValueCode", "lastModifiedDateTime"},
	"dimension":              {"id"},
	"dimensionSetLine":       {"consolidationCode", "parentId", "parentType", "valueConsolidationCode"},
	"dimensionValue":         {"id"},
	"documentAttachment":     {"id", "byteSize", "lastModifiedDateTime"},
	"employee":               {"id", "displayName"},
	"generalLedgerEntry":     {"id", "entryNumber"},
	"incomeStatement":        {"id"},
	"item":                   {"id", "lastModifiedDateTime"},
	"journal":                {"id", "balancingAccountNumber"},
	"journalLine":            {"id", "lastModifiedDateTime"},
	"pdfDocument":            {"id", "parentId", "parentType", "pdfDocumentContent"},
	"picture":                {"id", "parentType", "width", "height", "contentType"},
	"project":                {"id", "lastModifiedDateTime"},
	"purchaseInvoice": {
		"id", "number", "vendorName", "payToName", "payToContact",
		"payToAddressLine1", "payToAddressLine2", "payToCity", "payToCountry", "payToState", "payToPostCode",
		"orderId", "orderNumber", "discountAppliedBeforeTax",
		"totalAmountExcludingTax", "totalTaxAmount", "totalAmountIncludingTax", "status",
	},
	"purchaseInvoiceLine":       {"id", "discountAppliedBeforeTax", "taxPercent", "totalTaxAmount"},
	"retainedEarningsStatement": {"id"},
	"salesInvoice": {
		"id", "number", "customerName", "billToName",
		"billToAddressLine1", "billToAddressLine2", "billToCity", "billToCountry", "billToState", "billToPostCode",
		"orderId", "orderNumber", "pricesIncludeTax", "remainingAmount", "discountAppliedBeforeTax",
		"totalAmountExcludingTax", "totalTaxAmount", "totalAmountIncludingTax", "status", "lastModifiedDateTime",
	},
	"salesInvoiceLine": {
		"id", "discountAppliedBeforeTax", "amountExcludingTax", "taxPercent", "totalTaxAmount",
		"amountIncludingTax", "invoiceDiscountAllocation", "netAmount", "netTaxAmount", "netAmountIncludingTax",
	},
	"vendor": {"id"},
	// Not in the notes' table: the one string key BC assigns itself (a
	// subscription's id is BC's answer to the POST).
	"subscriptions": {"subscriptionId"},
}

// universalReadOnly are properties no client may write on any entity type:
// BC's system fields and the change watermark. GUID keys are read-only too,
// and the ETag (@odata.etag) is not a property but is tagged read-only on every
// model.
var universalReadOnly = map[string]bool{
	"lastModifiedDateTime": true,
	"systemCreatedAt":      true,
	"systemCreatedBy":      true,
	"systemModifiedAt":     true,
	"systemModifiedBy":     true,
	"timestamp":            true,
}

// writableKeys are GUID keys a client sets itself on create, so they are
// not read-only: a dimension set line is keyed by its dimension's id, which
// POST takes (or the dimension's code) to say which dimension the line is for.
var writableKeys = map[string]map[string]bool{"dimensionSetLine": {"id": true}}

// ApplyReadOnly marks read-only, on the entity types of s: GUID keys, which
// BC assigns (SystemId, exposed as id), the universal system properties and
// the properties overrides lists for the type. Other keys — a custom API's
// or ODataV4 page's Document_Type, Document_No, Line_No — are the client's
// to supply on create, so they stay writable there (an update never sends a
// key: it is in the URL). Names in overrides that s does not have are
// ignored, so one table can serve documents of different versions.
// Properties the document itself annotates Core.Computed are read-only
// already.
func ApplyReadOnly(s *schema.Service, overrides map[string][]string) {
	for i := range s.EntityTypes {
		t := &s.EntityTypes[i]
		listed := map[string]bool{}
		for _, name := range overrides[t.Name] {
			listed[name] = true
		}
		for j := range t.Properties {
			p := &t.Properties[j]
			if p.Key && p.Type == "Edm.Guid" && !writableKeys[t.Name][p.Name] || universalReadOnly[p.Name] || listed[p.Name] {
				p.ReadOnly = true
			}
		}
	}
}
