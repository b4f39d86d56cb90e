package serve

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/gate"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/query"
	"github.com/bcsdk/bc/internal/jsontext"
)

func (c *reqContext) writeJSONHeader(status int) { protocol.WriteJSONHeader(c.w, status) }

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
		c.fail(protocol.MethodNotAllowed(c.r.Method, n.t.Set.Name))
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
		c.fail(&protocol.Error{Status: http.StatusBadRequest, Code: "Application_DialogException",
			Message: "You must specify a journal batch ID or a journal ID to get a journal line."})
		return
	}
	q, aerr := query.Parse(values, c.r.Header, t, c.svc(), t.Type.Name)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	if q.Filter != nil && q.Filter.IgnoredLambda() {
		c.srv.Meter.IgnoredLambda()
	}
	rows, more, last, aerr := c.page(n, q)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	c.resolveExpansions(n.co, q.Expand)
	c.writeJSONHeader(http.StatusOK)
	if q.PageSize < query.MaxPageSize {
		c.w.Header().Set("Preference-Applied", "odata.maxpagesize="+strconv.Itoa(q.PageSize))
	}
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, `{"@odata.context":`...)
	buf = jsontext.AppendString(buf, c.contextURL(c.contextFragment(n)))
	if q.Count {
		buf = append(buf, `,"@odata.count":`...)
		buf = strconv.AppendInt(buf, int64(c.countMatches(n, q)), 10)
	}
	buf = append(buf, `,"value":[`...)
	for i, r := range rows {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = c.appendEntity(buf, n.co, t, r, q)
		if len(buf) >= gate.ChunkSize {
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
	c.srv.Meter.Page(len(rows))
	c.srv.Churn.AfterPage(t)
}

func (c *reqContext) contextFragment(n *node) string {
	return "companies(" + n.co.ID() + ")/" + n.t.Set.Name
}
