package serve

import (
	"math"
	"slices"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/query"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// page selects the rows of the requested page: filter, order, $skip, $top,
// resuming after the skiptoken's position. more says whether a nextLink is due.
func (c *reqContext) page(n *node, q *query.Query) (rows []*table.Row, more bool, last query.SkipToken, aerr *protocol.Error) {
	t := n.t
	topLeft := q.Top
	after := int64(math.MinInt64)
	skip := q.Skip
	if q.Token != nil {
		topLeft, after, skip = q.Token.TopLeft, q.Token.Seq, 0
	}
	limit := q.PageSize
	if c.srv.Faults.IgnoresPageSize() {
		limit = query.MaxPageSize
	}
	if topLeft >= 0 && topLeft < limit {
		limit = topLeft
	}
	reverse := false
	if len(q.OrderBy) > 0 {
		if t.Virtual == nil {
			return c.orderedPage(n, q, topLeft, skip, limit)
		}
		// Millions of generated rows cannot be sorted per request: only the
		// order they are generated in (a monotonic column), either way, is served.
		k := q.OrderBy[0]
		if len(q.OrderBy) > 1 || !t.Virtual.Monotonic(t.Cols[k.Col].Name) {
			return nil, false, query.SkipToken{}, query.Error("BadRequest_NotSupported", "$orderby on "+t.Cols[k.Col].Name+" is not supported by the fake for this entity set")
		}
		reverse = k.Desc
		if reverse && q.Token == nil {
			after = math.MaxInt64
		}
	}
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	lo, hi := 0, math.MaxInt
	if t.Virtual != nil {
		lo, hi = t.VirtualBounds(q.Filter)
	}
	scan := t.Scan
	if reverse {
		scan = t.ScanReverse
	}
	scan(after, lo, hi, func(r *table.Row) bool {
		if !n.children(r) || q.Filter != nil && !q.Filter.Match(r.Vals) {
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
		last = query.SkipToken{Seq: rows[len(rows)-1].Seq, TopLeft: -1}
		if topLeft >= 0 {
			last.TopLeft = topLeft - len(rows)
		}
	}
	return rows, more, last, nil
}

// orderedPage serves a page in $orderby order (materialised tables only):
// it sorts the matches and resumes after the skiptoken's sort values.
func (c *reqContext) orderedPage(n *node, q *query.Query, topLeft, skip, limit int) ([]*table.Row, bool, query.SkipToken, *protocol.Error) {
	t := n.t
	t.Mu.RLock()
	var matches []*table.Row
	t.Scan(math.MinInt64, 0, math.MaxInt, func(r *table.Row) bool {
		if n.children(r) && (q.Filter == nil || q.Filter.Match(r.Vals)) {
			matches = append(matches, table.CopyRow(r))
		}
		return true
	})
	t.Mu.RUnlock()
	cmp := func(a, b *table.Row) int {
		for _, k := range q.OrderBy {
			d := table.CompareWire(t.Cols[k.Col].Kind, a.Vals[k.Col], b.Vals[k.Col])
			if k.Desc {
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
	if q.Token != nil {
		ref := &table.Row{Seq: q.Token.Seq, Vals: make([]string, len(t.Cols))}
		for i, k := range q.OrderBy {
			if i < len(q.Token.Order) {
				ref.Vals[k.Col] = q.Token.Order[i]
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
	var last query.SkipToken
	if len(rows) > 0 {
		lr := rows[len(rows)-1]
		last = query.SkipToken{Seq: lr.Seq, TopLeft: -1}
		for _, k := range q.OrderBy {
			last.Order = append(last.Order, lr.Vals[k.Col])
		}
		if topLeft >= 0 {
			last.TopLeft = topLeft - len(rows)
		}
	}
	return rows, more, last, nil
}
