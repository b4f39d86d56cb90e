package bctest

import (
	"math"
	"slices"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// page selects the rows of the requested page: filter, order, $skip, $top,
// resuming after the skiptoken's position. more says whether a nextLink is due.
func (c *reqContext) page(n *node, q *query) (rows []*table.Row, more bool, last skipToken, aerr *protocol.Error) {
	t := n.t
	topLeft := q.top
	after := int64(math.MinInt64)
	skip := q.skip
	if q.token != nil {
		topLeft, after, skip = q.token.TopLeft, q.token.Seq, 0
	}
	limit := q.pageSize
	if c.srv.faults.IgnoresPageSize() {
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
func (c *reqContext) orderedPage(n *node, q *query, topLeft, skip, limit int) ([]*table.Row, bool, skipToken, *protocol.Error) {
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
