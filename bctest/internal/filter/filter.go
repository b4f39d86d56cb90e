// Package filter is the $filter engine of the fake BC server: it parses a
// filter once per request, type-checks it against the entity's fields, and
// evaluates it against many rows without allocating.
//
// It accepts the subset of OData v4 that Business Central supports and
// refuses the rest the way BC does (or across fields, unsupported functions,
// `in` and nested functions before $schemaversion=2.1); lambda operators are
// silently ignored, as BC ignores them; see
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/odata-known-limitations.
//
// Rows are []string in wire-text form: the JSON token text without quotes
// (413.28, 2025-05-08, 2025-05-16T15:37:35.593Z, Credit_x0020_Memo, …).
package filter

// Kind is the type of a field, which decides how its literals are parsed and
// how its row values compare. The zero value is String.
type Kind int

// The kinds of BC API properties.
const (
	String   Kind = iota // Edm.String: ordinal (byte order), case-sensitive
	GUID                 // Edm.Guid: case-insensitive, ordered as SQL Server orders uniqueidentifier
	Date                 // Edm.Date: YYYY-MM-DD
	DateTime             // Edm.DateTimeOffset: YYYY-MM-DDThh:mm:ss(.fff)Z
	Decimal              // Edm.Decimal: exact
	Int                  // Edm.Int32/Int64
	Bool                 // Edm.Boolean: false < true
	Enum                 // an enum type: wire names, ordered by declaration
)

var kindNames = [...]string{"String", "GUID", "Date", "DateTime", "Decimal", "Int", "Bool", "Enum"}

// String returns the kind's name as used in error messages ("Date").
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "Kind(?)"
	}
	return kindNames[k]
}

// Field describes one property of the entity type, as the resolver reports
// it.
type Field struct {
	Name  string // wire name, e.g. postingDate
	Index int    // position of the value in the row slice
	Kind  Kind
	Enum  []string // members' wire names in declared order (Kind Enum only)
}

// Resolver looks up a property of the entity type by its wire name.
type Resolver func(name string) (Field, bool)

// Options are the request facts that change what a filter may contain.
type Options struct {
	// SchemaVersion is the request's $schemaversion: "" or "2.0" (the
	// default) or "2.1". Only 2.1 parses `in` and nested function calls.
	SchemaVersion string
	// EntityType names the entity type in error messages, e.g.
	// "Microsoft.NAV.customer".
	EntityType string
}

// Filter is a parsed, type-checked $filter. It is immutable and safe for
// concurrent use.
type Filter struct {
	root   matcher
	fields []string
	conj   []*compare // top-level AND conjuncts usable for Range
	lambda bool
}

// Match reports whether row satisfies the filter. A row value that does not
// parse as its field's kind makes that comparison false.
func (f *Filter) Match(row []string) bool {
	return f.root.match(row)
}

// Fields returns the distinct fields the filter references, in order of
// first appearance.
func (f *Filter) Fields() []string {
	return append([]string(nil), f.fields...)
}

// IgnoredLambda reports whether the filter contained a lambda operator
// (nav/any(…), nav/all(…)). BC silently ignores them and returns unfiltered
// rows, so the filter treats them as true; tests use this to assert that
// clients never send them.
func (f *Filter) IgnoredLambda() bool { return f.lambda }
