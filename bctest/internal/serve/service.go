package serve

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/query"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/bcsdk/bc/internal/jsontext"
)

// listCompanies serves GET companies.
func (c *reqContext) listCompanies() {
	if c.r.Method != http.MethodGet {
		c.fail(protocol.MethodNotAllowed(c.r.Method, "companies"))
		return
	}
	t := c.companiesTable()
	q, aerr := query.Parse(c.r.URL.Query(), c.r.Header, t, c.svc(), "company")
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
		buf = append(t.AppendRow(buf, r, q.Select), '}')
	}
	buf = append(buf, ']')
	if more {
		buf = append(buf, `,"@odata.nextLink":`...)
		buf = jsontext.AppendString(buf, c.nextLink(last))
	}
	_, _ = c.w.Write(append(buf, '}'))
}

func (c *reqContext) getCompany(co *tenant.Company) {
	if c.r.Method != http.MethodGet {
		c.fail(protocol.MethodNotAllowed(c.r.Method, "companies"))
		return
	}
	t := c.companiesTable()
	for _, r := range t.Rows {
		if strings.EqualFold(r.Vals[t.Key], co.ID()) {
			q, aerr := query.Parse(c.r.URL.Query(), c.r.Header, t, c.svc(), "company")
			if aerr != nil {
				c.fail(aerr)
				return
			}
			c.writeJSONHeader(http.StatusOK)
			buf := []byte(`{"@odata.context":`)
			buf = jsontext.AppendString(buf, c.contextURL("companies/$entity"))
			buf = append(buf, ',')
			_, _ = c.w.Write(append(append(buf, t.AppendRow(nil, r, q.Select)[1:]...), '}'))
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
	for i, co := range c.srv.Tenant.Companies() {
		vals := make([]string, len(t.Cols))
		for j, col := range t.Cols {
			vals[j] = col.EmptyValue()
		}
		set := func(name, v string) {
			if j, ok := t.ColIdx[name]; ok {
				vals[j] = v
			}
		}
		set("id", co.ID())
		set("name", co.Name())
		set("displayName", co.DisplayName())
		set("systemVersion", "26.0.30643.32100")
		set("timestamp", strconv.Itoa(4006+i*1000))
		set("systemCreatedAt", table.FormatDateTime(co.Created()))
		set("systemModifiedAt", table.FormatDateTime(co.Created()))
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
