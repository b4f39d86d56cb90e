package demo

import (
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// demoParty is a customer or a vendor. Documents add to its balances before
// it is written, so customers' balanceDue matches their open invoices.
type demoParty struct {
	id, number, name, typ              string
	country                            *demoCountry
	addr1, addr2, city, state, post    string
	phone, email, website, taxReg      string
	cur, terms, ship, payMeth, taxArea *demoCode
	person, group                      *demoCode // salesperson or purchaser; customer group
	blocked, irs1099                   string
	taxLiable                          bool
	creditLimit                        int64
	contact                            string // a contact person's name
	currencyCode, currencyID           string // BC sends the local currency's code with the zero GUID
	modified                           string
	// booked by the documents, in local currency cents
	balance, overdue, sales, notDue int64
	aging                           [3]int64 // 1–30, 31–60, over 60 days overdue
}

// demoItem is an item; its inventory comes from its item ledger entries.
type demoItem struct {
	id, number, name, typ string
	cat, uom, tax, gen    *demoCode
	inv                   *demoCode // nil for services
	price, cost           int64     // cents
	variants              []*demoCode
	inventory             int64 // hundredths
	blocked               bool
	gtin                  string
}

// currencyOfCountry is the currency a country trades in.
var currencyOfCountry = map[string]string{"US": "USD", "GB": "GBP", "DK": "DKK", "DE": "EUR", "PL": "PLN", "FR": "EUR", "SE": "SEK", "NL": "EUR"}

// parties plans customers and vendors; they are written by writeParties
// once the documents have set their balances.
func (g *demoGen) parties() {
	g.m.customers = g.planParties("customers", g.cfg.Customers, "C", true)
	g.m.vendors = g.planParties("vendors", g.cfg.Vendors, "V", false)
}

func (g *demoGen) planParties(set string, n int, prefix string, sales bool) []*demoParty {
	rng := g.rng("plan " + set)
	seen := map[string]bool{}
	home := demoCountryOf(g.p.country)
	groups := g.dim("CUSTOMERGROUP").values
	var out []*demoParty
	for i := 0; i < n; i++ {
		c := home
		if !chance(rng, 0.6) {
			c = &demoCountries[rng.IntN(len(demoCountries))]
		}
		p := &demoParty{id: g.id(set, i), number: seqNo(prefix, 10000+10*i), country: c, typ: "Company"}
		first, last := pick(rng, c.first), pick(rng, c.last)
		p.contact = first + " " + last
		if sales && chance(rng, 0.15) {
			p.typ, p.name = "Person", p.contact
		} else {
			p.name = pick(rng, c.words) + " " + pick(rng, c.trades) + " " + pick(rng, c.legal)
		}
		if seen[p.name] {
			p.name += " " + pick(rng, c.cities).name
		}
		if seen[p.name] {
			p.name += " " + strconv.Itoa(i)
		}
		seen[p.name] = true
		city := pick(rng, c.cities)
		p.addr1 = pick(rng, c.streets) + " " + strconv.Itoa(1+rng.IntN(180))
		if chance(rng, 0.2) {
			p.addr2 = pick(rng, []string{"Suite 200", "2nd floor", "Building B", "c/o " + p.contact})
		}
		p.city, p.state, p.post = city.name, city.state, city.post
		p.phone = c.phone + " " + strconv.Itoa(200+rng.IntN(700)) + " " + strconv.Itoa(1000+rng.IntN(9000))
		words := strings.Fields(p.name)
		domain := slug(words[0] + words[min(1, len(words)-1)])
		if p.typ == "Person" {
			p.email = emailLocal(first, last) + "@mail.example"
		} else {
			p.email = pick(rng, []string{"info", "sales", "accounts", "office"}) + "@" + domain + ".example"
			p.website = "www." + domain + ".example"
			if c.vatPrefix != "" {
				p.taxReg = c.vatPrefix + strconv.Itoa(100_000_000+rng.IntN(899_999_999))
			}
		}
		if chance(rng, 0.05) {
			p.phone, p.email = "", "" // BC has customers with no contact details
		}
		if code := currencyOfCountry[c.code]; code != g.p.currency && chance(rng, 0.7) {
			p.cur = g.currency(code)
		}
		p.currencyCode, p.currencyID = g.p.currency, table.ZeroGUID
		if p.cur != nil {
			p.currencyCode, p.currencyID = p.cur.code, p.cur.id
		}
		p.terms = pick(rng, g.m.terms)
		p.ship = pick(rng, g.m.shipMeth)
		if chance(rng, 0.8) {
			p.payMeth = pick(rng, g.m.payMeth)
		}
		switch {
		case !g.p.vat && c == home:
			p.taxArea, p.taxLiable = pick(rng, g.m.taxAreas[:3]), true
		case !g.p.vat:
			p.taxArea = g.m.taxAreas[3]
		case c == home:
			p.taxArea, p.taxLiable = g.m.taxAreas[0], true
		case c.vatPrefix != "" && c.code != "GB":
			p.taxArea, p.taxLiable = g.m.taxAreas[1], true
		default:
			p.taxArea = g.m.taxAreas[2]
		}
		p.blocked = "_x0020_"
		if r := rng.IntN(100); r < 6 {
			if sales {
				p.blocked = []string{"Ship", "Invoice", "All"}[r%3]
			} else {
				p.blocked = []string{"Payment", "All"}[r%2]
			}
		}
		if sales {
			p.person = g.m.people[rng.IntN(5)]
			p.group = groups[rng.IntN(3)]
			p.creditLimit = []int64{0, 0, 1_000_000, 2_500_000, 5_000_000}[rng.IntN(5)]
		} else {
			p.person = g.m.people[5+rng.IntN(3)]
			if !g.p.vat && c == home && chance(rng, 0.3) {
				p.irs1099 = pick(rng, []string{"NEC-01", "MISC-07", "MISC-01"})
			}
		}
		p.modified = g.anyDayStamp(rng)
		out = append(out, p)
	}
	return out
}

// writeParties writes customers and vendors with the balances documents left.
func (g *demoGen) writeParties() {
	s := g.set("customers")
	for _, p := range g.m.customers {
		g.partyRec(s, p).put("type", p.typ).put("salespersonCode", p.person.code).
			put("balanceDue", money(p.balance)).put("creditLimit", money(p.creditLimit)).
			put("taxAreaDisplayName", p.taxArea.name).put("shipmentMethodId", p.ship.id).add()
	}
	v := g.set("vendors")
	for _, p := range g.m.vendors {
		g.partyRec(v, p).put("irs1099Code", p.irs1099).put("balance", money(p.balance)).add()
	}
}

func (g *demoGen) partyRec(s *demoSet, p *demoParty) demoRec {
	payMeth := table.ZeroGUID
	if p.payMeth != nil {
		payMeth = p.payMeth.id
	}
	r := s.row().put("id", p.id).put("number", p.number).put("displayName", p.name).
		put("addressLine1", p.addr1).put("addressLine2", p.addr2).put("city", p.city).put("state", p.state).
		put("country", p.country.code).put("postalCode", p.post).put("phoneNumber", p.phone).
		put("email", p.email).put("website", p.website).put("taxLiable", strconv.FormatBool(p.taxLiable)).
		put("taxRegistrationNumber", p.taxReg).put("currencyId", p.currencyID).put("currencyCode", p.currencyCode).
		put("paymentTermsId", p.terms.id).put("paymentMethodId", payMeth).put("blocked", p.blocked).
		put("lastModifiedDateTime", p.modified)
	if _, ok := s.t.ColIdx["taxAreaId"]; ok {
		r = r.put("taxAreaId", p.taxArea.id)
	}
	return r
}

func (g *demoGen) items() {
	s := g.set("items")
	vs := g.set("itemVariants")
	words := demoItemWords[g.p.lang]
	if len(words[0]) == 0 {
		words = demoItemWords["en"]
	}
	cats := map[string]*demoCode{}
	for _, c := range g.m.itemCats {
		cats[c.code] = c
	}
	catOf := []string{"DESKS", "CHAIRS", "TABLES", "CHAIRS", "LIGHTING", "STORAGE", "STORAGE", "MISC", "STORAGE", "CHAIRS"}
	taxStd, taxSvc, taxZero := g.m.taxGroups[0], g.m.taxGroups[3], g.m.taxGroups[2]
	if !g.p.vat {
		taxSvc, taxZero = g.m.taxGroups[2], g.m.taxGroups[3]
	}
	n := g.cfg.Items
	nSvc := min(len(demoServices), n/4)
	for i := 0; i < n; i++ {
		it := &demoItem{number: strconv.Itoa(1000 + 10*i), typ: "Inventory", uom: g.m.uoms["PCS"], tax: taxStd,
			gen: g.m.genProd[0], inv: g.m.invPost[0]}
		if j := i - (n - nSvc); j >= 0 {
			sv := demoServices[j]
			it.name, it.typ, it.uom, it.cat, it.inv = sv.name, sv.typ, g.m.uoms[sv.uom], cats["SERVICES"], nil
			it.tax, it.gen = taxSvc, g.m.genProd[1]
			if sv.typ != "Service" {
				it.cat, it.tax, it.gen = cats["MISC"], taxZero, g.m.genProd[2]
			}
		} else {
			b := i % len(words[0])
			it.name = words[0][b] + ", " + words[1][(i/len(words[0]))%len(words[1])]
			if i >= len(words[0])*len(words[1]) {
				it.name += " " + strconv.Itoa(i)
			}
			it.cat = cats[catOf[b]]
			if b == 7 {
				it.inv = g.m.invPost[1]
			}
		}
		it.cost = int64(1500 + s.rng.IntN(90000))
		it.price = (it.cost*int64(140+s.rng.IntN(80))/100/100 + 1) * 100
		switch s.rng.IntN(4) {
		case 0:
			it.price -= 1 // 199.99
		case 1:
			it.price -= 50 // 149.5
		}
		if it.typ == "Service" {
			it.cost, it.price = int64(4000+s.rng.IntN(4000)), int64(9500+500*s.rng.IntN(10))
		}
		it.blocked = i%37 == 36
		if it.typ == "Inventory" && chance(s.rng, 0.7) {
			it.gtin = strconv.Itoa(5_700_000+s.rng.IntN(99_999)) + strconv.Itoa(100_000+s.rng.IntN(899_999))
		}
		it.id = g.id("items", i)
		if it.typ == "Inventory" && (i%len(words[0]) == 1 || i%len(words[0]) == 3) {
			for k, v := range [][2]string{{"LEATHER", "Leather upholstery"}, {"FABRIC", "Fabric upholstery"}, {"MESH", "Mesh back"}}[:2+i%2] {
				vals := vs.row().put("itemId", it.id).put("itemNumber", it.number).put("code", v[0]).
					put("description", v[1]).put("lastModifiedDateTime", g.anyDayStamp(vs.rng)).add()
				it.variants = append(it.variants, &demoCode{id: vals[0], code: v[0], name: v[1], days: k})
			}
		}
		g.m.items = append(g.m.items, it)
	}
}

// writeItems writes the items once the ledger has set their inventory.
func (g *demoGen) writeItems() {
	s := g.set("items")
	for _, it := range g.m.items {
		invID, invCode := table.ZeroGUID, ""
		if it.inv != nil {
			invID, invCode = it.inv.id, it.inv.code
		}
		s.row().put("id", it.id).put("number", it.number).put("displayName", runes(it.name, 100)).
			put("displayName2", "").put("type", it.typ).put("itemCategoryId", it.cat.id).
			put("itemCategoryCode", it.cat.code).put("blocked", strconv.FormatBool(it.blocked)).put("gtin", it.gtin).
			put("inventory", hundredths(it.inventory)).put("unitPrice", money(it.price)).
			put("priceIncludesTax", "false").put("unitCost", money(it.cost)).put("taxGroupId", it.tax.id).
			put("taxGroupCode", it.tax.code).put("baseUnitOfMeasureId", it.uom.id).put("baseUnitOfMeasureCode", it.uom.code).
			put("generalProductPostingGroupId", it.gen.id).put("generalProductPostingGroupCode", it.gen.code).
			put("inventoryPostingGroupId", invID).put("inventoryPostingGroupCode", invCode).
			put("lastModifiedDateTime", g.anyDayStamp(s.rng)).add()
	}
}

// defaultDimensions gives customers their customer group, vendors and
// employees a department, and inventory items a business group.
func (g *demoGen) defaultDimensions() {
	s := g.set("defaultDimensions")
	add := func(parentType, parentID string, d *demoDim, v *demoCode, validation string) {
		vid, vcode := table.ZeroGUID, ""
		if v != nil {
			vid, vcode = v.id, v.code
		}
		s.row().put("parentType", parentType).put("parentId", parentID).put("dimensionId", d.id).
			put("dimensionCode", d.code).put("dimensionValueId", vid).put("dimensionValueCode", vcode).
			put("postingValidation", validation).put("lastModifiedDateTime", g.anyDayStamp(s.rng)).add()
	}
	cg, area, dept, bg := g.dim("CUSTOMERGROUP"), g.dim("AREA"), g.dim("DEPARTMENT"), g.dim("BUSINESSGROUP")
	for i, c := range g.m.customers {
		add("Customer", c.id, cg, c.group, []string{"_x0020_", "Same_x0020_Code"}[i%2])
		if i%10 == 3 {
			add("Customer", c.id, area, nil, "Code_x0020_Mandatory")
		}
	}
	for i, v := range g.m.vendors {
		if i%3 == 1 {
			add("Vendor", v.id, dept, dept.values[1], "_x0020_")
		}
		if i%17 == 0 {
			add("Vendor", v.id, area, nil, "No_x0020_Code")
		}
	}
	for i, it := range g.m.items {
		if it.typ == "Inventory" && i%2 == 0 {
			add("Item", it.id, bg, bg.values[i%len(bg.values)], "Same_x0020_Code")
		}
	}
	for _, e := range g.m.employees {
		add("Employee", e.id, dept, e.dept, "Code_x0020_Mandatory")
	}
}

func (g *demoGen) pictures() {
	s := g.set("pictures")
	add := func(id, parentType string, w, h int, ct string) {
		s.row().put("id", id).put("parentType", parentType).put("width", strconv.Itoa(w)).
			put("height", strconv.Itoa(h)).put("contentType", ct).add()
	}
	for i, it := range g.m.items[:min(6, len(g.m.items))] {
		add(it.id, "Item", 800, 600+100*(i%3), "image/jpeg")
	}
	for _, c := range g.m.customers[:min(2, len(g.m.customers))] {
		add(c.id, "Customer", 256, 256, "image/png")
	}
	for _, e := range g.m.employees[:min(3, len(g.m.employees))] {
		add(e.id, "Employee", 400, 400, "image/jpeg")
	}
	if len(g.m.vendors) > 0 {
		add(g.m.vendors[0].id, "Vendor", 0, 0, "")
	}
}
