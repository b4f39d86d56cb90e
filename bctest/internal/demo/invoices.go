package demo

import (
	"strconv"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// invoices writes one side's invoices of the period, posted and draft, with
// their lines, and books what is still open on the parties.
func (g *demoGen) invoices(sd side) []*demoDoc {
	set := sd.prefix + "Invoices"
	s := g.set(set)
	rng := s.rng
	n := sd.invoices(g.cfg)
	drafts, posted := 0, 0
	var docs []*demoDoc
	for k, date := range docDates(g.start, g.today, n) {
		d := &demoDoc{id: g.id(set, k), sales: sd.sales, date: date}
		d.party = pickParty(rng, sd.parties(g), sd.sales)
		g.docDims(rng, d)
		g.makeLines(rng, d, 1+rng.IntN(sd.invoiceLines))
		d.due = dueDate(date, d.party.terms)
		d.status = g.invoiceStatus(rng, d, k == n-1)
		d.posted = d.status != "Draft"
		if d.posted && sd.invoiceOrder != nil {
			sd.invoiceOrder(rng, d, k)
		}
		if d.posted {
			d.number = seqNo(sd.invoicePosted, sd.invoicePostedStart+posted)
			posted++
		} else {
			d.number = seqNo(sd.invoiceDraft, sd.invoiceDraftStart+drafts)
			drafts++
		}
		d.modified = g.modified(rng, date)
		switch d.status {
		case "Open":
			d.remaining = d.gross
			if sd.partPayments && chance(rng, 0.1) {
				d.remaining -= pct(d.gross, int64(3000+rng.IntN(4000)))
			}
		case "Paid":
			d.modified = g.modified(rng, minTime(d.due.AddDate(0, 0, rng.IntN(sd.paidDays[1])+sd.paidDays[0]), g.today))
		case "Canceled":
			if sd.canceledLater {
				d.modified = g.modified(rng, minTime(date.AddDate(0, 0, 1+rng.IntN(5)), g.today))
			}
		}
		h := sd.invoiceHeader(g, s, d, k)
		g.writeDoc(h, sd.prefix+"InvoiceLines", sd.price, sd.docType+"_x0020_Invoice", d, rng, nil)
		g.book(d, 1)
		docs = append(docs, d)
	}
	return docs
}

// salesInvoiceHeader draws what only sales invoices have — the customer's
// order reference, promised payments, disputes and the order they came
// from — and puts it on the header.
func (g *demoGen) salesInvoiceHeader(s *demoSet, d *demoDoc, k int) demoRec {
	rng := s.rng
	if chance(rng, 0.4) {
		d.ext = seqNo("PO", 4500+rng.IntN(5000))
	}
	promised, dispute := time.Time{}, (*demoCode)(nil)
	overdue := d.status == "Open" && d.due.Before(g.today)
	if overdue && chance(rng, 0.2) {
		promised = g.today.AddDate(0, 0, 7)
	}
	if overdue && chance(rng, 0.25) {
		dispute = pick(rng, g.m.disputes)
	}
	if d.posted && chance(rng, 0.2) {
		d.order = seqNo("S-ORD", 100001+k)
	}
	return g.salesHeader(s, d, "invoiceDate").put("promisedPayDate", g.date(promised)).
		put("customerPurchaseOrderReference", d.ext).put("orderId", table.ZeroGUID).put("orderNumber", d.order).
		put("disputeStatusId", idOf(dispute)).put("disputeStatus", codeOf(dispute)).
		put("remainingAmount", money(d.remaining))
}

// purchaseInvoiceHeader gives the invoice the vendor's own number and puts
// it on the header.
func (g *demoGen) purchaseInvoiceHeader(s *demoSet, d *demoDoc, k int) demoRec {
	d.ext = vendorDocNo(s.rng.IntN(4), d.date, k)
	return g.purchaseHeader(s, d, "invoiceDate").put("vendorInvoiceNumber", d.ext).
		put("orderId", table.ZeroGUID).put("orderNumber", d.order)
}

// vendorDocNo is a vendor's own number for a document, in one of the styles
// vendors use.
func vendorDocNo(style int, date time.Time, k int) string {
	switch style {
	case 0:
		return "INV-" + strconv.Itoa(date.Year()) + "-" + strconv.Itoa(10000+k*7)
	case 1:
		return strconv.Itoa(400000 + k*13)
	case 2:
		return "FV/" + strconv.Itoa(k+1) + "/" + strconv.Itoa(date.Year()%100)
	}
	return "R" + strconv.Itoa(date.Year()) + strconv.Itoa(1000+k)
}

// book adds a posted document's amounts to its party: sales, balance and
// the aging buckets of what is still open. sign is -1 for credit memos.
func (g *demoGen) book(d *demoDoc, sign int64) {
	if d.status == "Draft" || d.status == "Canceled" || d.status == "Corrective" {
		return
	}
	p := d.party
	p.sales += sign * g.toLCY(p, d.net)
	rem := sign * g.toLCY(p, d.remaining)
	if rem == 0 {
		return
	}
	p.balance += rem
	switch late := days(d.due, g.today); {
	case late <= 0:
		p.notDue += rem
	case late <= 30:
		p.aging[0] += rem
	case late <= 60:
		p.aging[1] += rem
	default:
		p.aging[2] += rem
	}
	if d.due.Before(g.today) {
		p.overdue += rem
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// copyLines copies the lines keep accepts (all when keep is nil) for
// another document, without their ids.
func copyLines(ls []*demoLine, keep func(*demoLine) bool) []*demoLine {
	var out []*demoLine
	for _, l := range ls {
		if keep == nil || keep(l) {
			c := *l
			c.id = ""
			out = append(out, &c)
		}
	}
	return out
}

// total recomputes a document's totals from its lines.
func (d *demoDoc) total() {
	d.net, d.tax = 0, 0
	for _, l := range d.lines {
		d.net += l.net
		d.tax += l.tax
	}
	d.gross = d.net + d.tax
}
