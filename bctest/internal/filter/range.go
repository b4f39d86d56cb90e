package filter

// Bound is one end of the range Range reports. Value is the literal in wire
// text form (datetimes in UTC, GUIDs in lower case, enum members by their
// declared wire name); Set is false when the filter implies no bound.
type Bound struct {
	Value     string
	Inclusive bool
	Set       bool
}

// Range reports the bounds on field implied by the top-level conjuncts
// (eq, gt, ge, lt, le; tolower/toupper comparisons excluded), the tightest
// of each kind, so that the server can binary-search a sorted or monotonic
// column instead of scanning every row. Compare the bounds with
// Field.Compare. Conditions under `or` imply no bound; lo may exceed hi,
// in which case no row matches.
func (f *Filter) Range(field string) (lo, hi Bound) {
	var loV, hiV *value
	for _, c := range f.conj {
		if c.field.Name != field || c.fold != noFold {
			continue
		}
		k := c.field.Kind
		if c.op == eq || c.op == gt || c.op == ge {
			if loV == nil || compareValues(k, noFold, &c.lit, loV) > 0 {
				loV, lo = &c.lit, Bound{c.wire, c.op != gt, true}
			} else if compareValues(k, noFold, &c.lit, loV) == 0 && c.op == gt {
				lo.Inclusive = false
			}
		}
		if c.op == eq || c.op == lt || c.op == le {
			if hiV == nil || compareValues(k, noFold, &c.lit, hiV) < 0 {
				hiV, hi = &c.lit, Bound{c.wire, c.op != lt, true}
			} else if compareValues(k, noFold, &c.lit, hiV) == 0 && c.op == lt {
				hi.Inclusive = false
			}
		}
	}
	return lo, hi
}

// conjuncts appends the comparisons among the top-level conjuncts of m.
func conjuncts(m matcher, out []*compare) []*compare {
	switch m := m.(type) {
	case allOf:
		for _, c := range m {
			out = conjuncts(c, out)
		}
	case *compare:
		out = append(out, m)
	}
	return out
}

// Compare orders two wire-text values of the field the way the filter
// does: numbers by value, datetimes as instants, GUIDs as SQL Server orders
// them, enum members in declared order, strings by bytes. ok is false if
// either value does not parse as the field's kind.
func (f Field) Compare(a, b string) (c int, ok bool) {
	va, okA := parseValue(f.Kind, f.Enum, a)
	vb, okB := parseValue(f.Kind, f.Enum, b)
	if !okA || !okB {
		return 0, false
	}
	return compareValues(f.Kind, noFold, &va, &vb), true
}
