package odata

import (
	"net/url"
	"slices"
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
