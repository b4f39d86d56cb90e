package table

import (
	"sort"

	"github.com/bcsdk/bc/bctest/internal/filter"
)

func (t *Table) indexOfSeq(seq int64) int {
	i := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Seq >= seq })
	if i < len(t.Rows) && t.Rows[i].Seq == seq {
		return i
	}
	return -1
}

// Scan calls fn for the rows with seq > after (beginning: math.MinInt64), in
// seq order, until fn returns false. Virtual rows (seq ≤ 0) come first. Generated virtual rows
// are visited only within the index range [lo, hi) the filter allows
// (virtualBounds); changed virtual rows are always visited because their
// values may now match. The caller holds t.mu.RLock.
func (t *Table) Scan(after int64, lo, hi int, fn func(r *Row) bool) {
	if t.Virtual != nil && after < 0 {
		n := t.Virtual.Len()
		start := 0
		if after >= -int64(n) {
			start = int(after+int64(n)) + 1
		}
		i, end := max(start, lo), min(n, hi)
		k := sort.SearchInts(t.vOverrideIdx, start)
		buf := &Row{}
		vals := make([]string, len(t.Cols))
		for i < end || k < len(t.vOverrideIdx) {
			var next int
			switch {
			case k < len(t.vOverrideIdx) && (i >= end || t.vOverrideIdx[k] <= i):
				next = t.vOverrideIdx[k]
				k++
				if next == i {
					i++
				}
			default:
				next = i
				i++
			}
			if t.vDeleted[next] {
				continue
			}
			r, ok := t.vOverride[next]
			if !ok {
				*buf = Row{Seq: int64(next) - int64(n), Version: int64(next) + 1, Vals: t.Virtual.Row(next, vals)}
				r = buf
			}
			if !fn(r) {
				return
			}
		}
		after = 0
	}
	i := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Seq > after })
	for ; i < len(t.Rows); i++ {
		if !fn(t.Rows[i]) {
			return
		}
	}
}

// ScanReverse is scan in descending seq order: rows with seq < before.
func (t *Table) ScanReverse(before int64, lo, hi int, fn func(r *Row) bool) {
	i := sort.Search(len(t.Rows), func(i int) bool { return t.Rows[i].Seq >= before }) - 1
	for ; i >= 0; i-- {
		if !fn(t.Rows[i]) {
			return
		}
	}
	if t.Virtual == nil {
		return
	}
	n := t.Virtual.Len()
	start := n - 1
	if before <= 0 {
		start = int(before+int64(n)) - 1
	}
	vals := make([]string, len(t.Cols))
	buf := &Row{}
	k := sort.SearchInts(t.vOverrideIdx, start+1) - 1
	i, floor := min(start, hi-1), max(lo, 0)
	for i >= floor || k >= 0 {
		var next int
		switch {
		case k >= 0 && (i < floor || t.vOverrideIdx[k] >= i):
			next = t.vOverrideIdx[k]
			k--
			if next == i {
				i--
			}
		default:
			next = i
			i--
		}
		if next > start || t.vDeleted[next] {
			continue
		}
		r, ok := t.vOverride[next]
		if !ok {
			*buf = Row{Seq: int64(next) - int64(n), Version: int64(next) + 1, Vals: t.Virtual.Row(next, vals)}
			r = buf
		}
		if !fn(r) {
			return
		}
	}
}

// VirtualBounds turns a filter's range on monotonic columns into an index
// range [lo, hi) of virtual rows that can match; rows outside cannot.
func (t *Table) VirtualBounds(f *filter.Filter) (lo, hi int) {
	n := t.Virtual.Len()
	lo, hi = 0, n
	if f == nil {
		return lo, hi
	}
	vals := make([]string, len(t.Cols))
	for _, c := range t.Cols {
		if !t.Virtual.Monotonic(c.Name) {
			continue
		}
		min, max := f.Range(c.Name)
		ci := t.ColIdx[c.Name]
		if min.Set {
			// first index whose value is ≥ (or >) the bound
			l := sort.Search(n, func(i int) bool {
				cmp := CompareWire(c.Kind, t.Virtual.Row(i, vals)[ci], min.Value)
				return cmp > 0 || cmp == 0 && min.Inclusive
			})
			lo = maxInt(lo, l)
		}
		if max.Set {
			h := sort.Search(n, func(i int) bool {
				cmp := CompareWire(c.Kind, t.Virtual.Row(i, vals)[ci], max.Value)
				return cmp > 0 || cmp == 0 && !max.Inclusive
			})
			hi = minInt(hi, h)
		}
	}
	return lo, hi
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// RowsWhere returns the materialised rows whose column equals v (GUIDs and
// codes compared case-insensitively), through an index rebuilt after changes.
func (t *Table) RowsWhere(column, v string) []*Row {
	ci, ok := t.ColIdx[column]
	if !ok {
		return nil
	}
	t.idxMu.Lock()
	defer t.idxMu.Unlock()
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	if t.idx == nil {
		t.idx, t.idxAt = map[int]map[string][]*Row{}, map[int]int64{}
	}
	m, built := t.idx[ci]
	if !built || t.idxAt[ci] != t.gen {
		m = make(map[string][]*Row, len(t.Rows))
		for _, r := range t.Rows {
			k := FoldKey(r.Vals[ci])
			m[k] = append(m[k], r)
		}
		t.idx[ci], t.idxAt[ci] = m, t.gen
	}
	found := m[FoldKey(v)]
	out := make([]*Row, len(found))
	for i, r := range found {
		out[i] = CopyRow(r)
	}
	return out
}
