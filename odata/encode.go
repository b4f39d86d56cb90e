package odata

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// systemOrder is the order in which EncodeValues writes OData system query
// options, so that the same query always produces the same URL (for tests,
// logs and caches). Other parameters follow, sorted by key.
var systemOrder = []string{
	"$filter", "$select", "$expand", "$orderby", "$top", "$skip", "$count", "$schemaversion",
}

// EncodeValues encodes v as a query string the way BC expects: system query
// options first in a fixed order, then the other keys sorted; spaces as %20
// and never '+', '+' itself as %2B; the characters $ ' ( ) , : / @ ! * kept
// literal so that filters stay readable. url.Values.Encode is unsuitable
// because it writes spaces as '+', whose handling by BC is unconfirmed.
func EncodeValues(v url.Values) string {
	var b strings.Builder
	write := func(key string) {
		for _, val := range v[key] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			escape(&b, key)
			b.WriteByte('=')
			escape(&b, val)
		}
	}
	for _, key := range systemOrder {
		write(key)
	}
	var rest []string
	for key := range v {
		if !slices.Contains(systemOrder, key) {
			rest = append(rest, key)
		}
	}
	slices.Sort(rest)
	for _, key := range rest {
		write(key)
	}
	return b.String()
}

// keep marks the bytes written literally: RFC 3986 unreserved characters and
// the OData punctuation that is safe in a query value.
var keep = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~$'(),:/@!*") {
		t[c] = true
	}
	return t
}()

func escape(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep[c] {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xF])
	}
}

// Values returns the query options as url.Values, with $schemaversion=2.1
// added when a filter uses In. It returns the first build error instead, if
// any. MaxPageSize is not included; see PageSize.
func (q *Query) Values() (url.Values, error) {
	if q.err != nil {
		return nil, q.err
	}
	v := url.Values{}
	for key, val := range q.options() {
		v.Set(key, val)
	}
	if q.count {
		v.Set("$count", "true")
	}
	switch {
	case q.schemaVersion != "":
		v.Set("$schemaversion", q.schemaVersion)
	case q.usesIn():
		v.Set("$schemaversion", inSchemaVersion)
	}
	for key, vals := range q.extra {
		v[key] = slices.Clone(vals)
	}
	return v, nil
}

// Encode returns the percent-encoded query string (without '?'), in the
// deterministic order of EncodeValues.
func (q *Query) Encode() (string, error) {
	v, err := q.Values()
	if err != nil {
		return "", err
	}
	return EncodeValues(v), nil
}

// nestedOrder is the order of the options inside $expand=nav(…).
var nestedOrder = []string{"$select", "$filter", "$expand", "$orderby", "$top", "$skip"}

// options renders the options that may appear both on the request and
// inside $expand, keyed by name.
func (q *Query) options() map[string]string {
	opts := map[string]string{}
	if len(q.filters) > 0 {
		opts["$filter"], _, _ = logical{exprs: q.filters}.render()
	}
	if len(q.selects) > 0 {
		opts["$select"] = strings.Join(q.selects, ",")
	}
	if len(q.expands) > 0 {
		items := make([]string, len(q.expands))
		for i, e := range q.expands {
			items[i] = e.nav
			if e.sub == nil {
				continue
			}
			sub := e.sub.options()
			var nested []string
			for _, key := range nestedOrder {
				if val, ok := sub[key]; ok {
					nested = append(nested, key+"="+val)
				}
			}
			if len(nested) > 0 {
				items[i] += "(" + strings.Join(nested, ";") + ")"
			}
		}
		opts["$expand"] = strings.Join(items, ",")
	}
	if len(q.orderBy) > 0 {
		opts["$orderby"] = strings.Join(q.orderBy, ",")
	}
	if q.hasTop {
		opts["$top"] = strconv.Itoa(q.top)
	}
	if q.hasSkip {
		opts["$skip"] = strconv.Itoa(q.skip)
	}
	return opts
}
