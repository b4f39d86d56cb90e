package bctest

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

// maxPageSize is BC online's cap on entities per page; it is also the page
// size when the client does not ask for one.
const maxPageSize = 20000

// query is a parsed set of OData system query options for one table.
type query struct {
	filter   *filter.Filter
	sel      []int // nil: every column
	expand   []expansion
	orderBy  []orderKey
	top      int // -1: none
	skip     int
	count    bool
	pageSize int
	token    *skipToken
}

type orderKey struct {
	col  int
	desc bool
}

// expansion is one $expand item: a navigation property and its own options.
type expansion struct {
	nav schema.NavigationProperty
	sub *query
	// target is filled by the handler (the table the navigation leads to).
	target *table.Table
}

// queryError is a 400 shaped like BC's answers to bad query options.
func queryError(code, msg string) *protocol.Error {
	return &protocol.Error{Status: http.StatusBadRequest, Code: code, Message: msg}
}

func syntaxError() *protocol.Error {
	return queryError("BadRequest_NotFound", "Bad Request - Error in query syntax.")
}

// parseQuery reads the system query options of a request for table t.
func parseQuery(values url.Values, header http.Header, t *table.Table, svc *schema.Service, typeName string) (*query, *protocol.Error) {
	q := &query{top: -1, pageSize: maxPageSize}
	schemaVersion := values.Get("$schemaversion")
	if v := values.Get("$filter"); v != "" {
		f, err := filter.Parse(v, t.Resolver(), filter.Options{SchemaVersion: schemaVersion, EntityType: "Microsoft.NAV." + typeName})
		if err != nil {
			if fe, ok := err.(*filter.Error); ok {
				return nil, &protocol.Error{Status: fe.Status, Code: fe.Code, Message: fe.Message}
			}
			return nil, syntaxError()
		}
		q.filter = f
	}
	if v, ok := values["$select"]; ok {
		sel, aerr := parseSelect(v[0], t, typeName)
		if aerr != nil {
			return nil, aerr
		}
		q.sel = sel
	}
	if v := values.Get("$expand"); v != "" {
		ex, aerr := parseExpand(v, t, svc, schemaVersion)
		if aerr != nil {
			return nil, aerr
		}
		q.expand = ex
	}
	if v := values.Get("$orderby"); v != "" {
		ob, aerr := parseOrderBy(v, t, typeName)
		if aerr != nil {
			return nil, aerr
		}
		q.orderBy = ob
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"$top", &q.top}, {"$skip", &q.skip}} {
		if v, ok := values[p.name]; ok {
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 0 {
				return nil, queryError("BadRequest_NotFound", "Invalid value '"+v[0]+"' for "+p.name+".")
			}
			*p.dst = n
		}
	}
	if v := values.Get("$count"); v != "" {
		switch v {
		case "true":
			q.count = true
		case "false":
		default:
			return nil, syntaxError()
		}
	}
	if v := values.Get("$skiptoken"); v != "" {
		tok, ok := decodeSkipToken(v)
		if !ok {
			return nil, queryError("BadRequest_InvalidToken", "The skip token is not valid.")
		}
		q.token = tok
	}
	q.pageSize = preferredPageSize(header)
	return q, nil
}

// preferredPageSize reads Prefer: odata.maxpagesize=N, capped at BC's 20,000.
func preferredPageSize(h http.Header) int {
	for _, pref := range h.Values("Prefer") {
		for _, part := range strings.Split(pref, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && strings.EqualFold(k, "odata.maxpagesize") {
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
					return min(n, maxPageSize)
				}
			}
		}
	}
	return maxPageSize
}

func unknownProperty(name, typeName string) *protocol.Error {
	return queryError("BadRequest_NotFound", "Could not find a property named '"+name+"' on type 'Microsoft.NAV."+typeName+"'.")
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

func parseOrderBy(v string, t *table.Table, typeName string) ([]orderKey, *protocol.Error) {
	var keys []orderKey
	for _, item := range strings.Split(v, ",") {
		fields := strings.Fields(item)
		if len(fields) == 0 || len(fields) > 2 {
			return nil, syntaxError()
		}
		i, ok := t.ColIdx[fields[0]]
		if !ok {
			return nil, unknownProperty(fields[0], typeName)
		}
		k := orderKey{col: i}
		if len(fields) == 2 {
			switch fields[1] {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, syntaxError()
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// parseExpand reads "nav1,nav2($select=a,b;$expand=x($select=y))".
func parseExpand(v string, t *table.Table, svc *schema.Service, schemaVersion string) ([]expansion, *protocol.Error) {
	items, ok := splitTopLevel(v, ',')
	if !ok {
		return nil, syntaxError()
	}
	var out []expansion
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
		ex := expansion{nav: *nav}
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
			sq, aerr := parseQuery(sub, http.Header{}, target, svc, target.Type.Name)
			if aerr != nil {
				return nil, aerr
			}
			ex.sub = sq
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
