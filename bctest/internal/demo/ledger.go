package demo

import (
	"strconv"
	"time"
)

// Ledger generates a company's G/L entries from their index, holding only
// the chart, the calendar and the dimension values: millions of entries cost
// no memory. Entries come in blocks of 12 (the last block may have 13 or
// fewer); a block is split into documents of 2–4 entries that balance, all
// posted on the same day. Entry i has entryNumber i+1, and postingDate and
// lastModifiedDateTime never decrease with i, so range filters on them are
// answered by binary search.
type Ledger struct {
	n, blocks, last int  // entries, blocks, size of the last block
	noDims          bool // Config.NoGLDimensions
	Sentinel        int  // entries before this have BC's empty lastModifiedDateTime
	salt, node      uint64
	k1, k2          uint64 // keys of the id permutation

	col       glCols
	days      []string   // the business days of the period, as dates
	tmpl      [100]uint8 // template index by percentile
	accts     [roleDepExp + 1][]glAcct
	cust      []string // descriptions of customer and vendor documents
	vend      []string
	acyRate   int64 // ACY per 10,000 LCY; 0 without an additional reporting currency
	taxBP     int64
	dims      [][][]string // per dimension (sorted by code), per value: a dimensionSetLine row
	dimParent int          // the parentId column of those rows
}

type glCols struct {
	id, entryNumber, postingDate, documentNumber, documentType, accountID, accountNumber, description,
	debit, credit, acyDebit, acyCredit, modified int
}

type glAcct struct{ id, number, name string }

// glTemplate is a kind of posting: which accounts its lines hit and on which
// side, its tax account, and the account that balances it.
type glTemplate struct {
	docType, prefix, desc string
	party                 int // 0 none, 1 customer, 2 vendor
	lines                 []demoRole
	debit                 bool // side of the lines; the balancing entry takes the other
	tax, bal              demoRole
	weight                int
}

var glTemplates = []glTemplate{
	{"Invoice", "PSI", "Invoice", 1, []demoRole{roleRevenue}, false, roleSalesTax, roleAR, 30},
	{"Invoice", "PPI", "Invoice", 2, []demoRole{roleExpense, roleCOGS, roleCOGS}, true, rolePurchTax, roleAP, 24},
	{"Payment", "PMT", "Payment", 1, []demoRole{roleAR}, false, roleNone, roleBank, 14},
	{"Payment", "VPMT", "Payment", 2, []demoRole{roleAP}, true, roleNone, roleBank, 12},
	{"Credit_x0020_Memo", "PSCR", "Credit memo", 1, []demoRole{roleRevenue}, true, roleSalesTax, roleAR, 4},
	{"Credit_x0020_Memo", "PPCR", "Credit memo", 2, []demoRole{roleExpense}, false, rolePurchTax, roleAP, 2},
	{"_x0020_", "GJ", "", 0, []demoRole{roleExpense, roleSalary}, true, roleNone, roleBank, 8},
	{"_x0020_", "ACC", "", 0, []demoRole{roleExpense}, true, roleNone, roleAccrued, 2},
	{"_x0020_", "DEP", "", 0, []demoRole{roleDepExp}, true, roleNone, roleAccDep, 1},
	{"Refund", "REF", "Refund", 1, []demoRole{roleAR}, true, roleNone, roleBank, 1},
	{"Finance_x0020_Charge_x0020_Memo", "FIN", "Finance charge", 1, []demoRole{roleFinCharge}, false, roleNone, roleAR, 1},
	{"Reminder", "RMD", "Reminder fee", 1, []demoRole{roleFinCharge}, false, roleNone, roleAR, 1},
}

const (
	glBlock = 12
	glTag   = 0xa6f5 // fourth GUID group of G/L entry ids
	glMul1  = 0xbf58476d1ce4e5b9
	glMul2  = 0x94d049bb133111eb
)

var glInv1, glInv2 = inverse64(glMul1), inverse64(glMul2)

// glParts are the ways to split a block of n entries into documents of 2–4.
var glParts = func() [14][][]uint8 {
	var parts [14][][]uint8
	var rec func(rest int, acc []uint8)
	var size int
	rec = func(rest int, acc []uint8) {
		if rest == 0 {
			parts[size] = append(parts[size], append([]uint8(nil), acc...))
			return
		}
		for p := 2; p <= 4 && p <= rest; p++ {
			rec(rest-p, append(acc, uint8(p)))
		}
	}
	for size = 2; size < len(parts); size++ {
		rec(size, nil)
	}
	parts[1] = [][]uint8{{1}}
	return parts
}()

// inverse64 is the inverse of an odd number modulo 2^64 (Newton's method).
func inverse64(m uint64) uint64 {
	x := m
	for range 5 {
		x *= 2 - m*x
	}
	return x
}

func (g *demoGen) ledger() {
	if err := g.co.SetVirtual("generalLedgerEntries", newGLLedger(g)); err != nil {
		panic(err)
	}
}

func newGLLedger(g *demoGen) *Ledger {
	n := g.cfg.GLEntries
	l := &Ledger{n: n, noDims: g.cfg.NoGLDimensions, salt: g.salt ^ 0x6c62272e07bb0142, node: g.node, acyRate: g.p.acyRate, taxBP: g.p.taxBP,
		k1: mix64(g.salt + 1), k2: mix64(g.salt + 2)}
	if g.p.acy == "" {
		l.acyRate = 0
	}
	l.blocks, l.last = n/glBlock, glBlock
	switch rem := n % glBlock; {
	case rem == 1 && l.blocks > 0:
		l.last = glBlock + 1
	case rem > 0:
		l.blocks++
		l.last = rem
	}
	l.Sentinel = (n*5 + 999) / 1000
	cols := g.co.Columns("generalLedgerEntries")
	idx := func(names []string, name string) int {
		for i, c := range names {
			if c == name {
				return i
			}
		}
		panic("bctest: demo: generalLedgerEntries has no " + name)
	}
	l.col = glCols{idx(cols, "id"), idx(cols, "entryNumber"), idx(cols, "postingDate"), idx(cols, "documentNumber"),
		idx(cols, "documentType"), idx(cols, "accountId"), idx(cols, "accountNumber"), idx(cols, "description"),
		idx(cols, "debitAmount"), idx(cols, "creditAmount"), idx(cols, "additionalCurrencyDebitAmount"),
		idx(cols, "additionalCurrencyCreditAmount"), idx(cols, "lastModifiedDateTime")}
	for d := g.start; !d.After(g.today); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			l.days = append(l.days, d.Format(time.DateOnly))
		}
	}
	k := 0
	for ti, t := range glTemplates {
		for range t.weight {
			l.tmpl[k] = uint8(ti)
			k++
		}
	}
	if k != len(l.tmpl) {
		panic("bctest: demo: G/L template weights must add up to 100")
	}
	for r, as := range g.m.byRole {
		for _, a := range as {
			if a.typ == "Posting" {
				l.accts[r] = append(l.accts[r], glAcct{a.id, a.number, a.name})
			}
		}
	}
	for _, c := range g.m.customers {
		l.cust = append(l.cust, c.name)
	}
	for _, v := range g.m.vendors {
		l.vend = append(l.vend, v.name)
	}
	l.dimensions(g)
	return l
}

// dimensions prepares a dimensionSetLine row for every dimension value.
func (l *Ledger) dimensions(g *demoGen) {
	idx := map[string]int{}
	for i, c := range g.co.Columns("dimensionSetLines") {
		idx[c] = i
	}
	l.dimParent = idx["parentId"]
	empty := g.set("dimensionSetLines").empty
	for _, code := range []string{"AREA", "BUSINESSGROUP", "CUSTOMERGROUP", "DEPARTMENT", "PROJECT"} {
		d := g.dim(code)
		var rows [][]string
		for _, v := range d.values {
			r := append([]string(nil), empty...)
			r[idx["id"]], r[idx["code"]], r[idx["displayName"]] = d.id, d.code, d.name
			r[idx["parentType"]] = "General_x0020_Ledger_x0020_Entry"
			r[idx["valueId"]], r[idx["valueCode"]], r[idx["valueDisplayName"]] = v.id, v.code, v.name
			rows = append(rows, r)
		}
		l.dims = append(l.dims, rows)
	}
}

// Len is the number of entries.
func (l *Ledger) Len() int { return l.n }

// Monotonic names the columns that never decrease with the index.
func (l *Ledger) Monotonic(column string) bool {
	return column == "entryNumber" || column == "postingDate" || column == "lastModifiedDateTime"
}

// perm maps an index to the first 64 bits of its id; unperm inverts it.
func (l *Ledger) perm(x uint64) uint64 {
	x ^= l.k1
	x *= glMul1
	x ^= x >> 31
	x *= glMul2
	x ^= x >> 29
	return x ^ l.k2
}

func (l *Ledger) unperm(y uint64) uint64 {
	y ^= l.k2
	y ^= y>>29 ^ y>>58
	y *= glInv2
	y ^= y>>31 ^ y>>62
	y *= glInv1
	return y ^ l.k1
}

// Find inverts the id of an entry.
func (l *Ledger) Find(key string) (int, bool) {
	if len(key) != 36 || key[8] != '-' || key[13] != '-' || key[18] != '-' || key[23] != '-' {
		return 0, false
	}
	a, ok1 := parseHex(key[0:8])
	b, ok2 := parseHex(key[9:13])
	c, ok3 := parseHex(key[14:18])
	tag, ok4 := parseHex(key[19:23])
	node, ok5 := parseHex(key[24:36])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || tag != glTag || node != l.node {
		return 0, false
	}
	i := l.unperm(a<<32 | b<<16 | c)
	if i >= uint64(l.n) {
		return 0, false
	}
	return int(i), true
}

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
