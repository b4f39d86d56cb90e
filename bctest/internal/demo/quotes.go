package demo

import "time"

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
