// Package sets gives typed access to the standard API v2.0's entity sets:
// one accessor per set, each returning a named type that embeds
// *bc.EntitySet and adds the set's bound actions (Post, Cancel…),
// navigation (Lines) and media. It is generated from the same $metadata as
// the entities package and kept apart so that package bc's documentation
// stays short.
//
//	for cust, err := range sets.For(c.Company(id)).Customers().List(q).All(ctx) { … }
//	err := sets.For(co).SalesInvoices().Post(ctx, invoiceID)
//
// The companies and subscriptions sets are package bc's own
// (Route.Companies, Route.Subscriptions).
package sets

//go:generate go run ../cmd/bcgen -accessors standard -package sets -out . -metadata ../internal/realbc/testdata/bc-v26-metadata.xml -source "BC online API v2.0 ${DOLLAR}metadata, server build 26.0.30643"
