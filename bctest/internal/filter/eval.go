package filter

import (
	"cmp"
	"strings"
)

// matcher is a compiled filter expression. match must not allocate: it runs
// for every row the fake server scans.
type matcher interface {
	match(row []string) bool
}

// op is a comparison operator.
type op uint8

const (
	eq op = iota
	ne
	gt
	ge
	lt
	le
)

// holds reports whether the operator accepts a comparison result c
// (negative, zero or positive).
func (o op) holds(c int) bool {
	switch o {
	case eq:
		return c == 0
	case ne:
		return c != 0
	case gt:
		return c > 0
	case ge:
		return c >= 0
	case lt:
		return c < 0
	}
	return c <= 0
}

// flip turns `literal op field` into `field op' literal`.
func (o op) flip() op {
	switch o {
	case gt:
		return lt
	case ge:
		return le
	case lt:
		return gt
	case le:
		return ge
	}
	return o
}

// constant is an expression with a fixed result: the empty filter, an
// ignored lambda, a comparison with null.
type constant bool

func (c constant) match([]string) bool { return bool(c) }

// allOf is a conjunction.
type allOf []matcher

// with appends m, flattening a nested conjunction so that Range sees every
// top-level conjunct.
func (a allOf) with(m matcher) allOf {
	if inner, ok := m.(allOf); ok {
		return append(a, inner...)
	}
	return append(a, m)
}

func (a allOf) match(row []string) bool {
	for _, m := range a {
		if !m.match(row) {
			return false
		}
	}
	return true
}

// anyOf is a disjunction.
type anyOf []matcher

func (a anyOf) match(row []string) bool {
	for _, m := range a {
		if m.match(row) {
			return true
		}
	}
	return false
}

// field returns row[i], or false if the row is too short.
func field(row []string, i int) (string, bool) {
	if uint(i) >= uint(len(row)) {
		return "", false
	}
	return row[i], true
}

// compare is `field op literal`, the literal parsed at Parse time.
type compare struct {
	field Field
	op    op
	fold  fold
	lit   value
	wire  string // the literal in wire-text form, for Range
	exact bool   // eq/ne decided by string equality, without parsing the row

	fixed    bool  // the literal fits parseFixed, so rows that do compare as int64
	litFixed int64 // the literal scaled by fixedScale
}

func (c *compare) match(row []string) bool {
	s, ok := field(row, c.field.Index)
	if !ok {
		return false
	}
	if c.exact {
		return (s == c.lit.s) == (c.op == eq)
	}
	// The common kinds are compared inline, parsing only what they need.
	var r int
	switch c.field.Kind {
	case Int, Decimal:
		if c.fixed {
			if n, ok := parseFixed(s); ok {
				r = cmp.Compare(n, c.litFixed)
				break
			}
		}
		n, ok := parseNumber(s)
		if !ok {
			return false
		}
		r = compareNumbers(&n, &c.lit.num)
	case Date:
		if !validDate(s) {
			return false
		}
		r = strings.Compare(s, c.lit.s)
	case DateTime:
		t, ok := parseDateTime(s)
		if !ok {
			return false
		}
		r = compareInstants(t, c.lit.t)
	case GUID:
		if c.op == eq { // a row equal to the valid literal is valid
			return equalGUID(s, c.lit.s)
		}
		if !IsGUID(s) {
			return false
		}
		r = compareGUID(s, c.lit.s)
	default:
		v, ok := parseValue(c.field.Kind, c.field.Enum, s)
		if !ok {
			return false
		}
		r = compareValues(c.field.Kind, c.fold, &v, &c.lit)
	}
	return c.op.holds(r)
}

// oneOf is `field in (…)`.
type oneOf struct {
	field Field
	fold  fold
	lits  []value
}

func (o *oneOf) match(row []string) bool {
	s, ok := field(row, o.field.Index)
	if !ok {
		return false
	}
	v, ok := parseValue(o.field.Kind, o.field.Enum, s)
	if !ok {
		return false
	}
	for i := range o.lits {
		if compareValues(o.field.Kind, o.fold, &v, &o.lits[i]) == 0 {
			return true
		}
	}
	return false
}

// textTest is contains/startswith/endswith(field, 'arg').
type textTest struct {
	index int
	test  stringTest
	fold  fold
	arg   string
}

func (t *textTest) match(row []string) bool {
	s, ok := field(row, t.index)
	return ok && t.test.match(s, t.arg, t.fold)
}
