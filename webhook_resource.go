package bc

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Resource is a BC resource URL taken apart, as notifications and
// subscriptions write it: "api/v2.0/companies(…)/customers(…)", or for a
// collection "api/v2.0/companies(…)/salesInvoices?$filter=lastModifiedDateTime%20gt%20…".
type Resource struct {
	// Raw is the resource as BC wrote it.
	Raw string
	// Route is the API route, "api/v2.0" or "api/{publisher}/{group}/{version}";
	// empty when the resource is relative to its route ("companies(…)/items").
	Route string
	// CompanyID is the company's key, empty outside a company.
	CompanyID string
	// CompanyName is set instead when the company is addressed by name
	// (companies(name='…')).
	CompanyName string
	// Set is the entity set, e.g. "customers".
	Set string
	// Key is the record's key, unquoted; empty for a collection.
	Key string
	// Filter is the decoded $filter of a collection notification, e.g.
	// "lastModifiedDateTime gt 2025-09-29T10:22:52.313Z"; empty when BC asks
	// for the whole set (a delete was among the changes).
	Filter string
	// Path is the escaped path from the route on, without the query, for
	// Client.NewRequest: "api/v2.0/companies(…)/customers(…)".
	Path string
	// RawQuery is the escaped query, without '?'.
	RawQuery string
}

// RelativeURL is Path with its query, for Client.NewRequest.
func (r Resource) RelativeURL() string {
	if r.RawQuery == "" {
		return r.Path
	}
	return r.Path + "?" + r.RawQuery
}

// Since returns the time in a collection filter of the form "<field> gt <time>",
// the point from which to read the set again. BC writes lastModifiedDateTime,
// older docs show lastDateTimeModified; any field name is accepted.
func (r Resource) Since() (time.Time, bool) {
	f := strings.Fields(r.Filter)
	if len(f) != 3 || (!strings.EqualFold(f[1], "gt") && !strings.EqualFold(f[1], "ge")) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, f[2])
	return t, err == nil
}

// ParseResource takes a BC resource URL apart: absolute
// ("https://…/v2.0/{tenant}/{env}/api/v2.0/companies(…)/items(…)"), rooted
// ("/api/v2.0/…"), service-relative ("api/v2.0/…") or route-relative
// ("companies(…)/items"). It reads the last keyed or unkeyed set segment as
// Set and Key, and decodes $filter.
func ParseResource(s string) (Resource, error) {
	res := Resource{Raw: s}
	path, query, _ := strings.Cut(strings.TrimSpace(s), "?")
	if strings.HasPrefix(path, "https://") || strings.HasPrefix(path, "http://") {
		u, err := url.Parse(path)
		if err != nil {
			return res, fmt.Errorf("bc: resource %q: %w", s, err)
		}
		path = u.EscapedPath()
	}
	var segs []string
	for _, p := range strings.Split(path, "/") {
		if p != "" {
			segs = append(segs, p)
		}
	}
	if i := slices.Index(segs, "api"); i >= 0 {
		switch {
		case i+1 < len(segs) && segs[i+1] == "v2.0":
			res.Route, segs = StandardRoute, segs[i+2:]
		case i+3 < len(segs):
			res.Route, segs = strings.Join(segs[i:i+4], "/"), segs[i+4:]
		default:
			return res, fmt.Errorf("bc: resource %q has no complete API route", s)
		}
	}
	if len(segs) == 0 {
		return res, fmt.Errorf("bc: resource %q names no entity set", s)
	}
	res.Path = strings.Join(segs, "/")
	if res.Route != "" {
		res.Path = res.Route + "/" + res.Path
	}
	for i, seg := range segs {
		name, key, hasKey, err := splitSegment(seg)
		if err != nil {
			return res, fmt.Errorf("bc: resource %q: %w", s, err)
		}
		if i == 0 && name == "companies" && hasKey && len(segs) > 1 {
			if byName, ok := strings.CutPrefix(key, "name='"); ok && strings.HasSuffix(byName, "'") {
				res.CompanyName = strings.ReplaceAll(byName[:len(byName)-1], "''", "'")
			} else {
				res.CompanyID = key
			}
			continue
		}
		res.Set, res.Key = name, key
	}
	res.RawQuery = query
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return res, fmt.Errorf("bc: resource %q: %w", s, err)
		}
		res.Filter = q.Get("$filter")
	}
	return res, nil
}

// splitSegment reads "items", "items(<guid>)" or a quoted key such as
// "subscriptions('abc')", where a quote inside is doubled.
func splitSegment(seg string) (name, key string, hasKey bool, err error) {
	s, err := url.PathUnescape(seg)
	if err != nil {
		return "", "", false, err
	}
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return s, "", false, nil
	}
	if !strings.HasSuffix(s, ")") {
		return "", "", false, fmt.Errorf("segment %q has an unclosed key", seg)
	}
	name, key = s[:open], s[open+1:len(s)-1]
	if len(key) >= 2 && key[0] == '\'' && key[len(key)-1] == '\'' {
		key = strings.ReplaceAll(key[1:len(key)-1], "''", "'")
	}
	return name, key, true, nil
}
