package demo

import (
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
