package demo

import (
	"math/rand/v2"
	"time"
)

// orders writes one side's open orders of the last weeks, some partly
// shipped (received) and invoiced.
func (g *demoGen) orders(sd side) {
	set := sd.prefix + "Orders"
	s := g.set(set)
	rng := s.rng
	for k, date := range docDates(g.today.AddDate(0, 0, -75), g.today, sd.orders(g.cfg)) {
		d := &demoDoc{id: g.id(set, k), sales: sd.sales, date: date, number: seqNo(sd.orderNo, sd.orderStart+k)}
		if sd.orderExt != nil {
			sd.orderExt(rng, d)
		}
		d.party = pickParty(rng, sd.parties(g), sd.sales)
		g.docDims(rng, d)
		g.makeLines(rng, d, 1+rng.IntN(5))
		d.due = dueDate(date, d.party.terms)
		d.status = pick(rng, sd.orderStatuses)
		d.modified = g.modified(rng, date)
		shippedAll := true
		full := sd.orderFull && d.status == "Open" && chance(rng, 0.2)
		for _, l := range d.lines {
			if full && l.kind != "Comment" {
				l.shipped = l.qty
			} else if d.status == "Open" && l.kind == "Item" && chance(rng, 0.4) {
				l.shipped = sd.orderPart(l.qty)
				if chance(rng, 0.5) {
					l.billed = l.shipped
				}
			}
			if l.kind != "Comment" && l.shipped < l.qty {
				shippedAll = false
			}
		}
		h := sd.orderHeader(g, s, d, shippedAll)
		g.writeDoc(h, sd.prefix+"OrderLines", sd.orderPrice, sd.docType+"_x0020_Order", d, rng, func(r demoRec, l *demoLine) demoRec {
			return r.put(sd.orderShipped, hundredths(l.shipped)).put("invoicedQuantity", hundredths(l.billed)).
				put("invoiceQuantity", hundredths(l.shipped-l.billed)).put(sd.orderToShip, hundredths(l.qty-l.shipped))
		})
	}
}

// salesOrderExt gives some sales orders the customer's own order number.
func salesOrderExt(rng *rand.Rand, d *demoDoc) {
	if chance(rng, 0.4) {
		d.ext = seqNo("PO", 4500+rng.IntN(5000))
	}
}

// salesOrderHeader is a sales order's header; half the customers ask for a
// delivery date.
func (g *demoGen) salesOrderHeader(s *demoSet, d *demoDoc, shippedAll bool) demoRec {
	requested := time.Time{}
	if chance(s.rng, 0.5) {
		requested = d.date.AddDate(0, 0, 14)
	}
	return g.salesHeader(s, d, "orderDate").put("partialShipping", "true").
		put("requestedDeliveryDate", g.date(requested)).put("fullyShipped", boolText(shippedAll))
}

// purchaseOrderHeader is a purchase order's header.
func (g *demoGen) purchaseOrderHeader(s *demoSet, d *demoDoc, receivedAll bool) demoRec {
	return g.purchaseHeader(s, d, "orderDate").put("requestedReceiptDate", g.date(d.date.AddDate(0, 0, 10))).
		put("fullyReceived", boolText(receivedAll))
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
