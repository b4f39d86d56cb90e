package bctest

import (
	"slices"

	"github.com/bcsdk/bc/bctest/internal/table"
)

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
