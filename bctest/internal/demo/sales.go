package demo

import (
	"time"
)

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

// copyLines copies lines for another document, scaled to part of their
// quantity when part > 0.
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

// salesOrders writes the open orders of the last weeks, some partly shipped.
func (g *demoGen) salesOrders() {
	s := g.set("salesOrders")
	rng := s.rng
	for k, date := range docDates(g.today.AddDate(0, 0, -75), g.today, 2*g.cfg.InvoicesPerMonth) {
		d := &demoDoc{id: g.id("salesOrders", k), sales: true, date: date, number: seqNo("S-ORD", 101001+k)}
		if chance(rng, 0.4) {
			d.ext = seqNo("PO", 4500+rng.IntN(5000))
		}
		d.party = pickParty(rng, g.m.customers, true)
		g.docDims(rng, d)
		g.makeLines(rng, d, 1+rng.IntN(5))
		d.due = dueDate(date, d.party.terms)
		d.status = pick(rng, []string{"Draft", "Draft", "In_x0020_Review", "Open", "Open", "Open", "Open"})
		d.modified = g.modified(rng, date)
		shippedAll := true
		full := d.status == "Open" && chance(rng, 0.2)
		for _, l := range d.lines {
			if full && l.kind != "Comment" {
				l.shipped = l.qty
			} else if d.status == "Open" && l.kind == "Item" && chance(rng, 0.4) {
				l.shipped = l.qty / 100 / 2 * 100
				if chance(rng, 0.5) {
					l.billed = l.shipped
				}
			}
			if l.kind != "Comment" && l.shipped < l.qty {
				shippedAll = false
			}
		}
		requested := time.Time{}
		if chance(rng, 0.5) {
			requested = date.AddDate(0, 0, 14)
		}
		h := g.salesHeader(s, d, "orderDate").put("partialShipping", "true").
			put("requestedDeliveryDate", g.date(requested)).put("fullyShipped", boolText(shippedAll))
		g.writeDoc(h, "salesOrderLines", "unitPrice", "Sales_x0020_Order", d, rng, func(r demoRec, l *demoLine) demoRec {
			return r.put("shippedQuantity", hundredths(l.shipped)).put("invoicedQuantity", hundredths(l.billed)).
				put("invoiceQuantity", hundredths(l.shipped-l.billed)).put("shipQuantity", hundredths(l.qty-l.shipped))
		})
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// salesQuotes writes quotes of the last months in every state.
func (g *demoGen) salesQuotes() {
	s := g.set("salesQuotes")
	rng := s.rng
	n := g.cfg.InvoicesPerMonth * 5 / 3
	for k, date := range docDates(g.today.AddDate(0, 0, -120), g.today, n) {
		d := &demoDoc{id: g.id("salesQuotes", k), sales: true, date: date, number: seqNo("S-QUO", 1001+k)}
		if chance(rng, 0.3) {
			d.ext = seqNo("RFQ-", 100+rng.IntN(900))
		}
		d.party = pickParty(rng, g.m.customers, true)
		g.docDims(rng, d)
		g.makeLines(rng, d, 1+rng.IntN(4))
		d.due = dueDate(date, d.party.terms)
		age := days(date, g.today)
		sent, accepted := time.Time{}, time.Time{}
		switch r := rng.IntN(10); {
		case age < 7 || r < 2:
			d.status = "Draft"
		case r < 5:
			d.status, sent, accepted = "Accepted", date.AddDate(0, 0, 1), minTime(date.AddDate(0, 0, 3+r), g.today)
		case age > 30:
			d.status, sent = "Expired_x0020_", date.AddDate(0, 0, 1)
		default:
			d.status, sent = "Sent", date.AddDate(0, 0, 1)
		}
		d.modified = g.modified(rng, maxTime(date, accepted))
		sentStamp := stamp(time.Time{})
		if !sent.IsZero() {
			sentStamp = g.modified(rng, sent)
		}
		h := g.salesHeader(s, d, "documentDate").put("sentDate", sentStamp).
			put("validUntilDate", g.date(date.AddDate(0, 0, 30))).put("acceptedDate", g.date(accepted))
		g.writeDoc(h, "salesQuoteLines", "unitPrice", "Sales_x0020_Quote", d, rng, nil)
	}
}
