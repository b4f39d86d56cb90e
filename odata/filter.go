package odata

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Expr is one $filter expression. The set of expressions is closed (build
// them with Eq, In, Contains, And, Or, RawFilter and friends) so that every
// filter the SDK sends has passed BC's restrictions; see
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/use-filter-expressions-in-odata-uris.
//
// Rendering errors are reported by [Query.Filter] through [Query.Err],
// [Query.Values] and [Query.Encode]; String is for debugging only.
type Expr interface {
	// String renders the expression as filter text, or describes its error.
	String() string

	render() (string, precedence, error)
	// leafFields calls add for the field of every comparison or function
	// below the expression; RawFilter contributes none.
	leafFields(add func(string))
	usesIn() bool
}

// precedence tells a parent And or Or whether a child needs parentheses.
type precedence uint8

const (
	precTerm precedence = iota // comparison, function or in: never wrapped
	precAnd
	precOr
	precRaw // opaque text: wrapped whenever it has siblings
)

// comparison is field op literal.
type comparison struct {
	fn, op string
	field  string
	value  any
}

// Eq matches rows whose field equals value (field eq value). The value is
// rendered by FormatLiteral; use a GUID for Edm.Guid fields and DateOf for
// Edm.Date fields so that they go unquoted as BC requires.
func Eq(field string, value any) Expr { return comparison{"Eq", "eq", field, value} }

// Ne matches rows whose field differs from value (field ne value).
func Ne(field string, value any) Expr { return comparison{"Ne", "ne", field, value} }

// Gt matches rows whose field is greater than value (field gt value).
func Gt(field string, value any) Expr { return comparison{"Gt", "gt", field, value} }

// Ge matches rows whose field is at least value (field ge value).
func Ge(field string, value any) Expr { return comparison{"Ge", "ge", field, value} }

// Lt matches rows whose field is less than value (field lt value).
func Lt(field string, value any) Expr { return comparison{"Lt", "lt", field, value} }

// Le matches rows whose field is at most value (field le value).
func Le(field string, value any) Expr { return comparison{"Le", "le", field, value} }

func (c comparison) render() (string, precedence, error) {
	if err := validateField(c.field); err != nil {
		return "", 0, fmt.Errorf("odata: %s: %w", c.fn, err)
	}
	lit, err := formatLiteral(c.value)
	if err != nil {
		return "", 0, fmt.Errorf("odata: %s(%q): %w", c.fn, c.field, err)
	}
	return c.field + " " + c.op + " " + lit, precTerm, nil
}

func (c comparison) leafFields(add func(string)) { add(c.field) }
func (c comparison) usesIn() bool                { return false }
func (c comparison) String() string              { return exprString(c) }

// inList is field in (v1,v2,…).
type inList struct {
	field  string
	values []any
}

// In matches rows whose field equals one of values: field in ('a','b'). It
// is the way to match several values of one field. BC only parses `in` with
// $schemaversion=2.1, so a Query that uses In sends that version itself; see
// https://learn.microsoft.com/dynamics365/release-plan/2024wave1/smb/dynamics365-business-central/use-odata-v4-operator-web-service-queries.
func In(field string, values ...any) Expr {
	return inList{field, append([]any(nil), values...)}
}

func (l inList) render() (string, precedence, error) {
	if err := validateField(l.field); err != nil {
		return "", 0, fmt.Errorf("odata: In: %w", err)
	}
	if len(l.values) == 0 {
		return "", 0, fmt.Errorf("odata: In(%q) needs at least one value: an empty list matches nothing, so skip the query instead", l.field)
	}
	lits := make([]string, len(l.values))
	for i, v := range l.values {
		lit, err := formatLiteral(v)
		if err != nil {
			return "", 0, fmt.Errorf("odata: In(%q) value %d: %w", l.field, i, err)
		}
		lits[i] = lit
	}
	return l.field + " in (" + strings.Join(lits, ",") + ")", precTerm, nil
}

func (l inList) leafFields(add func(string)) { add(l.field) }
func (l inList) usesIn() bool                { return true }
func (l inList) String() string              { return exprString(l) }

// function is name(field,'arg') for BC's string functions.
type function struct {
	fn, name string
	field    string
	arg      string
}

// Contains matches rows whose field contains substr: contains(field,'x').
// BC maps it to an AL wildcard filter (*x*).
func Contains(field, substr string) Expr { return function{"Contains", "contains", field, substr} }

// StartsWith matches rows whose field starts with prefix: startswith(field,'x').
func StartsWith(field, prefix string) Expr {
	return function{"StartsWith", "startswith", field, prefix}
}

// EndsWith matches rows whose field ends with suffix: endswith(field,'x').
func EndsWith(field, suffix string) Expr { return function{"EndsWith", "endswith", field, suffix} }

func (f function) render() (string, precedence, error) {
	if err := validateField(f.field); err != nil {
		return "", 0, fmt.Errorf("odata: %s: %w", f.fn, err)
	}
	lit, err := quoteString(f.arg)
	if err != nil {
		return "", 0, fmt.Errorf("odata: %s(%q): %w", f.fn, f.field, err)
	}
	return f.name + "(" + f.field + "," + lit + ")", precTerm, nil
}

func (f function) leafFields(add func(string)) { add(f.field) }
func (f function) usesIn() bool                { return false }
func (f function) String() string              { return exprString(f) }

// logical joins expressions with and/or.
type logical struct {
	or    bool
	exprs []Expr
}

// And matches rows that satisfy every expression. Nested Or expressions are
// parenthesized.
func And(exprs ...Expr) Expr { return logical{false, append([]Expr(nil), exprs...)} }

// Or matches rows that satisfy any expression. BC only supports `or` between
// comparisons of one field and answers "The 'OR' operator is not supported on
// distinct fields on an OData filter." otherwise, so Or refuses expressions
// whose leaves name more than one field (RawFilter leaves are not checked);
// see https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/odata-known-limitations.
func Or(exprs ...Expr) Expr { return logical{true, append([]Expr(nil), exprs...)} }

func (l logical) name() string {
	if l.or {
		return "Or"
	}
	return "And"
}

func (l logical) render() (string, precedence, error) {
	if len(l.exprs) == 0 {
		return "", 0, fmt.Errorf("odata: %s needs at least one expression", l.name())
	}
	parts := make([]string, len(l.exprs))
	var kinds []precedence
	for i, e := range l.exprs {
		if e == nil {
			return "", 0, fmt.Errorf("odata: %s: expression %d is nil", l.name(), i)
		}
		s, p, err := e.render()
		if err != nil {
			return "", 0, err
		}
		parts[i] = s
		kinds = append(kinds, p)
	}
	if l.or {
		if err := l.checkOneField(); err != nil {
			return "", 0, err
		}
	}
	if len(parts) == 1 {
		return parts[0], kinds[0], nil
	}
	self, op := precAnd, " and "
	if l.or {
		self, op = precOr, " or "
	}
	for i, p := range kinds {
		if p != precTerm && p != self {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, op), self, nil
}

// checkOneField enforces BC's rule that `or` may not span distinct fields.
func (l logical) checkOneField() error {
	var first, other string
	l.leafFields(func(f string) {
		switch {
		case first == "":
			first = f
		case f != first && other == "":
			other = f
		}
	})
	if other == "" {
		return nil
	}
	return fmt.Errorf("odata: Or across distinct fields %q and %q: BC rejects it with "+
		"\"The 'OR' operator is not supported on distinct fields on an OData filter.\"; "+
		"use In on a single field, or run one query per field and merge the results", first, other)
}

func (l logical) leafFields(add func(string)) {
	for _, e := range l.exprs {
		if e != nil {
			e.leafFields(add)
		}
	}
}

func (l logical) usesIn() bool {
	for _, e := range l.exprs {
		if e != nil && e.usesIn() {
			return true
		}
	}
	return false
}

func (l logical) String() string { return exprString(l) }

// raw is filter text supplied by the caller.
type raw string

// lambdaPattern finds the any/all lambda operators (lines/any(l: …)).
var lambdaPattern = regexp.MustCompile(`(?i)/\s*(any|all)\s*\(`)

// RawFilter is an escape hatch for filter text the builders cannot express,
// sent as written (percent-encoded). It is parenthesized when combined with
// other expressions. It refuses the lambda operators any/all outside string
// literals, because BC silently ignores them and returns unfiltered rows; see
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/odata-known-limitations.
// Raw text is not inspected for `in`: set SchemaVersion("2.1") yourself if
// it uses it.
func RawFilter(s string) Expr { return raw(s) }

func (r raw) render() (string, precedence, error) {
	s := string(r)
	if strings.TrimSpace(s) == "" {
		return "", 0, errors.New("odata: RawFilter: empty filter")
	}
	if m := lambdaPattern.FindStringSubmatch(withoutStrings(s)); m != nil {
		return "", 0, fmt.Errorf("odata: RawFilter %q uses the lambda operator %s(): BC silently ignores lambda "+
			"operators and returns unfiltered rows; filter the related entities with "+
			"Expand(nav, New().Filter(...)), i.e. $expand=nav($filter=...), instead", s, strings.ToLower(m[1]))
	}
	return s, precRaw, nil
}

// withoutStrings blanks the contents of single-quoted literals, so that a
// value such as 'a/any(b' is not mistaken for a lambda operator. A doubled
// quote inside a literal closes and reopens it, which keeps it blanked.
func withoutStrings(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			in = !in
			b.WriteByte(c)
		} else if !in {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (r raw) leafFields(func(string)) {}
func (r raw) usesIn() bool            { return false }
func (r raw) String() string          { return exprString(r) }

func exprString(e Expr) string {
	s, _, err := e.render()
	if err != nil {
		return "<invalid: " + err.Error() + ">"
	}
	return s
}

// rendered is an expression already rendered by Query.Filter; storing text
// keeps a Query a snapshot that Clone can copy cheaply.
type rendered struct {
	text string
	prec precedence
	in   bool
}

func (r rendered) render() (string, precedence, error) { return r.text, r.prec, nil }
func (r rendered) leafFields(func(string))             {}
func (r rendered) usesIn() bool                        { return r.in }
func (r rendered) String() string                      { return r.text }
