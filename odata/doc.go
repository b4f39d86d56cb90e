// Package odata builds the OData query strings that Business Central's API
// accepts, and refuses the ones it rejects or silently ignores.
//
// Business Central implements a subset of OData v4: `or` works only on one
// field, lambda operators (any/all) are dropped without an error, `in` needs
// $schemaversion=2.1, and GUID, date and number literals go unquoted while
// strings and enum names are single-quoted. A Query knows these rules, so a
// mistake surfaces as an error from [Query.Err], [Query.Values] or
// [Query.Encode] before a request is sent.
// See https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/use-filter-expressions-in-odata-uris
// and https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/odata-known-limitations.
//
// Builder methods never panic: the first error is recorded and every later
// call is a no-op.
package odata
