package demo

import (
	"strconv"
	"time"
)

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

// purchaseOrders writes the open purchase orders of the last weeks.
func (g *demoGen) purchaseOrders() {
	s := g.set("purchaseOrders")
	rng := s.rng
	for k, date := range docDates(g.today.AddDate(0, 0, -75), g.today, g.cfg.InvoicesPerMonth*4/3) {
		d := &demoDoc{id: g.id("purchaseOrders", k), date: date, number: seqNo("P-ORD", 106001+k)}
		d.party = pickParty(rng, g.m.vendors, false)
		g.docDims(rng, d)
		g.makeLines(rng, d, 1+rng.IntN(5))
		d.due = dueDate(date, d.party.terms)
		d.status = pick(rng, []string{"Draft", "In_x0020_Review", "Open", "Open", "Open"})
		d.modified = g.modified(rng, date)
		all := true
		for _, l := range d.lines {
			if d.status == "Open" && l.kind == "Item" && chance(rng, 0.4) {
				l.shipped = l.qty
				if chance(rng, 0.5) {
					l.billed = l.shipped
				}
			}
			if l.kind != "Comment" && l.shipped < l.qty {
				all = false
			}
		}
		h := g.purchaseHeader(s, d, "orderDate").put("requestedReceiptDate", g.date(date.AddDate(0, 0, 10))).
			put("fullyReceived", boolText(all))
		g.writeDoc(h, "purchaseOrderLines", "directUnitCost", "Purchase_x0020_Order", d, rng, func(r demoRec, l *demoLine) demoRec {
			return r.put("receivedQuantity", hundredths(l.shipped)).put("invoicedQuantity", hundredths(l.billed)).
				put("invoiceQuantity", hundredths(l.shipped-l.billed)).put("receiveQuantity", hundredths(l.qty-l.shipped))
		})
	}
}
