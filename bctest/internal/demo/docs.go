package demo

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// demoDoc is a sales or purchase document being generated. Amounts are in
// cents of the document's currency; totals are the sums of the lines.
type demoDoc struct {
	id, number, status, ext string
	party                   *demoParty
	date, due               time.Time
	lines                   []*demoLine
	net, tax, gross         int64
	remaining               int64
	dept, proj              *demoCode
	dims                    bool // has dimensionSetLines
	modified                string
	posted                  bool
	sales                   bool
	src                     *demoDoc // the invoice a credit memo or receipt comes from
	order                   string   // number of the (deleted) order a posted invoice came from
}

// invoiceStatus decides an invoice's state from its dates: recent ones may
// still be drafts, a few are canceled, overdue ones are mostly paid.
func (g *demoGen) invoiceStatus(rng *rand.Rand, d *demoDoc, last bool) string {
	late := days(d.due, g.today)
	switch {
	case days(d.date, g.today) <= 12 && (last || chance(rng, 0.45)):
		return "Draft"
	case chance(rng, 0.03):
		return "Canceled"
	case late > 60 && chance(rng, 0.93), late > 0 && chance(rng, 0.6), chance(rng, 0.15):
		return "Paid"
	}
	return "Open"
}

// demoLine is a document line: an item, a G/L account or a comment.
type demoLine struct {
	id, kind, desc  string
	item            *demoItem
	acct            *demoAccount
	variant, loc    *demoCode
	uom             *demoCode
	qty, price      int64 // hundredths of a unit; cents
	discBP, taxBP   int64 // hundredths of a percent
	disc, net, tax  int64 // cents
	gross           int64
	taxCode         string
	dims            bool
	shipped, billed int64 // hundredths, for order lines
}

var demoComments = []string{"Delivery to the back entrance, please.", "Thank you for your business!",
	"Assembly included.", "Partial delivery as agreed by phone.", "Prices as per framework agreement 2025.",
	"Bitte Lieferschein beilegen.", "Levering efter aftale – ring før.", "Dostawa do magazynu nr 2."}

// docDates spreads n documents over the days from first to last, on weekdays,
// in ascending order.
func docDates(first, last time.Time, n int) []time.Time {
	span := int(last.Sub(first).Hours() / 24)
	out := make([]time.Time, n)
	for k := range out {
		d := weekday(first.AddDate(0, 0, k*span/max(n, 1)))
		if d.After(last) {
			d = last
		}
		out[k] = d
	}
	return out
}

// pickParty chooses a party that can trade, favouring the first ones so that
// some customers have many documents and some none.
func pickParty(rng *rand.Rand, ps []*demoParty, sales bool) *demoParty {
	var p *demoParty
	for range 100 { // a tiny demo may have only blocked parties
		f := rng.Float64()
		p = ps[int(f*f*float64(len(ps)))]
		if p.blocked != "All" && !(sales && p.blocked == "Invoice") {
			break
		}
	}
	return p
}

// taxFor is the tax rate and code of a line for a party: the company's
// standard rate for taxable parties and goods, none otherwise.
func (g *demoGen) taxFor(p *demoParty, it *demoItem) (int64, string) {
	if !p.taxLiable || it != nil && (it.tax == g.m.taxGroups[2] && g.p.vat || it.tax == g.m.taxGroups[3] && !g.p.vat) {
		if g.p.vat {
			return 0, "VAT0"
		}
		return 0, "NONTAXABLE"
	}
	if g.p.vat {
		return g.p.taxBP, "VAT" + strconv.FormatInt(g.p.taxBP/100, 10)
	}
	if it != nil {
		return g.p.taxBP, it.tax.code
	}
	return g.p.taxBP, "TAXABLE"
}

// makeLines generates n lines for a document of party p.
func (g *demoGen) makeLines(rng *rand.Rand, d *demoDoc, n int) {
	p := d.party
	for k := 0; k < n; k++ {
		l := &demoLine{kind: "Item"}
		switch r := rng.IntN(100); {
		case r < 12 && k > 0:
			l.kind = "Comment"
			l.desc = pick(rng, demoComments)
		case r < 25:
			l.kind = "Account"
		}
		switch l.kind {
		case "Item":
			it := g.m.items[rng.IntN(len(g.m.items))]
			for it.blocked {
				it = g.m.items[rng.IntN(len(g.m.items))]
			}
			l.item, l.uom, l.desc = it, it.uom, it.name
			l.qty = int64(1+rng.IntN(12)) * 100
			if it.uom.code == "HOUR" {
				l.qty = int64(50 * (1 + rng.IntN(16))) // 0.5 … 8 hours
			}
			l.price = it.cost
			if d.sales {
				l.price = it.price
				if chance(rng, 0.2) {
					l.discBP = pick(rng, []int64{500, 1000, 1250, 250})
				}
			} else if chance(rng, 0.1) {
				l.discBP = pick(rng, []int64{200, 300})
			}
			if it.inv != nil {
				l.loc = g.m.locations[rng.IntN(2)]
			}
			if len(it.variants) > 0 && chance(rng, 0.5) {
				l.variant = pick(rng, it.variants)
			}
		case "Account":
			role := roleRevenue
			if !d.sales {
				role = roleExpense
			}
			l.acct = pick(rng, g.m.byRole[role])
			l.desc, l.qty = l.acct.name, 100
			l.price = int64(2000 + rng.IntN(150000))
			if chance(rng, 0.3) {
				l.price = l.price / 10000 * 10000 // whole hundreds: 1000.00
			}
		}
		if l.kind != "Comment" {
			l.taxBP, l.taxCode = g.taxFor(p, l.item)
			l.gross = (l.qty*l.price + 50) / 100
			l.disc = pct(l.gross, l.discBP)
			l.net = l.gross - l.disc
			l.tax = pct(l.net, l.taxBP)
			d.net += l.net
			d.tax += l.tax
		}
		l.dims = d.dims && l.kind != "Comment" && rng.IntN(4) == 0
		d.lines = append(d.lines, l)
	}
	d.gross = d.net + d.tax
}

// toLCY converts document cents to local currency cents.
func (g *demoGen) toLCY(p *demoParty, cents int64) int64 {
	if p.cur == nil {
		return cents
	}
	return cents * g.lcyPerEUR() / int64(p.cur.days)
}

// docDims gives a document its global dimensions: a department, sometimes a
// project, and for a third of the documents a dimension set.
func (g *demoGen) docDims(rng *rand.Rand, d *demoDoc) {
	if rng.IntN(3) != 0 {
		return
	}
	d.dims = true
	depts := g.dim("DEPARTMENT").values
	d.dept = depts[2]
	if !d.sales || rng.IntN(3) == 0 {
		d.dept = pick(rng, depts)
	}
	if rng.IntN(2) == 0 {
		d.proj = pick(rng, g.dim("PROJECT").values)
	}
}

func codeOf(c *demoCode) string {
	if c == nil {
		return ""
	}
	return c.code
}

func idOf(c *demoCode) string {
	if c == nil {
		return table.ZeroGUID
	}
	return c.id
}

// writeDimSet writes the dimensionSetLines of a document or line: its
// department and project, plus the customer group of sales documents.
func (g *demoGen) writeDimSet(parentID, parentType string, d *demoDoc, line *demoLine, rng *rand.Rand) {
	s := g.set("dimensionSetLines")
	type pair struct {
		dim *demoDim
		val *demoCode
	}
	var set []pair
	if d.sales && d.party.group != nil {
		set = append(set, pair{g.dim("CUSTOMERGROUP"), d.party.group})
	}
	dept := d.dept
	if line != nil && rng.IntN(2) == 0 {
		dept = pick(rng, g.dim("DEPARTMENT").values)
	}
	if dept != nil {
		set = append(set, pair{g.dim("DEPARTMENT"), dept})
	}
	if d.proj != nil {
		set = append(set, pair{g.dim("PROJECT"), d.proj})
	}
	if line != nil {
		set = append([]pair{{g.dim("AREA"), pick(rng, g.dim("AREA").values)}}, set...)
	}
	for _, p := range set {
		s.row().put("id", p.dim.id).put("code", p.dim.code).put("parentId", parentID).put("parentType", parentType).
			put("displayName", p.dim.name).put("valueId", p.val.id).put("valueCode", p.val.code).
			put("valueDisplayName", p.val.name).add()
	}
}

// salesHeader fills the properties sales documents share; sets lack some
// of them, which opt skips.
func (g *demoGen) salesHeader(s *demoSet, d *demoDoc, dateField string) demoRec {
	p := d.party
	ship := d.party.ship
	r := s.row().put("id", d.id).put("number", d.number).opt("externalDocumentNumber", d.ext).
		put(dateField, g.date(d.date)).opt("postingDate", g.date(d.date)).opt("dueDate", g.date(d.due)).
		put("customerNumber", p.number).put("customerName", p.name).put("billToName", p.name).
		opt("customerId", p.id).put("billToCustomerId", p.id).put("billToCustomerNumber", p.number).
		opt("shipToName", p.name).opt("shipToContact", p.contact)
	for _, pre := range []string{"sellTo", "billTo", "shipTo"} {
		r = r.opt(pre+"AddressLine1", p.addr1).opt(pre+"AddressLine2", p.addr2).opt(pre+"City", p.city).
			opt(pre+"Country", p.country.code).opt(pre+"State", p.state).opt(pre+"PostCode", p.post)
	}
	return r.opt("currencyId", p.currencyID).put("currencyCode", p.currencyCode).
		opt("shortcutDimension1Code", codeOf(d.dept)).opt("shortcutDimension2Code", codeOf(d.proj)).
		opt("paymentTermsId", p.terms.id).opt("shipmentMethodId", ship.id).
		opt("paymentTermsCode", p.terms.code).opt("shipmentMethodCode", ship.code).
		put("salesperson", p.person.code).opt("pricesIncludeTax", "false").opt("discountAmount", "0").
		opt("discountAppliedBeforeTax", "false").opt("totalAmountExcludingTax", money(d.net)).
		opt("totalTaxAmount", money(d.tax)).opt("totalAmountIncludingTax", money(d.gross)).
		opt("status", d.status).put("lastModifiedDateTime", d.modified).
		opt("phoneNumber", p.phone).opt("email", p.email)
}

// purchaseHeader fills the properties purchase documents share; goods are
// shipped to the company itself.
func (g *demoGen) purchaseHeader(s *demoSet, d *demoDoc, dateField string) demoRec {
	p := d.party
	home := demoCountryOf(g.p.country)
	r := s.row().put("id", d.id).put("number", d.number).put(dateField, g.date(d.date)).
		put("postingDate", g.date(d.date)).opt("dueDate", g.date(d.due)).
		opt("vendorId", p.id).put("vendorNumber", p.number).put("vendorName", p.name).
		put("payToName", p.name).opt("payToContact", p.contact).opt("payToVendorId", p.id).
		put("payToVendorNumber", p.number).opt("shipToName", g.p.name).opt("shipToContact", "")
	for _, pre := range []string{"buyFrom", "payTo"} {
		r = r.opt(pre+"AddressLine1", p.addr1).opt(pre+"AddressLine2", p.addr2).opt(pre+"City", p.city).
			opt(pre+"Country", p.country.code).opt(pre+"State", p.state).opt(pre+"PostCode", p.post)
	}
	r = r.opt("shipToAddressLine1", home.streets[0]+" 12").opt("shipToAddressLine2", "Goods receipt, gate 2").opt("shipToCity", home.cities[0].name).
		opt("shipToCountry", home.code).opt("shipToState", home.cities[0].state).opt("shipToPostCode", home.cities[0].post)
	return r.opt("currencyId", p.currencyID).put("currencyCode", p.currencyCode).
		opt("shortcutDimension1Code", codeOf(d.dept)).opt("shortcutDimension2Code", codeOf(d.proj)).
		opt("paymentTermsId", p.terms.id).opt("shipmentMethodId", p.ship.id).
		opt("purchaser", p.person.code).opt("pricesIncludeTax", "false").opt("discountAmount", "0").
		opt("discountAppliedBeforeTax", "false").opt("totalAmountExcludingTax", money(d.net)).
		opt("totalTaxAmount", money(d.tax)).opt("totalAmountIncludingTax", money(d.gross)).
		opt("status", d.status).put("lastModifiedDateTime", d.modified)
}

// docLine fills the properties document lines share.
func (g *demoGen) docLine(s *demoSet, d *demoDoc, l *demoLine, seq int, priceField string) demoRec {
	r := s.row()
	l.id = r.vals[s.t.Key]
	obj, itemID, acctID, uomID, uomCode := "", table.ZeroGUID, table.ZeroGUID, table.ZeroGUID, ""
	switch {
	case l.item != nil:
		obj, itemID = l.item.number, l.item.id
	case l.acct != nil:
		obj, acctID = l.acct.number, l.acct.id
	}
	if l.uom != nil {
		uomID, uomCode = l.uom.id, l.uom.code
	}
	lineType := l.kind
	shipDate := ""
	if l.kind != "Comment" {
		shipDate = g.date(d.date)
	}
	return r.put("documentId", d.id).put("sequence", strconv.Itoa(10000*(seq+1))).opt("itemId", itemID).
		opt("accountId", acctID).put("lineType", lineType).put("lineObjectNumber", obj).
		put("description", runes(l.desc, 100)).opt("description2", "").opt("unitOfMeasureId", uomID).
		put("unitOfMeasureCode", uomCode).put("quantity", hundredths(l.qty)).put(priceField, money(l.price)).
		opt("discountAmount", money(l.disc)).put("discountPercent", hundredths(l.discBP)).
		opt("discountAppliedBeforeTax", "false").opt("amountExcludingTax", money(l.net)).opt("taxCode", l.taxCode).
		put("taxPercent", hundredths(l.taxBP)).opt("totalTaxAmount", money(l.tax)).
		opt("amountIncludingTax", money(l.net+l.tax)).opt("invoiceDiscountAllocation", "0").
		opt("netAmount", money(l.net)).opt("netTaxAmount", money(l.tax)).opt("netAmountIncludingTax", money(l.net+l.tax)).
		opt("shipmentDate", orEmptyDate(shipDate)).opt("expectedReceiptDate", orEmptyDate(shipDate)).
		opt("itemVariantId", idOf(l.variant)).opt("locationId", idOf(l.loc))
}

func orEmptyDate(s string) string {
	if s == "" {
		return "0001-01-01"
	}
	return s
}

// writeDoc writes a header (already filled) and its lines, with dimension
// sets for the document and some lines.
func (g *demoGen) writeDoc(h demoRec, lineSet, priceField, parentType string, d *demoDoc, rng *rand.Rand, line func(demoRec, *demoLine) demoRec) {
	h.add()
	if d.dims {
		g.writeDimSet(d.id, parentType, d, nil, rng)
	}
	ls := g.set(lineSet)
	for k, l := range d.lines {
		r := g.docLine(ls, d, l, k, priceField)
		if line != nil {
			r = line(r, l)
		}
		r.add()
		if l.dims {
			g.writeDimSet(l.id, parentType+"_x0020_Line", d, l, rng)
		}
	}
}

// dueDate applies payment terms; "CM" is the end of the month.
func dueDate(d time.Time, terms *demoCode) time.Time {
	if terms.code == "CM" {
		return time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return d.AddDate(0, 0, terms.days)
}

// days is the number of days from a to b.
func days(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }
