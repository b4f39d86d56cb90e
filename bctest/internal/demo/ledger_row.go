package demo

import "strconv"

// glDoc is the document an entry belongs to.
type glDoc struct {
	block, key  int    // block index; document number within the ledger
	start, size int    // first entry of the document, number of entries
	h           uint64 // hash of the document
	t           *glTemplate
}

func (l *Ledger) doc(i int) glDoc {
	b := i / glBlock
	if b >= l.blocks {
		b = l.blocks - 1
	}
	size := glBlock
	if b == l.blocks-1 {
		size = l.last
	}
	off := i - b*glBlock
	parts := glParts[size]
	hb := mix64(l.salt ^ uint64(b)*0x9e3779b97f4a7c15)
	p := parts[hb%uint64(len(parts))]
	start := 0
	for j, k := range p {
		if off < start+int(k) {
			h := mix64(hb + uint64(j+1)*0xd6e8feb86659fd93)
			return glDoc{block: b, key: b*8 + j + 1, start: b*glBlock + start, size: int(k), h: h,
				t: &glTemplates[l.tmpl[h%100]]}
		}
		start += int(k)
	}
	panic("unreachable")
}

// amounts computes a document's entries: lines, tax, then the balancing
// entry, in cents, all positive; lines are on side t.debit.
func (l *Ledger) amounts(d glDoc, amt *[4]int64) {
	nl := d.size - 1
	tax := d.t.tax != roleNone && d.size >= 3
	if tax {
		nl--
	}
	var sum int64
	for e := 0; e < nl; e++ {
		amt[e] = glAmount(mix64(d.h + uint64(e+1)*0x9e3779b97f4a7c15))
		sum += amt[e]
	}
	if tax {
		amt[nl] = max(pct(sum, l.taxBP), 1)
		sum += amt[nl]
	}
	amt[d.size-1] = sum
}

// glAmount is a line amount in cents: mostly odd amounts, some whole
// hundreds (1000.00) and some with one decimal (12.5).
func glAmount(h uint64) int64 {
	mag := [4]uint64{10_000, 100_000, 1_000_000, 5_000_000}[h&3]
	v := int64(500 + (h>>2)%mag)
	switch (h >> 40) % 10 {
	case 0, 1:
		v = (v/10000 + 1) * 10000
	case 2:
		v = v / 10 * 10
	}
	return v
}

// account is the account of entry e of a document.
func (l *Ledger) account(d glDoc, e int) glAcct {
	he := mix64(d.h ^ uint64(e+7)*0xbf58476d1ce4e5b9)
	var role demoRole
	switch {
	case e == d.size-1:
		role = d.t.bal
		if role == roleBank {
			as := l.accts[roleBank]
			if he%10 < 8 || len(as) < 2 {
				return as[0]
			}
			return as[1+int(he>>8)%(len(as)-1)]
		}
	case d.t.tax != roleNone && d.size >= 3 && e == d.size-2:
		role = d.t.tax
	default:
		role = d.t.lines[he%uint64(len(d.t.lines))]
	}
	as := l.accts[role]
	return as[int(he>>16)%len(as)]
}

// Row writes entry i. The variable text is built in one buffer and sliced,
// so a row costs one allocation.
func (l *Ledger) Row(i int, dst []string) []string {
	d := l.doc(i)
	e := i - d.start
	var amt [4]int64
	l.amounts(d, &amt)
	acct := l.account(d, e)
	debit := d.t.debit == (e < d.size-1)

	var buf [320]byte
	w := appendGUID(buf[:0], l.perm(uint64(i)), glTag, l.node)
	pID := len(w)
	w = strconv.AppendInt(w, int64(i+1), 10)
	pEntry := len(w)
	w = append(w, d.t.prefix...)
	w = append(w, '-')
	w = appendPadded(w, d.key, 8)
	pDoc := len(w)
	switch d.t.party {
	case 1:
		w = append(w, d.t.desc...)
		w = append(w, ' ')
		w = append(w, l.cust[d.h>>32%uint64(len(l.cust))]...)
	case 2:
		w = append(w, d.t.desc...)
		w = append(w, ' ')
		w = append(w, l.vend[d.h>>32%uint64(len(l.vend))]...)
	default:
		w = append(w, l.account(d, 0).name...)
	}
	pDesc := len(w)
	w = appendMoney(w, amt[e])
	pAmt := len(w)
	if l.acyRate > 0 {
		w = appendMoney(w, l.acy(d, e, &amt))
	}
	pACY := len(w)
	sentinel := i < l.Sentinel
	if !sentinel {
		w = l.appendModified(w, d)
	}
	s := string(w)
	c := l.col
	dst[c.id] = s[:pID]
	dst[c.entryNumber] = s[pID:pEntry]
	dst[c.documentNumber] = s[pEntry:pDoc]
	dst[c.description] = s[pDoc:pDesc]
	dst[c.postingDate] = l.days[l.day(d.block)]
	dst[c.documentType] = d.t.docType
	dst[c.accountID], dst[c.accountNumber] = acct.id, acct.number
	side, other := c.debit, c.credit
	acySide, acyOther := c.acyDebit, c.acyCredit
	if !debit {
		side, other, acySide, acyOther = other, side, acyOther, acySide
	}
	dst[side], dst[other] = s[pDesc:pAmt], "0"
	dst[acySide], dst[acyOther] = "0", "0"
	if acy := s[pAmt:pACY]; acy != "" {
		dst[acySide] = acy // "0" when the amount is too small to show
	}
	dst[c.modified] = "0001-01-01T00:00:00Z"
	if !sentinel {
		dst[c.modified] = s[pACY:]
	}
	return dst
}

// acy is entry e's amount in the additional reporting currency; the
// balancing entry takes the sum so that documents balance there too.
func (l *Ledger) acy(d glDoc, e int, amt *[4]int64) int64 {
	conv := func(c int64) int64 { return (c*l.acyRate + 5000) / 10000 }
	if e < d.size-1 {
		return conv(amt[e])
	}
	var sum int64
	for k := 0; k < d.size-1; k++ {
		sum += conv(amt[k])
	}
	return sum
}

// day is the index of the business day a block is posted on.
func (l *Ledger) day(b int) int { return b * len(l.days) / l.blocks }

// appendModified writes the document's lastModifiedDateTime: during the
// working day of its posting date, spaced so that later blocks are later,
// with 0–3 fraction digits.
func (l *Ledger) appendModified(w []byte, d glDoc) []byte {
	nd := len(l.days)
	day := l.day(d.block)
	first := (day*l.blocks + nd - 1) / nd
	count := max(((day+1)*l.blocks+nd-1)/nd-first, 1)
	spacing := int64(10*3600_000) / int64(count)
	hb := mix64(l.salt + uint64(d.block))
	ms := 7*3600_000 + int64(d.block-first)*spacing + int64(hb>>1)%max(spacing/2, 1)
	if spacing >= 2000 {
		switch hb % 8 {
		case 0:
			ms -= ms % 1000
		case 1:
			ms -= ms % 100
		case 2, 3:
			ms -= ms % 10
		}
	}
	w = append(w, l.days[day]...)
	return appendClock(w, ms)
}

func appendPadded(w []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for range width - len(s) {
		w = append(w, '0')
	}
	return append(w, s...)
}

// Children serves the dimension set of entry i: the department and area of
// its document, and for two thirds of the documents a project or a customer
// or business group.
func (l *Ledger) Children(nav string, i int) [][]string {
	if nav != "dimensionSetLines" || i < 0 || i >= l.n || l.noDims {
		return nil
	}
	d := l.doc(i)
	e := uint64(i - d.start)
	parent := formatGUID(l.perm(uint64(i)), glTag, l.node)
	row := func(dim int, h uint64) []string {
		vals := l.dims[dim]
		r := append([]string(nil), vals[h%uint64(len(vals))]...)
		r[l.dimParent] = parent
		return r
	}
	const area, business, customer, dept, project = 0, 1, 2, 3, 4
	out := [][]string{row(area, d.h>>8)}
	third := d.h >> 16 % 3
	if third == 1 {
		if d.t.party == 1 {
			out = append(out, row(customer, d.h>>24))
		} else {
			out = append(out, row(business, d.h>>24))
		}
	}
	out = append(out, row(dept, d.h>>40+e))
	if third == 0 {
		out = append(out, row(project, d.h>>28))
	}
	return out
}
