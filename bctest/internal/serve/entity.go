package serve

import (
	"net/http"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/query"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/bcsdk/bc/internal/jsontext"
)

// entity serves GET/PATCH/DELETE on one entity.
func (c *reqContext) entity(n *node) {
	switch c.r.Method {
	case http.MethodGet:
		q, aerr := query.Parse(c.r.URL.Query(), c.r.Header, n.t, c.svc(), n.t.Type.Name)
		if aerr != nil {
			c.fail(aerr)
			return
		}
		c.resolveExpansions(n.co, q.Expand)
		c.writeEntity(http.StatusOK, n, n.row, q)
	case http.MethodPatch:
		c.update(n)
	case http.MethodDelete:
		c.remove(n)
	default:
		c.fail(protocol.MethodNotAllowed(c.r.Method, n.t.Set.Name))
	}
}

func (c *reqContext) writeEntity(status int, n *node, r *table.Row, q *query.Query) {
	c.writeJSONHeader(status)
	buf := []byte(`{"@odata.context":`)
	buf = jsontext.AppendString(buf, c.contextURL(c.contextFragment(n)+"/$entity"))
	buf = append(buf, ',')
	body := c.appendEntity(nil, n.co, n.t, r, q)
	buf = append(buf, body[1:]...) // drop the entity's opening brace
	_, _ = c.w.Write(buf)
}

// appendEntity writes a row with its selected columns and expansions.
func (c *reqContext) appendEntity(b []byte, co *tenant.Company, t *table.Table, r *table.Row, q *query.Query) []byte {
	var sel []int
	if q != nil {
		sel = q.Select
	}
	b = t.AppendRow(b, r, sel)
	if q != nil {
		for _, ex := range q.Expand {
			b = c.appendExpansion(b, co, t, r, ex)
		}
	}
	return append(b, '}')
}

// singleTarget resolves a single-valued navigation to its row.
func (c *reqContext) singleTarget(n *node) *table.Row {
	if rows := c.childRows(n, nil); len(rows) > 0 {
		return rows[0]
	}
	return synthesizeMediaEntity(n)
}
