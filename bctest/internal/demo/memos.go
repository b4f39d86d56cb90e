package demo

import (
	"slices"

	"github.com/bcsdk/bc/bctest/internal/table"
)

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
