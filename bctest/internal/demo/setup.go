package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// demoMaster is the master data documents and ledgers refer to.
type demoMaster struct {
	accounts  []*demoAccount
	byRole    map[demoRole][]*demoAccount
	acctByNo  map[string]*demoAccount
	curs      []*demoCode // foreign currencies; days = units per 100 EUR
	terms     []*demoCode // days = days until due
	payMeth   []*demoCode
	shipMeth  []*demoCode
	uoms      map[string]*demoCode
	taxAreas  []*demoCode
	taxGroups []*demoCode
	genProd   []*demoCode
	invPost   []*demoCode
	itemCats  []*demoCode
	dims      []*demoDim
	banks     []*demoCode
	locations []*demoCode
	people    []*demoCode // salespeople/purchasers
	disputes  []*demoCode
	reasons   []*demoCode
	faLocs    []*demoCode
	journals  []*demoCode
	custJnls  []*demoCode
	vendJnls  []*demoCode

	customers, vendors []*demoParty
	items              []*demoItem
	employees          []*demoEmployee
	projects           []*demoCode
	contacts           []*demoContact
}

// demoCode is a row of a setup table: id, code and name, plus a number whose
// meaning depends on the table.
type demoCode struct {
	id, code, name string
	days           int
	ref            *demoAccount
}

// setupDay is when the company was set up, a few weeks before its first
// transactions.
func (g *demoGen) setupDay(rng *rand.Rand) time.Time {
	return g.start.AddDate(0, 0, -40+rng.IntN(20))
}

// setupStamp is a lastModifiedDateTime of a setup row.
func (g *demoGen) setupStamp(rng *rand.Rand) string { return g.modified(rng, g.setupDay(rng)) }

// anyDayStamp is a lastModifiedDateTime anywhere in the period.
func (g *demoGen) anyDayStamp(rng *rand.Rand) string {
	return g.modified(rng, g.start.AddDate(0, 0, rng.IntN(int(g.today.Sub(g.start).Hours()/24)+1)))
}

// codes writes a simple code/name table and returns its rows.
func (g *demoGen) codes(set string, rows [][2]string, extra func(demoRec, int) demoRec) []*demoCode {
	s := g.set(set)
	var out []*demoCode
	for i, r := range rows {
		rec := s.row().put("code", r[0]).put("displayName", r[1])
		if extra != nil {
			rec = extra(rec, i)
		}
		if _, ok := s.t.ColIdx["lastModifiedDateTime"]; ok {
			rec = rec.put("lastModifiedDateTime", g.setupStamp(s.rng))
		}
		vals := rec.add()
		out = append(out, &demoCode{id: vals[s.t.Key], code: r[0], name: r[1]})
	}
	return out
}

func (g *demoGen) setup() {
	g.countries()
	g.currencies()
	g.periods()
	g.dimensions()
	g.chart()
	g.companySetup()
	g.tradeSetup()
}

func (g *demoGen) countries() {
	s := g.set("countriesRegions")
	add := func(code, name, format string) {
		s.row().put("code", code).put("displayName", name).put("addressFormat", format).
			put("lastModifiedDateTime", g.setupStamp(s.rng)).add()
	}
	for _, c := range demoCountries {
		add(c.code, c.name, c.format)
	}
	for _, c := range demoOtherCountries {
		add(c[0], c[1], c[2])
	}
}

// lcyPerEUR is the local currency's value of 100 EUR, in cents.
func (g *demoGen) lcyPerEUR() int64 {
	for _, c := range demoCurrencies {
		if c.code == g.p.currency {
			return c.perEUR
		}
	}
	return 10000
}

func (g *demoGen) currencies() {
	s := g.set("currencies")
	rs := g.set("currencyExchangeRates")
	for _, c := range demoCurrencies {
		if c.code == g.p.currency {
			continue
		}
		vals := s.row().put("code", c.code).put("displayName", c.name).put("symbol", c.symbol).
			put("amountDecimalPlaces", "2:2").put("amountRoundingPrecision", "0.01").
			put("lastModifiedDateTime", g.setupStamp(s.rng)).add()
		g.m.curs = append(g.m.curs, &demoCode{id: vals[0], code: c.code, name: c.name, days: int(c.perEUR)})
		// 100 units of the currency in local currency, drifting month by month
		base := 100 * 1_000_000 * g.lcyPerEUR() / c.perEUR // millionths
		for m := 0; m < g.cfg.Months; m++ {
			rate := base + base*int64(rs.rng.IntN(401)-200)/10000
			d := g.start.AddDate(0, m, 0)
			rs.row().put("currencyCode", c.code).put("startingDate", g.date(d)).
				put("exchangeRateAmount", "100").put("relationalCurrencyCode", "").
				put("relationalExchangeRateAmount", fixed(rate, 6)).
				put("lastModifiedDateTime", g.modified(rs.rng, d.AddDate(0, 0, -1))).add()
		}
	}
}

// fixed renders v/10^scale without trailing zeros.
func fixed(v int64, scale int) string {
	s := strconv.FormatInt(v, 10)
	for len(s) <= scale {
		s = "0" + s
	}
	s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// fiscalYears are the calendar years the period touches.
func (g *demoGen) fiscalYears() (first, last int) { return g.start.Year(), g.today.Year() }

func (g *demoGen) periods() {
	s := g.set("accountingPeriods")
	first, last := g.fiscalYears()
	for y := first; y <= last; y++ {
		for m := time.January; m <= time.December; m++ {
			d := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			closed := strconv.FormatBool(y < last)
			stampDay := g.setupDay(s.rng)
			if y < last {
				stampDay = time.Date(y+1, time.January, 20+s.rng.IntN(10), 0, 0, 0, 0, time.UTC)
			}
			s.row().put("startingDate", g.date(d)).put("name", m.String()).
				put("newFiscalYear", strconv.FormatBool(m == time.January)).
				put("closed", closed).put("dateLocked", closed).
				put("lastModifiedDateTime", g.modified(s.rng, stampDay)).add()
		}
	}
}

func (g *demoGen) companySetup() {
	c := demoCountryOf(g.p.country)
	rng := g.rng("company")
	city := c.cities[0]
	year := g.today.Year()
	gl := g.set("generalLedgerSetup").row().
		put("allowPostingFrom", g.date(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))).
		put("allowPostingTo", g.date(time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC))).
		put("additionalReportingCurrency", g.p.acy).put("localCurrencyCode", g.p.currency).
		put("localCurrencySymbol", g.p.symbol).put("allowQueryFromConsolidation", "false").
		put("lastModifiedDateTime", g.modified(rng, time.Date(year, 1, 2, 0, 0, 0, 0, time.UTC)))
	for i, d := range shortcutDims {
		gl = gl.put("shortcutDimension"+strconv.Itoa(i+1)+"Code", d)
	}
	gl.add()
	g.set("companyInformation").row().put("displayName", runes(g.p.display, 100)).
		put("addressLine1", c.streets[0]+" 12").put("addressLine2", "").put("city", city.name).
		put("state", city.state).put("country", c.code).put("postalCode", city.post).
		put("phoneNumber", c.phone+" 555 0100").put("faxNumber", c.phone+" 555 0199").
		put("email", "info@"+g.p.domain).put("website", "www."+g.p.domain).
		put("taxRegistrationNumber", c.vatPrefix+strconv.Itoa(10_000_000+rng.IntN(89_999_999))).
		put("currencyCode", g.p.currency).
		put("currentFiscalYearStartDate", g.date(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))).
		put("industry", runes(g.p.industry, 30)).put("experience", "Essential").
		put("lastModifiedDateTime", g.setupStamp(rng)).add()
}

func (g *demoGen) tradeSetup() {
	terms := [][2]string{{"14 DAYS", "Net 14 days"}, {"1M(8D)", "1 Month/2% 8 days"}, {"30 DAYS", "Net 30 days"},
		{"CM", "Current month"}, {"COD", "Cash on delivery"}, {"60 DAYS", "Net 60 days"}}
	termDays := []int{14, 30, 30, 20, 0, 60}
	due := []string{"14D", "1M", "30D", "CM", "0D", "60D"}
	g.m.terms = g.codes("paymentTerms", terms, func(r demoRec, i int) demoRec {
		disc, discCalc := "0", ""
		if i == 1 {
			disc, discCalc = "2", "8D"
		}
		return r.put("dueDateCalculation", due[i]).put("discountDateCalculation", discCalc).
			put("discountPercent", disc).put("calculateDiscountOnCreditMemos", strconv.FormatBool(i == 1))
	})
	for i, t := range g.m.terms {
		t.days = termDays[i]
	}
	g.m.payMeth = g.codes("paymentMethods", [][2]string{{"BANK", "Bank transfer"}, {"CASH", "Cash"},
		{"CHECK", "Check"}, {"CARD", "Credit card"}, {"GIRO", "Giro transfer"}, {"MOBILEPAY", "MobilePay"}}, nil)
	g.m.shipMeth = g.codes("shipmentMethods", [][2]string{{"CIF", "Cost Insurance and Freight"},
		{"CIP", "Carriage and Insurance Paid"}, {"EXW", "Ex Works"}, {"FOB", "Free on Board"},
		{"DDP", "Delivered Duty Paid"}, {"PICKUP", "Pickup at location"}}, nil)
	uoms := [][4]string{{"PCS", "Piece", "H87", "pcs"}, {"HOUR", "Hour", "HUR", "h"}, {"BOX", "Box", "BX", ""},
		{"KG", "Kilogram", "KGM", "kg"}, {"L", "Litre", "LTR", "l"}, {"M", "Metre", "MTR", "m"},
		{"SET", "Set", "SET", ""}, {"DAY", "Day", "DAY", "d"}, {"PALLET", "Pallet", "PX", ""}}
	g.m.uoms = map[string]*demoCode{}
	for _, u := range g.codes("unitsOfMeasure", pairs(uoms), func(r demoRec, i int) demoRec {
		return r.put("internationalStandardCode", uoms[i][2]).put("symbol", uoms[i][3])
	}) {
		g.m.uoms[u.code] = u
	}
	areas := [][2]string{{"DOMESTIC", "Domestic customers and vendors"}, {"EU", "Customers and vendors in the EU"}, {"EXPORT", "Other customers and vendors"}}
	groups := [][2]string{{"STANDARD", "Standard VAT"}, {"REDUCED", "Reduced VAT"}, {"ZERO", "No VAT"}, {"SERVICES", "Services"}}
	taxType := "VAT"
	if !g.p.vat {
		areas = [][2]string{{"ATLANTA, GA", "Atlanta, Georgia"}, {"CHICAGO, IL", "Chicago, Illinois"}, {"SEATTLE, WA", "Seattle, Washington"}, {"EXPORT", "Export, no sales tax"}}
		groups = [][2]string{{"FURNITURE", "Taxable Olympic Furniture"}, {"MATERIALS", "Taxable Materials"}, {"LABOR", "Labor on Job"}, {"NONTAXABLE", "Nontaxable"}}
		taxType = "Sales_x0020_Tax"
	}
	withType := func(r demoRec, _ int) demoRec { return r.put("taxType", taxType) }
	g.m.taxAreas = g.codes("taxAreas", areas, withType)
	g.m.taxGroups = g.codes("taxGroups", groups, withType)
	g.m.genProd = g.postingGroups("generalProductPostingGroups", [][2]string{{"RETAIL", "Retail"}, {"SERVICES", "Resources, etc."},
		{"MISC", "Miscellaneous with VAT"}, {"RAW MAT", "Raw materials"}, {"FREIGHT", "Freight, etc."}}, true)
	g.m.invPost = g.postingGroups("inventoryPostingGroups", [][2]string{{"RESALE", "Resale items"}, {"FINISHED", "Finished items"}, {"RAW MAT", "Raw materials"}}, false)
	g.m.itemCats = g.codes("itemCategories", [][2]string{{"FURNITURE", "Office Furniture"}, {"CHAIRS", "Office Chairs"},
		{"DESKS", "Office Desks"}, {"TABLES", "Assorted Tables"}, {"STORAGE", "Storage and Shelving"},
		{"LIGHTING", "Lamps and Lighting"}, {"SERVICES", "Services"}, {"MISC", "Miscellaneous"}}, nil)
	g.m.faLocs = g.codes("fixedAssetLocations", [][2]string{{"ADM", "Administration building"}, {"PROD", "Production hall"},
		{"SALES", "Sales office"}, {"WAREHOUSE", "Warehouse"}, {"BUILDING", "Main building"}}, nil)
	g.m.disputes = g.codes("disputeStatus", [][2]string{{"PRICE", "Price disputed"}, {"QUALITY", "Quality complaint"},
		{"DELIVERY", "Not delivered"}, {"PENDING", "Waiting for credit memo"}}, nil)
	g.m.reasons = g.returnReasons()
	g.banks()
	g.locations()
	g.salespeople()
	g.journalBatches()
}

func pairs(rows [][4]string) [][2]string {
	out := make([][2]string, len(rows))
	for i, r := range rows {
		out[i] = [2]string{r[0], r[1]}
	}
	return out
}

// postingGroups writes a table that has description instead of displayName.
func (g *demoGen) postingGroups(set string, rows [][2]string, withVAT bool) []*demoCode {
	s := g.set(set)
	var out []*demoCode
	for i, r := range rows {
		rec := s.row().put("code", r[0]).put("description", r[1]).put("lastModifiedDateTime", g.setupStamp(s.rng))
		if withVAT {
			vat := "STANDARD"
			if i == 1 {
				vat = "SERVICES"
			}
			rec = rec.put("defaultVATProductPostingGroup", vat).put("autoInsertDefault", "true")
		}
		vals := rec.add()
		out = append(out, &demoCode{id: vals[0], code: r[0], name: r[1]})
	}
	return out
}

func (g *demoGen) returnReasons() []*demoCode {
	s := g.set("customerReturnReasons")
	var out []*demoCode
	for _, r := range [][2]string{{"DAMAGED", "Damaged in transit"}, {"WRONG", "Wrong item delivered"},
		{"LATE", "Delivered too late"}, {"QUALITY", "Quality below expectations"}, {"CHANGED", "Customer changed their mind"}} {
		vals := s.row().put("code", r[0]).put("description", r[1]).put("lastModifiedDateTime", g.setupStamp(s.rng)).add()
		out = append(out, &demoCode{id: vals[0], code: r[0], name: r[1]})
	}
	return out
}

func (g *demoGen) banks() {
	s := g.set("bankAccounts")
	c := demoCountryOf(g.p.country)
	foreign := "EUR"
	if g.p.currency == "EUR" {
		foreign = "USD"
	}
	for i, b := range [][3]string{{"B010", "Checking account", g.p.currency}, {"B020", "Savings account", g.p.currency}, {"B030", foreign + " account", foreign}} {
		curID := table.ZeroGUID
		if cur := g.currency(b[2]); cur != nil {
			curID = cur.id
		}
		acctNo := strconv.Itoa(10_000_000+s.rng.IntN(89_999_999)) + strconv.Itoa(i)
		iban := ""
		if c.vatPrefix != "" {
			iban = c.code + strconv.Itoa(10+s.rng.IntN(89)) + " " + acctNo[:4] + " " + acctNo[4:]
		}
		vals := s.row().put("number", b[0]).put("displayName", b[1]).put("bankAccountNumber", acctNo).
			put("blocked", "false").put("currencyCode", b[2]).put("currencyId", curID).put("iban", iban).
			put("intercompanyEnabled", "false").put("lastModifiedDateTime", g.setupStamp(s.rng)).add()
		g.m.banks = append(g.m.banks, &demoCode{id: vals[0], code: b[0], name: b[1], ref: g.m.byRole[roleBank][min(i, 1)]})
	}
}

// currency returns a foreign currency, nil for the local one.
func (g *demoGen) currency(code string) *demoCode {
	for _, c := range g.m.curs {
		if c.code == code {
			return c
		}
	}
	return nil
}

func (g *demoGen) locations() {
	s := g.set("locations")
	c := demoCountryOf(g.p.country)
	for i, l := range [][2]string{{"MAIN", "Main warehouse"}, {"EAST", "East distribution centre"}, {"WEST", "West distribution centre"}, {"OUTLET", "Factory outlet"}} {
		city := c.cities[i%len(c.cities)]
		vals := s.row().put("code", l[0]).put("displayName", l[1]).put("contact", pick(s.rng, c.first)+" "+pick(s.rng, c.last)).
			put("addressLine1", c.streets[(i+1)%len(c.streets)]+" "+strconv.Itoa(1+s.rng.IntN(120))).
			put("city", city.name).put("state", city.state).put("country", c.code).put("postalCode", city.post).
			put("phoneNumber", c.phone+" 555 01"+strconv.Itoa(10+i)).
			put("email", strings.ToLower(l[0])+"@"+g.p.domain).put("website", "").
			put("lastModifiedDateTime", g.setupStamp(s.rng)).add()
		g.m.locations = append(g.m.locations, &demoCode{id: vals[0], code: l[0], name: l[1]})
	}
}

func (g *demoGen) salespeople() {
	s := g.set("salespeoplePurchasers")
	c := demoCountryOf(g.p.country)
	seen := map[string]bool{}
	for i := 0; i < 8; i++ {
		first, last := c.first[i%len(c.first)], c.last[(i*3+1)%len(c.last)]
		code := strings.ToUpper(asciiFold(first)[:1] + asciiFold(last)[:1])
		for seen[code] {
			code += strconv.Itoa(i)
		}
		seen[code] = true
		name := first + " " + last
		title := "Sales Manager"
		if i >= 5 {
			title = "Purchaser"
		}
		vals := s.row().put("code", code).put("displayName", name).
			put("email", emailLocal(first, last)+"@"+g.p.domain).put("email2", "").
			put("phoneNo", c.phone+" 555 02"+strconv.Itoa(10+i)).put("jobTitle", title).
			put("commisionPercent", []string{"0", "2.5", "5", "3"}[i%4]).put("privacyBlocked", "false").
			put("blocked", strconv.FormatBool(i == 7)).put("lastModifiedDateTime", g.setupStamp(s.rng)).add()
		g.m.people = append(g.m.people, &demoCode{id: vals[0], code: code, name: name, days: i})
	}
}

func (g *demoGen) journalBatches() {
	bank := g.acct(roleBank)
	withBal := func(r demoRec, i int) demoRec {
		if i == 0 {
			return r
		}
		return r.put("balancingAccountId", bank.id).put("balancingAccountNumber", bank.number)
	}
	g.m.journals = g.codes("journals", [][2]string{{"DEFAULT", "Default journal"}, {"MONTHEND", "Month-end closing"},
		{"PAYROLL", "Payroll"}, {"ACCRUALS", "Accruals and deferrals"}}, func(r demoRec, i int) demoRec {
		return withBal(r.put("templateDisplayName", "GENERAL"), i)
	})
	g.m.custJnls = g.codes("customerPaymentJournals", [][2]string{{"GENERAL", "Cash receipts"}, {"BANK", "Bank receipts"}}, withBal)
	g.m.vendJnls = g.codes("vendorPaymentJournals", [][2]string{{"GENERAL", "Payments"}, {"BANK", "Bank transfers"}}, withBal)
}
