package plan

import "github.com/bcsdk/bc"

// webhookSets are the API v2.0 sets BC documents webhooks for
// (webhookSupportedResources). Custom API pages get webhooks when eligible,
// so their sets are tried.
// See https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamics-subscriptions
var webhookSets = map[string]bool{
	"accounts": true, "companyInformation": true, "countriesRegions": true, "currencies": true,
	"customerPaymentJournals": true, "customers": true, "dimensions": true, "employees": true,
	"generalLedgerEntries": true, "itemCategories": true, "items": true, "journals": true,
	"paymentMethods": true, "paymentTerms": true, "purchaseInvoices": true, "salesCreditMemos": true,
	"salesInvoices": true, "salesOrders": true, "salesQuotes": true, "shipmentMethods": true,
	"unitsOfMeasure": true, "vendors": true,
}

// Subscribable reports whether s may get a webhook subscription: a set
// stored in its own table, with lastModifiedDateTime so an incremental read
// finds what a notification names, and webhooks on BC's side.
func Subscribable(s *Set) bool {
	if !s.Store || !s.LastModified {
		return false
	}
	return s.Route != bc.StandardRoute || webhookSets[s.Name]
}
