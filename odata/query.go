package odata

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/google/go-querystring/query"
)

// MaxPageSizeLimit is the largest page BC online serves (20,000 entities),
// and so the largest value MaxPageSize accepts; see
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/server-driven-paging-in-odata-web-services.
const MaxPageSizeLimit = 20000

// inSchemaVersion is the $schemaversion under which BC parses `in`.
const inSchemaVersion = "2.1"

// Query is a set of OData query options for one BC request. Build it with New
// and the chained methods; the zero value is an empty query too. A Query is
// not safe for concurrent modification; Clone it to derive variants.
type Query struct {
	err           error
	filters       []Expr // rendered, one per Filter call
	selects       []string
	expands       []expansion
	orderBy       []string
	top, skip     int
	hasTop        bool
	hasSkip       bool
	count         bool
	pageSize      int
	schemaVersion string
	extra         url.Values
}

type expansion struct {
	nav string
	sub *Query // nil when the navigation property has no options
}

// New returns an empty Query.
func New() *Query { return &Query{} }

func (q *Query) fail(err error) *Query {
	if q.err == nil {
		q.err = err
	}
	return q
}

// Filter adds expressions to $filter; all of them, across calls, must hold
// (they are joined with and). The expressions are rendered now, so values
// behind pointers are captured at this call. Calling it with no expressions
// does nothing.
func (q *Query) Filter(exprs ...Expr) *Query {
	if q.err != nil || len(exprs) == 0 {
		return q
	}
	for i, e := range exprs {
		if e == nil {
			return q.fail(fmt.Errorf("odata: Filter: expression %d is nil", i))
		}
	}
	and := logical{exprs: exprs}
	text, prec, err := and.render()
	if err != nil {
		return q.fail(err)
	}
	q.filters = append(q.filters, rendered{text, prec, and.usesIn()})
	return q.checkSchemaVersion()
}

// Select limits the response to the given fields ($select). BC recommends it:
// without it every field is returned, including fields added by extensions;
// see https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/odata-client-performance.
func (q *Query) Select(fields ...string) *Query {
	if q.err != nil {
		return q
	}
	if len(fields) == 0 {
		return q.fail(errors.New("odata: Select needs at least one field"))
	}
	for _, f := range fields {
		if err := validateField(f); err != nil {
			return q.fail(fmt.Errorf("odata: Select: %w", err))
		}
	}
	q.selects = append(q.selects, fields...)
	return q
}

// Expand includes the related entities of navigation property nav
// ($expand). An optional sub-query adds nested options written as
// nav($select=…;$filter=…;$expand=…;$orderby=…;$top=…;$skip=…); it is copied,
// so later changes to it do not affect q. Nested $filter is also the way to
// filter on related entities, since BC ignores any/all lambdas.
func (q *Query) Expand(nav string, sub ...*Query) *Query {
	if q.err != nil {
		return q
	}
	if err := validateField(nav); err != nil {
		return q.fail(fmt.Errorf("odata: Expand: %w", err))
	}
	if len(sub) > 1 {
		return q.fail(fmt.Errorf("odata: Expand(%q) takes at most one sub-query, got %d: combine the options into one Query", nav, len(sub)))
	}
	e := expansion{nav: nav}
	if len(sub) == 1 && sub[0] != nil {
		s := sub[0]
		if s.err != nil {
			return q.fail(wrapf(s.err, "Expand(%q)", nav))
		}
		if opt := s.topLevelOnly(); opt != "" {
			return q.fail(fmt.Errorf("odata: Expand(%q): the sub-query sets %s, which BC only accepts on the request itself; "+
				"inside $expand use only Select, Filter, Expand, OrderBy, Top and Skip", nav, opt))
		}
		e.sub = s.Clone()
	}
	q.expands = append(q.expands, e)
	return q.checkSchemaVersion()
}

// topLevelOnly names the first option set on q that cannot be nested inside
// $expand, or returns "".
func (q *Query) topLevelOnly() string {
	switch {
	case q.count:
		return "Count ($count)"
	case q.pageSize != 0:
		return "MaxPageSize (a request header)"
	case q.schemaVersion != "":
		return "SchemaVersion ($schemaversion)"
	case len(q.extra) > 0:
		return "Raw or Params parameters"
	}
	return ""
}

// OrderBy sorts ascending by field ($orderby=field). Later calls add
// secondary sort keys. BC API queries (as opposed to pages) may answer
// BadRequest_MethodNotImplemented when the order differs from the query's own.
func (q *Query) OrderBy(field string) *Query { return q.order(field, "OrderBy", "") }

// OrderByDesc sorts descending by field ($orderby=field desc). Later calls
// add secondary sort keys.
func (q *Query) OrderByDesc(field string) *Query { return q.order(field, "OrderByDesc", " desc") }

func (q *Query) order(field, fn, suffix string) *Query {
	if q.err != nil {
		return q
	}
	if err := validateField(field); err != nil {
		return q.fail(fmt.Errorf("odata: %s: %w", fn, err))
	}
	q.orderBy = append(q.orderBy, field+suffix)
	return q
}

// Top limits the result to n entities ($top). Use it for samples, not for
// paging: BC pages through @odata.nextLink and advises against $top/$skip
// paging; see MaxPageSize.
func (q *Query) Top(n int) *Query {
	if q.err != nil {
		return q
	}
	if n < 0 {
		return q.fail(fmt.Errorf("odata: Top(%d): must not be negative", n))
	}
	q.top, q.hasTop = n, true
	return q
}

// Skip skips the first n entities ($skip). Like Top, it is not a way to page;
// follow @odata.nextLink instead.
func (q *Query) Skip(n int) *Query {
	if q.err != nil {
		return q
	}
	if n < 0 {
		return q.fail(fmt.Errorf("odata: Skip(%d): must not be negative", n))
	}
	q.skip, q.hasSkip = n, true
	return q
}

// Count asks for the total number of matching entities inline
// ($count=true, answered as @odata.count). BC does not document it.
func (q *Query) Count() *Query {
	if q.err == nil {
		q.count = true
	}
	return q
}

// MaxPageSize sets how many entities BC returns per page, 1 to
// MaxPageSizeLimit. It is not a query option: the client sends it as the
// header `Prefer: odata.maxpagesize=N` on every page request; see
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/server-driven-paging-in-odata-web-services.
func (q *Query) MaxPageSize(n int) *Query {
	if q.err != nil {
		return q
	}
	if n < 1 || n > MaxPageSizeLimit {
		return q.fail(fmt.Errorf("odata: MaxPageSize(%d) out of range: BC online serves 1 to %d entities per page; "+
			"to read more, follow @odata.nextLink", n, MaxPageSizeLimit))
	}
	q.pageSize = n
	return q
}

// PageSize returns the value set by MaxPageSize, or 0 if unset, for the
// client to send as `Prefer: odata.maxpagesize=N`.
func (q *Query) PageSize() int { return q.pageSize }

// SchemaVersion sets $schemaversion, e.g. "2.1", which custom APIs need for
// `in` and nested function calls. A query that uses In gets 2.1
// automatically; any other explicit version conflicts with In and is an error.
func (q *Query) SchemaVersion(v string) *Query {
	if q.err != nil {
		return q
	}
	if !isVersion(v) {
		return q.fail(fmt.Errorf("odata: SchemaVersion(%q): want a version such as \"2.0\" or \"2.1\"", v))
	}
	q.schemaVersion = v
	return q.checkSchemaVersion()
}

func isVersion(v string) bool {
	parts := strings.Split(v, ".")
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return len(parts) >= 2
}

func (q *Query) checkSchemaVersion() *Query {
	if q.schemaVersion != "" && q.schemaVersion != inSchemaVersion && q.usesIn() {
		return q.fail(fmt.Errorf("odata: In needs $schemaversion=%s, but SchemaVersion(%q) was set: BC only parses "+
			"`in` under %s; remove the SchemaVersion call or use Or of Eq on the same field", inSchemaVersion, q.schemaVersion, inSchemaVersion))
	}
	return q
}

func (q *Query) usesIn() bool {
	for _, e := range q.filters {
		if e.usesIn() {
			return true
		}
	}
	for _, e := range q.expands {
		if e.sub != nil && e.sub.usesIn() {
			return true
		}
	}
	return false
}

// Raw adds a parameter the builders do not cover, sent verbatim apart from
// percent-encoding. The system options the builders handle ($filter,
// $select, …) are refused so that they are never sent twice.
func (q *Query) Raw(key, value string) *Query {
	if q.err != nil {
		return q
	}
	if err := q.addExtra(key, value); err != nil {
		return q.fail(fmt.Errorf("odata: Raw: %w", err))
	}
	return q
}

// Params adds the parameters encoded from v, a struct with `url` tags, by
// github.com/google/go-querystring; it suits endpoint-specific parameters
// such as company. The rules of Raw apply to each key.
func (q *Query) Params(v any) *Query {
	if q.err != nil {
		return q
	}
	vals, err := query.Values(v)
	if err != nil {
		return q.fail(fmt.Errorf("odata: Params: %w", err))
	}
	for _, key := range slices.Sorted(maps.Keys(vals)) {
		for _, val := range vals[key] {
			if err := q.addExtra(key, val); err != nil {
				return q.fail(fmt.Errorf("odata: Params: %w", err))
			}
		}
	}
	return q
}

func (q *Query) addExtra(key, value string) error {
	if key == "" {
		return errors.New("empty parameter name")
	}
	for _, opt := range systemOrder {
		if strings.EqualFold(key, opt) {
			return fmt.Errorf("parameter %q is built by the Query methods; use them instead so that it is sent once", key)
		}
	}
	if q.extra == nil {
		q.extra = url.Values{}
	}
	q.extra.Add(key, value)
	return nil
}

// Clone returns a deep copy of q: builder calls on the copy never change q.
func (q *Query) Clone() *Query {
	if q == nil {
		return nil
	}
	c := *q
	c.filters = slices.Clone(q.filters)
	c.selects = slices.Clone(q.selects)
	c.orderBy = slices.Clone(q.orderBy)
	c.expands = make([]expansion, len(q.expands))
	for i, e := range q.expands {
		c.expands[i] = expansion{nav: e.nav, sub: e.sub.Clone()}
	}
	if q.expands == nil {
		c.expands = nil
	}
	if q.extra != nil {
		c.extra = make(url.Values, len(q.extra))
		for k, v := range q.extra {
			c.extra[k] = slices.Clone(v)
		}
	}
	return &c
}

// Err returns the first error recorded by a builder method, or nil.
func (q *Query) Err() error { return q.err }

// contextError prefixes an error from a nested query with where it occurred.
type contextError struct {
	where string
	err   error
}

func wrapf(err error, format string, args ...any) error {
	return &contextError{fmt.Sprintf(format, args...), err}
}

func (e *contextError) Error() string {
	return "odata: " + e.where + ": " + strings.TrimPrefix(e.err.Error(), "odata: ")
}

func (e *contextError) Unwrap() error { return e.err }
