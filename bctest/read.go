package bctest

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/internal/jsontext"
)

func (c *reqContext) writeJSONHeader(status int) {
	h := c.w.Header()
	h.Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")
	h.Set("OData-Version", "4.0")
	c.w.WriteHeader(status)
}

// contextURL is the @odata.context of a response.
func (c *reqContext) contextURL(fragment string) string {
	return c.baseURL() + "/" + c.route + "/$metadata#" + fragment
}

func (c *reqContext) baseURL() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	segs := strings.SplitN(strings.TrimPrefix(c.r.URL.EscapedPath(), "/"), "/", 4) // v2.0, tenant, env, rest
	return scheme + "://" + c.r.Host + "/" + strings.Join(segs[:3], "/")
}

// collection serves GET (list) and POST (create) on a collection.
func (c *reqContext) collection(n *node) {
	switch c.r.Method {
	case http.MethodGet:
		c.list(n)
	case http.MethodPost:
		c.create(n)
	default:
		c.fail(methodNotAllowed(c.r.Method, n.t.Set.Name))
	}
}

// list serves one page of a collection.
func (c *reqContext) list(n *node) {
	t := n.t
	if n.parent == nil && t.Parent >= 0 {
		c.fail(mustGoThroughParent(t))
		return
	}
	values := c.r.URL.Query()
	if c.emptyPage(n, values) {
		return
	}
	if n.parent == nil && (t.Set.Name == "journalLines" || t.Set.Name == "customerPayments" || t.Set.Name == "vendorPayments") &&
		!strings.Contains(values.Get("$filter"), "journalId") {
		c.fail(&apiError{status: http.StatusBadRequest, code: "Application_DialogException",
			message: "You must specify a journal batch ID or a journal ID to get a journal line."})
		return
	}
	q, aerr := parseQuery(values, c.r.Header, t, c.svc(), t.Type.Name)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	if q.filter != nil && q.filter.IgnoredLambda() {
		c.srv.stats.ignoredLambdas.Add(1)
	}
	rows, more, last, aerr := c.page(n, q)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	c.resolveExpansions(n.co, q.expand)
	c.writeJSONHeader(http.StatusOK)
	if q.pageSize < maxPageSize {
		c.w.Header().Set("Preference-Applied", "odata.maxpagesize="+strconv.Itoa(q.pageSize))
	}
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, `{"@odata.context":`...)
	buf = jsontext.AppendString(buf, c.contextURL(c.contextFragment(n)))
	if q.count {
		buf = append(buf, `,"@odata.count":`...)
		buf = strconv.AppendInt(buf, int64(c.countMatches(n, q)), 10)
	}
	buf = append(buf, `,"value":[`...)
	for i, r := range rows {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = c.appendEntity(buf, n.co, t, r, q)
		if len(buf) >= chunkSize {
			_, _ = c.w.Write(buf)
			buf = buf[:0]
		}
	}
	buf = append(buf, ']')
	if link := c.listingLink(more, last); link != "" {
		buf = append(buf, `,"@odata.nextLink":`...)
		buf = jsontext.AppendString(buf, link)
	}
	buf = append(buf, '}')
	_, _ = c.w.Write(buf)
	c.srv.stats.rows.Add(int64(len(rows)))
	c.srv.stats.pages.Add(1)
	c.srv.churn.afterPage(n.co, t)
}

func (c *reqContext) contextFragment(n *node) string {
	return "companies(" + n.co.ID + ")/" + n.t.Set.Name
}

// nextLink is the request URL with its query kept verbatim and the
// $skiptoken replaced, made absolute, as BC does.
func (c *reqContext) nextLink(tok skipToken) string { return c.linkWith(tok.encode()) }

// linkWith is the request URL, absolute, with its $skiptoken replaced by
// token, or dropped when token is empty.
func (c *reqContext) linkWith(token string) string {
	var kept []string
	for _, part := range strings.Split(c.r.URL.RawQuery, "&") {
		if part == "" || strings.HasPrefix(part, "$skiptoken=") || strings.HasPrefix(part, "%24skiptoken=") {
			continue
		}
		kept = append(kept, part)
	}
	if token != "" {
		kept = append(kept, "$skiptoken="+token)
	}
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host + c.r.URL.EscapedPath() + "?" + strings.Join(kept, "&")
}

// page selects the rows of the requested page: filter, order, $skip, $top,
// resuming after the skiptoken's position. more says whether a nextLink is due.
func (c *reqContext) page(n *node, q *query) (rows []*table.Row, more bool, last skipToken, aerr *apiError) {
	t := n.t
	topLeft := q.top
	after := int64(math.MinInt64)
	skip := q.skip
	if q.token != nil {
		topLeft, after, skip = q.token.TopLeft, q.token.Seq, 0
	}
	limit := q.pageSize
	if c.srv.faults.ignoresPageSize() {
		limit = maxPageSize
	}
	if topLeft >= 0 && topLeft < limit {
		limit = topLeft
	}
	reverse := false
	if len(q.orderBy) > 0 {
		if t.Virtual == nil {
			return c.orderedPage(n, q, topLeft, skip, limit)
		}
		// Millions of generated rows cannot be sorted per request: only the
		// order they are generated in (a monotonic column), either way, is served.
		k := q.orderBy[0]
		if len(q.orderBy) > 1 || !t.Virtual.Monotonic(t.Cols[k.col].Name) {
			return nil, false, skipToken{}, queryError("BadRequest_NotSupported", "$orderby on "+t.Cols[k.col].Name+" is not supported by the fake for this entity set")
		}
		reverse = k.desc
		if reverse && q.token == nil {
			after = math.MaxInt64
		}
	}
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	lo, hi := 0, math.MaxInt
	if t.Virtual != nil {
		lo, hi = t.VirtualBounds(q.filter)
	}
	scan := t.Scan
	if reverse {
		scan = t.ScanReverse
	}
	scan(after, lo, hi, func(r *table.Row) bool {
		if !n.children(r) || q.filter != nil && !q.filter.Match(r.Vals) {
			return true
		}
		if skip > 0 {
			skip--
			return true
		}
		if len(rows) == limit {
			more = true
			return false
		}
		rows = append(rows, table.CopyRow(r))
		return true
	})
	if topLeft >= 0 && len(rows) >= topLeft {
		more = false
	}
	if len(rows) > 0 {
		last = skipToken{Seq: rows[len(rows)-1].Seq, TopLeft: -1}
		if topLeft >= 0 {
			last.TopLeft = topLeft - len(rows)
		}
	}
	return rows, more, last, nil
}

// orderedPage serves a page in $orderby order (materialised tables only):
// it sorts the matches and resumes after the skiptoken's sort values.
func (c *reqContext) orderedPage(n *node, q *query, topLeft, skip, limit int) ([]*table.Row, bool, skipToken, *apiError) {
	t := n.t
	t.Mu.RLock()
	var matches []*table.Row
	t.Scan(math.MinInt64, 0, math.MaxInt, func(r *table.Row) bool {
		if n.children(r) && (q.filter == nil || q.filter.Match(r.Vals)) {
			matches = append(matches, table.CopyRow(r))
		}
		return true
	})
	t.Mu.RUnlock()
	cmp := func(a, b *table.Row) int {
		for _, k := range q.orderBy {
			d := table.CompareWire(t.Cols[k.col].Kind, a.Vals[k.col], b.Vals[k.col])
			if k.desc {
				d = -d
			}
			if d != 0 {
				return d
			}
		}
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(matches, cmp)
	start := 0
	if q.token != nil {
		ref := &table.Row{Seq: q.token.Seq, Vals: make([]string, len(t.Cols))}
		for i, k := range q.orderBy {
			if i < len(q.token.Order) {
				ref.Vals[k.col] = q.token.Order[i]
			}
		}
		start, _ = slices.BinarySearchFunc(matches, ref, func(a, b *table.Row) int {
			if d := cmp(a, b); d != 0 {
				return d
			}
			return 0
		})
		for start < len(matches) && cmp(matches[start], ref) <= 0 {
			start++
		}
	}
	start += skip
	if start > len(matches) {
		start = len(matches)
	}
	end := min(start+limit, len(matches))
	rows := matches[start:end]
	more := end < len(matches) && (topLeft < 0 || len(rows) < topLeft)
	var last skipToken
	if len(rows) > 0 {
		lr := rows[len(rows)-1]
		last = skipToken{Seq: lr.Seq, TopLeft: -1}
		for _, k := range q.orderBy {
			last.Order = append(last.Order, lr.Vals[k.col])
		}
		if topLeft >= 0 {
			last.TopLeft = topLeft - len(rows)
		}
	}
	return rows, more, last, nil
}

func (c *reqContext) countMatches(n *node, q *query) int {
	t := n.t
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	lo, hi := 0, math.MaxInt
	if t.Virtual != nil {
		lo, hi = t.VirtualBounds(q.filter)
	}
	count := 0
	t.Scan(math.MinInt64, lo, hi, func(r *table.Row) bool {
		if n.children(r) && (q.filter == nil || q.filter.Match(r.Vals)) {
			count++
		}
		return true
	})
	return count
}

// count serves …/{set}/$count as text, with the byte-order mark BC sends.
func (c *reqContext) count(n *node) {
	if c.r.Method != http.MethodGet {
		c.fail(methodNotAllowed(c.r.Method, n.t.Set.Name))
		return
	}
	q, aerr := parseQuery(c.r.URL.Query(), c.r.Header, n.t, c.svc(), n.t.Type.Name)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write([]byte("\ufeff" + strconv.Itoa(c.countMatches(n, q))))
}

// entity serves GET/PATCH/DELETE on one entity.
func (c *reqContext) entity(n *node) {
	switch c.r.Method {
	case http.MethodGet:
		q, aerr := parseQuery(c.r.URL.Query(), c.r.Header, n.t, c.svc(), n.t.Type.Name)
		if aerr != nil {
			c.fail(aerr)
			return
		}
		c.resolveExpansions(n.co, q.expand)
		c.writeEntity(http.StatusOK, n, n.row, q)
	case http.MethodPatch:
		c.update(n)
	case http.MethodDelete:
		c.remove(n)
	default:
		c.fail(methodNotAllowed(c.r.Method, n.t.Set.Name))
	}
}

func (c *reqContext) writeEntity(status int, n *node, r *table.Row, q *query) {
	c.writeJSONHeader(status)
	buf := []byte(`{"@odata.context":`)
	buf = jsontext.AppendString(buf, c.contextURL(c.contextFragment(n)+"/$entity"))
	buf = append(buf, ',')
	body := c.appendEntity(nil, n.co, n.t, r, q)
	buf = append(buf, body[1:]...) // drop the entity's opening brace
	_, _ = c.w.Write(buf)
}

// appendEntity writes a row with its selected columns and expansions.
func (c *reqContext) appendEntity(b []byte, co *Company, t *table.Table, r *table.Row, q *query) []byte {
	var sel []int
	if q != nil {
		sel = q.sel
	}
	b = t.AppendRow(b, r, sel)
	if q != nil {
		for _, ex := range q.expand {
			b = c.appendExpansion(b, co, t, r, ex)
		}
	}
	return append(b, '}')
}

func (c *reqContext) appendExpansion(b []byte, co *Company, t *table.Table, parent *table.Row, ex expansion) []byte {
	b = append(b, ',', '"')
	b = append(b, ex.nav.Name...)
	b = append(b, '"', ':')
	if ex.target == nil {
		if ex.nav.Collection {
			return append(b, '[', ']')
		}
		return append(b, "null"...)
	}
	n := &node{co: co, t: ex.target, parent: parent, via: &ex.nav, ptable: t}
	children := c.childRows(n, ex.sub)
	if !ex.nav.Collection {
		if len(children) == 0 {
			return append(b, "null"...)
		}
		return c.appendEntity(b, co, ex.target, children[0], ex.sub)
	}
	b = append(b, '[')
	for i, ch := range children {
		if i > 0 {
			b = append(b, ',')
		}
		b = c.appendEntity(b, co, ex.target, ch, ex.sub)
	}
	return append(b, ']')
}

// childRows finds the rows a navigation leads to, through an index on the
// referenced column, applying the expansion's own filter, order and top.
func (c *reqContext) childRows(n *node, sub *query) []*table.Row {
	var rows []*table.Row
	if len(n.via.Constraints) == 0 {
		return nil
	}
	if vc, ok := n.ptable.Virtual.(VirtualChildren); ok && n.parent.Seq <= 0 {
		for _, vals := range vc.Children(n.via.Name, int(n.parent.Seq+int64(n.ptable.Virtual.Len()))) {
			rows = append(rows, &table.Row{Version: n.parent.Version, Vals: vals})
		}
	} else {
		rc := n.via.Constraints[0]
		pi := n.ptable.ColIdx[rc.Property]
		rows = n.t.RowsWhere(rc.ReferencedProperty, n.parent.Vals[pi])
		if len(n.via.Constraints) > 1 {
			rows = slices.DeleteFunc(rows, func(r *table.Row) bool { return !n.children(r) })
		}
	}
	if sub != nil {
		if sub.filter != nil {
			rows = slices.DeleteFunc(rows, func(r *table.Row) bool { return !sub.filter.Match(r.Vals) })
		}
		if len(sub.orderBy) > 0 {
			slices.SortStableFunc(rows, func(a, b *table.Row) int {
				for _, k := range sub.orderBy {
					d := table.CompareWire(n.t.Cols[k.col].Kind, a.Vals[k.col], b.Vals[k.col])
					if k.desc {
						d = -d
					}
					if d != 0 {
						return d
					}
				}
				return 0
			})
		}
		if sub.skip > 0 {
			rows = rows[min(sub.skip, len(rows)):]
		}
		if sub.top >= 0 && len(rows) > sub.top {
			rows = rows[:sub.top]
		}
	}
	return rows
}

// VirtualChildren lets virtual rows have generated children too (the
// dimensionSetLines of millions of G/L entries).
type VirtualChildren interface {
	Children(nav string, i int) [][]string
}

// singleTarget resolves a single-valued navigation to its row.
func (c *reqContext) singleTarget(n *node) *table.Row {
	if rows := c.childRows(n, nil); len(rows) > 0 {
		return rows[0]
	}
	return synthesizeMediaEntity(n)
}

// resolveExpansions attaches the company tables the expansions lead to.
func (c *reqContext) resolveExpansions(co *Company, ex []expansion) {
	for i := range ex {
		if t, ok := co.table(c.route, setOfType(c.svc(), ex[i].nav.Type)); ok {
			ex[i].target = t
		}
		if ex[i].sub != nil {
			c.resolveExpansions(co, ex[i].sub.expand)
		}
	}
}

// listCompanies serves GET companies.
func (c *reqContext) listCompanies() {
	if c.r.Method != http.MethodGet {
		c.fail(methodNotAllowed(c.r.Method, "companies"))
		return
	}
	t := c.companiesTable()
	q, aerr := parseQuery(c.r.URL.Query(), c.r.Header, t, c.svc(), "company")
	if aerr != nil {
		c.fail(aerr)
		return
	}
	n := &node{t: t}
	rows, more, last, aerr := c.page(n, q)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	c.writeJSONHeader(http.StatusOK)
	buf := []byte(`{"@odata.context":`)
	buf = jsontext.AppendString(buf, c.contextURL("companies"))
	buf = append(buf, `,"value":[`...)
	for i, r := range rows {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(t.AppendRow(buf, r, q.sel), '}')
	}
	buf = append(buf, ']')
	if more {
		buf = append(buf, `,"@odata.nextLink":`...)
		buf = jsontext.AppendString(buf, c.nextLink(last))
	}
	_, _ = c.w.Write(append(buf, '}'))
}

func (c *reqContext) getCompany(co *Company) {
	if c.r.Method != http.MethodGet {
		c.fail(methodNotAllowed(c.r.Method, "companies"))
		return
	}
	t := c.companiesTable()
	for _, r := range t.Rows {
		if strings.EqualFold(r.Vals[t.Key], co.ID) {
			q, aerr := parseQuery(c.r.URL.Query(), c.r.Header, t, c.svc(), "company")
			if aerr != nil {
				c.fail(aerr)
				return
			}
			c.writeJSONHeader(http.StatusOK)
			buf := []byte(`{"@odata.context":`)
			buf = jsontext.AppendString(buf, c.contextURL("companies/$entity"))
			buf = append(buf, ',')
			_, _ = c.w.Write(append(append(buf, t.AppendRow(nil, r, q.sel)[1:]...), '}'))
			return
		}
	}
}

// companiesTable renders the tenant's companies as rows of the company type.
func (c *reqContext) companiesTable() *table.Table {
	svc := c.svc()
	typ, _ := svc.EntityType("company")
	set, _ := svc.EntitySet("companies")
	t := table.New(*set, typ, svc)
	for i, co := range c.srv.tenant.Companies() {
		vals := make([]string, len(t.Cols))
		for j, col := range t.Cols {
			vals[j] = col.EmptyValue()
		}
		set := func(name, v string) {
			if j, ok := t.ColIdx[name]; ok {
				vals[j] = v
			}
		}
		set("id", co.ID)
		set("name", co.Name)
		set("displayName", co.DisplayName)
		set("systemVersion", "26.0.30643.32100")
		set("timestamp", strconv.Itoa(4006+i*1000))
		set("systemCreatedAt", table.FormatDateTime(co.created))
		set("systemModifiedAt", table.FormatDateTime(co.created))
		set("systemCreatedBy", "00000000-0000-0000-0000-000000000001")
		set("systemModifiedBy", "00000000-0000-0000-0000-000000000001")
		t.Rows = append(t.Rows, &table.Row{Seq: int64(i + 1), Version: int64(i + 1), Vals: vals})
	}
	return t
}

// serviceDocument lists the entity sets of the route.
func (c *reqContext) serviceDocument() {
	c.writeJSONHeader(http.StatusOK)
	buf := []byte(`{"@odata.context":`)
	buf = jsontext.AppendString(buf, c.baseURL()+"/"+c.route+"/$metadata")
	buf = append(buf, `,"value":[`...)
	for i, s := range c.svc().EntitySets {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"name":`...)
		buf = jsontext.AppendString(buf, s.Name)
		buf = append(buf, `,"kind":"EntitySet","url":`...)
		buf = jsontext.AppendString(buf, url.PathEscape(s.Name))
		buf = append(buf, '}')
	}
	_, _ = c.w.Write(append(buf, ']', '}'))
}

// metadata serves the route's EDMX document, rendered from the schema.
func (c *reqContext) metadata() {
	c.w.Header().Set("Content-Type", "application/xml")
	c.w.WriteHeader(http.StatusOK)
	_ = c.svc().WriteEDMX(c.w)
}
