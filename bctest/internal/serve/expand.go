package serve

import (
	"slices"

	"github.com/bcsdk/bc/bctest/internal/query"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
)

func (c *reqContext) appendExpansion(b []byte, co *tenant.Company, t *table.Table, parent *table.Row, ex query.Expansion) []byte {
	b = append(b, ',', '"')
	b = append(b, ex.Nav.Name...)
	b = append(b, '"', ':')
	if ex.Target == nil {
		if ex.Nav.Collection {
			return append(b, '[', ']')
		}
		return append(b, "null"...)
	}
	n := &node{co: co, t: ex.Target, parent: parent, via: &ex.Nav, ptable: t}
	children := c.childRows(n, ex.Sub)
	if !ex.Nav.Collection {
		if len(children) == 0 {
			return append(b, "null"...)
		}
		return c.appendEntity(b, co, ex.Target, children[0], ex.Sub)
	}
	b = append(b, '[')
	for i, ch := range children {
		if i > 0 {
			b = append(b, ',')
		}
		b = c.appendEntity(b, co, ex.Target, ch, ex.Sub)
	}
	return append(b, ']')
}

// childRows finds the rows a navigation leads to, through an index on the
// referenced column, applying the expansion's own filter, order and top.
func (c *reqContext) childRows(n *node, sub *query.Query) []*table.Row {
	var rows []*table.Row
	if len(n.via.Constraints) == 0 {
		return nil
	}
	if vc, ok := n.ptable.Virtual.(table.VirtualChildren); ok && n.parent.Seq <= 0 {
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
		if sub.Filter != nil {
			rows = slices.DeleteFunc(rows, func(r *table.Row) bool { return !sub.Filter.Match(r.Vals) })
		}
		if len(sub.OrderBy) > 0 {
			slices.SortStableFunc(rows, func(a, b *table.Row) int {
				for _, k := range sub.OrderBy {
					d := table.CompareWire(n.t.Cols[k.Col].Kind, a.Vals[k.Col], b.Vals[k.Col])
					if k.Desc {
						d = -d
					}
					if d != 0 {
						return d
					}
				}
				return 0
			})
		}
		if sub.Skip > 0 {
			rows = rows[min(sub.Skip, len(rows)):]
		}
		if sub.Top >= 0 && len(rows) > sub.Top {
			rows = rows[:sub.Top]
		}
	}
	return rows
}

// resolveExpansions attaches the company tables the expansions lead to.
func (c *reqContext) resolveExpansions(co *tenant.Company, ex []query.Expansion) {
	for i := range ex {
		if t, ok := co.Table(c.route, SetOfType(c.svc(), ex[i].Nav.Type)); ok {
			ex[i].Target = t
		}
		if ex[i].Sub != nil {
			c.resolveExpansions(co, ex[i].Sub.Expand)
		}
	}
}
