package serve

import (
	"fmt"
	"math"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/bcsdk/bc/entities"
)

// EachChild calls fn with every row reached through the navigation nav of
// every row of set (a G/L entry's dimensionSetLines, an invoice's lines), in
// wire text, with the parent's key. Generated children of virtual rows are
// included (bctest.Company.EachChild).
func EachChild(co *tenant.Company, set, nav string, fn func(parentKey string, child map[string]string) bool) error {
	t, err := co.Std(set)
	if err != nil {
		return err
	}
	np := findNav(t.Type, nav)
	if np == nil || len(np.Constraints) == 0 {
		return fmt.Errorf("bctest: %s has no navigation %q", set, nav)
	}
	child, ok := co.Table(bc.StandardRoute, SetOfType(entities.Schema, np.Type))
	if !ok {
		return fmt.Errorf("bctest: no entity set serves %s", np.Type)
	}
	var parents []*table.Row
	t.Mu.RLock()
	t.Scan(math.MinInt64, 0, math.MaxInt, func(r *table.Row) bool { parents = append(parents, table.CopyRow(r)); return true })
	t.Mu.RUnlock()
	for _, p := range parents {
		n := &node{co: co, t: child, parent: p, via: np, ptable: t}
		var rows []*table.Row
		if vc, ok := t.Virtual.(table.VirtualChildren); ok && p.Seq <= 0 {
			for _, vals := range vc.Children(nav, int(p.Seq+int64(t.Virtual.Len()))) {
				rows = append(rows, &table.Row{Vals: vals, Version: p.Version})
			}
		} else {
			rows = child.RowsWhere(np.Constraints[0].ReferencedProperty, p.Vals[t.ColIdx[np.Constraints[0].Property]])
		}
		for _, r := range rows {
			if !n.children(r) {
				continue
			}
			if !fn(p.Vals[t.Key], child.Record(r)) {
				return nil
			}
		}
	}
	return nil
}
