// Package query reads what a BC request asks for: the OData system query
// options ($filter, $select, $expand with its nested options, $orderby,
// $top, $skip, $count, $skiptoken, $schemaversion) and Prefer:
// odata.maxpagesize, with BC's refusals and error texts, and the opaque
// skip token of a nextLink. It is separate from the OData core because it
// only parses: it knows a table's columns, not how rows are served.
package query

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/schema"
)

// MaxPageSize is BC online's cap on entities per page; it is also the page
// size when the client does not ask for one.
const MaxPageSize = 20000

// Query is a parsed set of OData system query options for one table.
type Query struct {
	Filter   *filter.Filter
	Select   []int // nil: every column
	Expand   []Expansion
	OrderBy  []OrderKey
	Top      int // -1: none
	Skip     int
	Count    bool
	PageSize int
	Token    *SkipToken
}

// OrderKey is one $orderby item: a column and its direction.
type OrderKey struct {
	Col  int
	Desc bool
}

// Expansion is one $expand item: a navigation property and its own options.
type Expansion struct {
	Nav schema.NavigationProperty
	Sub *Query
	// Target is filled by the handler (the table the navigation leads to).
	Target *table.Table
}

// Error is a 400 shaped like BC's answers to bad query options.
func Error(code, msg string) *protocol.Error {
	return &protocol.Error{Status: http.StatusBadRequest, Code: code, Message: msg}
}

func syntaxError() *protocol.Error {
	return Error("BadRequest_NotFound", "Bad Request - Error in query syntax.")
}

// Parse reads the system query options of a request for table t.
func Parse(values url.Values, header http.Header, t *table.Table, svc *schema.Service, typeName string) (*Query, *protocol.Error) {
	q := &Query{Top: -1, PageSize: MaxPageSize}
	schemaVersion := values.Get("$schemaversion")
	if v := values.Get("$filter"); v != "" {
		f, err := filter.Parse(v, t.Resolver(), filter.Options{SchemaVersion: schemaVersion, EntityType: "Microsoft.NAV." + typeName})
		if err != nil {
			if fe, ok := err.(*filter.Error); ok {
				return nil, &protocol.Error{Status: fe.Status, Code: fe.Code, Message: fe.Message}
			}
			return nil, syntaxError()
		}
		q.Filter = f
	}
	if v, ok := values["$select"]; ok {
		sel, aerr := parseSelect(v[0], t, typeName)
		if aerr != nil {
			return nil, aerr
		}
		q.Select = sel
	}
	if v := values.Get("$expand"); v != "" {
		ex, aerr := parseExpand(v, t, svc, schemaVersion)
		if aerr != nil {
			return nil, aerr
		}
		q.Expand = ex
	}
	if v := values.Get("$orderby"); v != "" {
		ob, aerr := parseOrderBy(v, t, typeName)
		if aerr != nil {
			return nil, aerr
		}
		q.OrderBy = ob
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"$top", &q.Top}, {"$skip", &q.Skip}} {
		if v, ok := values[p.name]; ok {
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 0 {
				return nil, Error("BadRequest_NotFound", "Invalid value '"+v[0]+"' for "+p.name+".")
			}
			*p.dst = n
		}
	}
	if v := values.Get("$count"); v != "" {
		switch v {
		case "true":
			q.Count = true
		case "false":
		default:
			return nil, syntaxError()
		}
	}
	if v := values.Get("$skiptoken"); v != "" {
		tok, ok := DecodeSkipToken(v)
		if !ok {
			return nil, Error("BadRequest_InvalidToken", "The skip token is not valid.")
		}
		q.Token = tok
	}
	q.PageSize = preferredPageSize(header)
	return q, nil
}

// preferredPageSize reads Prefer: odata.maxpagesize=N, capped at BC's 20,000.
func preferredPageSize(h http.Header) int {
	for _, pref := range h.Values("Prefer") {
		for _, part := range strings.Split(pref, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && strings.EqualFold(k, "odata.maxpagesize") {
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
					return min(n, MaxPageSize)
				}
			}
		}
	}
	return MaxPageSize
}

func unknownProperty(name, typeName string) *protocol.Error {
	return Error("BadRequest_NotFound", "Could not find a property named '"+name+"' on type 'Microsoft.NAV."+typeName+"'.")
}

func parseSelect(v string, t *table.Table, typeName string) ([]int, *protocol.Error) {
	sel := []int{}
	seen := map[int]bool{}
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if name == "*" {
			return nil, nil
		}
		i, ok := t.ColIdx[name]
		if !ok {
			return nil, unknownProperty(name, typeName)
		}
		if !seen[i] {
			seen[i] = true
			sel = append(sel, i)
		}
	}
	// BC writes selected properties in the entity's own order.
	for a := 1; a < len(sel); a++ {
		for b := a; b > 0 && sel[b] < sel[b-1]; b-- {
			sel[b], sel[b-1] = sel[b-1], sel[b]
		}
	}
	return sel, nil
}

func parseOrderBy(v string, t *table.Table, typeName string) ([]OrderKey, *protocol.Error) {
	var keys []OrderKey
	for _, item := range strings.Split(v, ",") {
		fields := strings.Fields(item)
		if len(fields) == 0 || len(fields) > 2 {
			return nil, syntaxError()
		}
		i, ok := t.ColIdx[fields[0]]
		if !ok {
			return nil, unknownProperty(fields[0], typeName)
		}
		k := OrderKey{Col: i}
		if len(fields) == 2 {
			switch fields[1] {
			case "asc":
			case "desc":
				k.Desc = true
			default:
				return nil, syntaxError()
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// parseExpand reads "nav1,nav2($select=a,b;$expand=x($select=y))".
func parseExpand(v string, t *table.Table, svc *schema.Service, schemaVersion string) ([]Expansion, *protocol.Error) {
	items, ok := splitTopLevel(v, ',')
	if !ok {
		return nil, syntaxError()
	}
	var out []Expansion
	for _, item := range items {
		name, opts := item, ""
		if i := strings.IndexByte(item, '('); i >= 0 {
			if !strings.HasSuffix(item, ")") {
				return nil, syntaxError()
			}
			name, opts = item[:i], item[i+1:len(item)-1]
		}
		name = strings.TrimSpace(name)
		var nav *schema.NavigationProperty
		for i := range t.Type.Navigation {
			if t.Type.Navigation[i].Name == name {
				nav = &t.Type.Navigation[i]
			}
		}
		if nav == nil {
			return nil, unknownProperty(name, t.Type.Name)
		}
		ex := Expansion{Nav: *nav}
		target := targetTable(svc, nav.Type)
		if opts != "" {
			if target == nil {
				return nil, syntaxError()
			}
			parts, ok := splitTopLevel(opts, ';')
			if !ok {
				return nil, syntaxError()
			}
			sub := url.Values{}
			for _, p := range parts {
				k, val, ok := strings.Cut(p, "=")
				if !ok {
					return nil, syntaxError()
				}
				sub.Set(strings.TrimSpace(k), val)
			}
			if schemaVersion != "" {
				sub.Set("$schemaversion", schemaVersion)
			}
			sq, aerr := Parse(sub, http.Header{}, target, svc, target.Type.Name)
			if aerr != nil {
				return nil, aerr
			}
			ex.Sub = sq
		}
		out = append(out, ex)
	}
	return out, nil
}

// targetTable builds a throwaway table for a navigation's target type, used
// to parse the expansion's own options.
func targetTable(svc *schema.Service, typeName string) *table.Table {
	typ, ok := svc.EntityType(typeName)
	if !ok {
		return nil
	}
	for _, set := range svc.EntitySets {
		if set.EntityType == typeName {
			return table.New(set, typ, svc)
		}
	}
	return table.New(schema.EntitySet{Name: typeName, EntityType: typeName}, typ, svc)
}

// splitTopLevel splits s at sep outside parentheses and quoted strings.
func splitTopLevel(s string, sep byte) ([]string, bool) {
	var parts []string
	depth, start := 0, 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, false
			}
		case c == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	if depth != 0 || inQuote {
		return nil, false
	}
	parts = append(parts, s[start:])
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			return nil, false
		}
	}
	return parts, true
}
