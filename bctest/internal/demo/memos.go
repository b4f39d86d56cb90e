package demo

import (
	"math/rand/v2"
	"slices"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// side is what sets the sales and the purchase side of the demo's documents
// apart; the generators of documents both sides have take one.
type side struct {
	sales   bool
	prefix  string // of the sets' names: "sales", "purchase"
	docType string // BC's document types begin with it: "Sales", "Purchase"
	price   string // the lines' price property
	header  func(g *demoGen, s *demoSet, d *demoDoc, dateField string) demoRec

	memos      func(cfg Config) int              // credit memos for returns, besides the corrective ones
	memoLine   func(l *demoLine) bool            // which lines of an invoice can be returned
	memoQty    func(rng *rand.Rand, l *demoLine) // adjusts a returned line, or nil
	memoExt    func(k int) string                // the customer's or vendor's reference of return k
	memoDays   [2]int                            // a return comes memoDays[0] + [0, memoDays[1]) days after the invoice
	memoPosted string                            // number series of posted credit memos, and its start
	memoStart  int
	memoDraft  string // of draft credit memos, starting at 1001
	memoHeader func(h demoRec, m *demoDoc, reason string) demoRec
}

var salesSide = side{
	sales: true, prefix: "sales", docType: "Sales", price: "unitPrice",
	header:   (*demoGen).salesHeader,
	memos:    func(cfg Config) int { return cfg.InvoicesPerMonth },
	memoLine: func(l *demoLine) bool { return l.kind == "Item" },
	memoQty: func(rng *rand.Rand, l *demoLine) {
		if l.qty > 100 {
			l.qty = 100 * int64(1+rng.IntN(int(l.qty/100)))
			l.gross = (l.qty*l.price + 50) / 100
			l.disc = pct(l.gross, l.discBP)
			l.net = l.gross - l.disc
			l.tax = pct(l.net, l.taxBP)
		}
	},
	memoExt:    func(k int) string { return seqNo("RMA-", 2000+k) },
	memoDays:   [2]int{5, 40},
	memoPosted: "PS-CR", memoStart: 104001, memoDraft: "S-CR",
	memoHeader: func(h demoRec, m *demoDoc, reason string) demoRec {
		return h.put("invoiceId", m.src.id).put("invoiceNumber", m.src.number).put("customerReturnReasonId", reason)
	},
}

var purchaseSide = side{
	prefix: "purchase", docType: "Purchase", price: "unitCost",
	header:     (*demoGen).purchaseHeader,
	memos:      func(cfg Config) int { return cfg.InvoicesPerMonth * 2 / 3 },
	memoLine:   func(l *demoLine) bool { return l.kind != "Comment" },
	memoExt:    func(int) string { return "" },
	memoDays:   [2]int{3, 30},
	memoPosted: "PP-CR", memoStart: 109001, memoDraft: "P-CR",
	memoHeader: func(h demoRec, m *demoDoc, reason string) demoRec {
		return h.put("vendorCreditMemoNumber", "CR-"+m.src.ext).put("invoiceId", m.src.id).
			put("invoiceNumber", m.src.number).put("vendorReturnReasonId", reason)
	},
}

// creditMemos writes one side's credit memos: a corrective one for every
// canceled invoice, and returns of some lines of posted invoices, and books
// the posted ones on the parties.
func (g *demoGen) creditMemos(sd side, invoices []*demoDoc) {
	set := sd.prefix + "CreditMemos"
	s := g.set(set)
	rng := s.rng
	var memos, posted []*demoDoc
	for _, inv := range invoices {
		if inv.status == "Canceled" {
			memos = append(memos, &demoDoc{sales: sd.sales, party: inv.party, status: "Corrective", lines: copyLines(inv.lines, nil),
				date: minTime(inv.date.AddDate(0, 0, 1+rng.IntN(4)), g.today), dept: inv.dept, proj: inv.proj, dims: inv.dims, src: inv})
		} else if inv.posted {
			posted = append(posted, inv)
		}
	}
	for k := 0; k < sd.memos(g.cfg) && len(posted) > 0; k++ {
		inv := posted[rng.IntN(len(posted))]
		lines := copyLines(inv.lines, sd.memoLine)
		if len(lines) == 0 {
			continue
		}
		lines = lines[:1+rng.IntN(len(lines))]
		for _, l := range lines {
			l.dims = false
			if sd.memoQty != nil {
				sd.memoQty(rng, l)
			}
		}
		m := &demoDoc{sales: sd.sales, party: inv.party, lines: lines, src: inv, ext: sd.memoExt(k), dept: inv.dept, proj: inv.proj, dims: inv.dims,
			date: minTime(inv.date.AddDate(0, 0, sd.memoDays[0]+rng.IntN(sd.memoDays[1])), g.today)}
		switch {
		case days(m.date, g.today) < 10 && chance(rng, 0.5):
			m.status = "Draft"
		case chance(rng, 0.7):
			m.status = "Paid"
		default:
			m.status = "Open"
		}
		memos = append(memos, m)
	}
	slices.SortStableFunc(memos, func(a, b *demoDoc) int { return a.date.Compare(b.date) })
	drafts, numbered := 0, 0
	for k, m := range memos {
		m.id = g.id(set, k)
		m.total()
		m.due, m.posted = m.date, m.status != "Draft"
		if m.posted {
			m.number = seqNo(sd.memoPosted, sd.memoStart+numbered)
			numbered++
		} else {
			m.number = seqNo(sd.memoDraft, 1001+drafts)
			drafts++
		}
		if m.status == "Open" {
			m.remaining = m.gross
		}
		m.modified = g.modified(rng, m.date)
		reason := table.ZeroGUID
		if m.status != "Corrective" {
			reason = pick(rng, g.m.reasons).id
		}
		h := sd.memoHeader(sd.header(g, s, m, "creditMemoDate"), m, reason)
		g.writeDoc(h, sd.prefix+"CreditMemoLines", sd.price, sd.docType+"_x0020_Credit_x0020_Memo", m, rng, nil)
		g.book(m, -1)
	}
}
