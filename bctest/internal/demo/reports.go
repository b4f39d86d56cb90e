package demo

import (
	"math/rand/v2"
	"slices"
)

// accountAmounts gives every account a plausible balance (netChange) and
// turnover: posting accounts get amounts with their category's sign,
// retained earnings make the ledger balance, and total accounts add up the
// accounts they span.
func (g *demoGen) accountAmounts(rng *rand.Rand) {
	base := 50_000_000 * g.lcyPerEUR() / 10000 // 500,000 EUR in local cents
	var retained *demoAccount
	var sum int64
	for _, a := range g.m.accounts {
		if a.typ != "Posting" {
			continue
		}
		w := map[string]int64{"Assets": 4, "Liabilities": -3, "Equity": -2, "Income": -8,
			"Cost_x0020_of_x0020_Goods_x0020_Sold": 5, "Expense": 1}[a.category]
		switch a.role {
		case roleAccDep, roleFinCharge:
			w = -1
		case rolePurchTax:
			w = 1
		case roleRetained:
			retained = a
			continue
		}
		if a.number == "40600" {
			w = 1
		}
		a.net = w * (base/10 + rng.Int64N(base)) / 10 * 10
		sum += a.net
	}
	if retained != nil {
		retained.net = -sum
	}
	var open []int // indexes of Begin-Total accounts awaiting their End-Total
	var income int64
	for i, a := range g.m.accounts {
		switch a.typ {
		case "Posting":
			turnover := abs(a.net)/4 + rng.Int64N(abs(a.net)+1)
			a.debit, a.credit = turnover, turnover
			if a.net > 0 {
				a.debit += a.net
			} else {
				a.credit -= a.net
			}
			if a.number >= "40000" {
				income += a.net
			}
		case "Begin_x002D_Total":
			open = append(open, i)
		case "End_x002D_Total":
			if len(open) > 0 {
				from := open[len(open)-1]
				open = open[:len(open)-1]
				for _, b := range g.m.accounts[from+1 : i] {
					if b.typ == "Posting" {
						a.net += b.net
						a.debit += b.debit
						a.credit += b.credit
					}
				}
			}
		case "Total":
			a.net = income
		}
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// reports writes the report-like sets, computed from the accounts and the
// parties' balances as BC computes them on request.
func (g *demoGen) reports() {
	g.trialBalances()
	g.statements()
	g.agedAndTotals()
}

func (g *demoGen) trialBalances() {
	s := g.set("trialBalances")
	for _, a := range g.m.accounts {
		debit, credit, balD, balC := "", "", "", ""
		if a.typ == "Posting" || a.typ == "End_x002D_Total" || a.typ == "Total" {
			debit, credit = grouped(a.debit), grouped(a.credit)
			if a.net >= 0 {
				balD = grouped(a.net)
			} else {
				balC = grouped(-a.net)
			}
		}
		s.row().put("accountId", a.id).put("number", a.number).put("accountType", a.typ).put("display", a.name).
			put("totalDebit", debit).put("totalCredit", credit).put("balanceAtDateDebit", balD).
			put("balanceAtDateCredit", balC).put("dateFilter", g.date(g.today)).add()
	}
}

type stmtLine struct {
	display, typ string
	indent       int
	amount       int64
}

// bySub sums the posting accounts of a category by subcategory, in chart
// order, with the sign flipped when flip is set (income shown positive).
func (g *demoGen) bySub(category string, flip bool) ([]stmtLine, int64) {
	var out []stmtLine
	var total int64
	for _, a := range g.m.accounts {
		if a.typ != "Posting" || a.category != category {
			continue
		}
		v := a.net
		if flip {
			v = -v
		}
		total += v
		i := slices.IndexFunc(out, func(l stmtLine) bool { return l.display == a.sub })
		if i < 0 {
			out = append(out, stmtLine{a.sub, "detail", 1, 0})
			i = len(out) - 1
		}
		out[i].amount += v
	}
	return out, total
}

func (g *demoGen) statements() {
	income, ti := g.bySub("Income", true)
	cogs, tc := g.bySub("Cost_x0020_of_x0020_Goods_x0020_Sold", false)
	exp, te := g.bySub("Expense", false)
	net := ti - tc - te
	var is []stmtLine
	is = append(is, stmtLine{"Income", "header", 0, 0})
	is = append(is, income...)
	is = append(is, stmtLine{"Total Income", "total", 0, ti}, stmtLine{"", "spacer", 0, 0},
		stmtLine{"Cost of Goods Sold", "header", 0, 0})
	is = append(is, cogs...)
	is = append(is, stmtLine{"Total Cost of Goods Sold", "total", 0, tc}, stmtLine{"Gross Profit", "total", 0, ti - tc},
		stmtLine{"", "spacer", 0, 0}, stmtLine{"Expense", "header", 0, 0})
	is = append(is, exp...)
	is = append(is, stmtLine{"Total Expense", "total", 0, te}, stmtLine{"", "spacer", 0, 0}, stmtLine{"Net Income", "total", 0, net})
	g.statement("incomeStatements", "netChange", is)

	assets, ta := g.bySub("Assets", false)
	liab, tl := g.bySub("Liabilities", true)
	eq, tq := g.bySub("Equity", true)
	eq = append(eq, stmtLine{"Net Income", "detail", 1, net})
	tq += net
	var bs []stmtLine
	bs = append(bs, stmtLine{"Assets", "header", 0, 0})
	bs = append(bs, assets...)
	bs = append(bs, stmtLine{"Total Assets", "total", 0, ta}, stmtLine{"", "spacer", 0, 0}, stmtLine{"Liabilities", "header", 0, 0})
	bs = append(bs, liab...)
	bs = append(bs, stmtLine{"Total Liabilities", "total", 0, tl}, stmtLine{"", "spacer", 0, 0}, stmtLine{"Equity", "header", 0, 0})
	bs = append(bs, eq...)
	bs = append(bs, stmtLine{"Total Equity", "total", 0, tq}, stmtLine{"Total Liabilities and Equity", "total", 0, tl + tq})
	g.statement("balanceSheets", "balance", bs)

	sub := func(no string) int64 { return g.m.acctByNo[no].net }
	cash := sub("10100") + sub("10200") + sub("10300")
	operating := []stmtLine{{"Net Income", "detail", 1, net}, {"Depreciation", "detail", 1, sub("61100")},
		{"Change in Accounts Receivable", "detail", 1, -sub("10400") / 5}, {"Change in Inventory", "detail", 1, -sub("10700") / 6},
		{"Change in Accounts Payable", "detail", 1, -sub("20100") / 5}}
	investing := []stmtLine{{"Purchases of Equipment", "detail", 1, -sub("10800") / 4}, {"Purchases of Vehicles", "detail", 1, -sub("10810") / 4}}
	financing := []stmtLine{{"Proceeds from Loans", "detail", 1, -sub("20800") / 3}, {"Distributions to Shareholders", "detail", 1, -sub("30300")}}
	var cf []stmtLine
	var change int64
	for _, sec := range []struct {
		name  string
		lines []stmtLine
	}{{"Operating Activities", operating}, {"Investing Activities", investing}, {"Financing Activities", financing}} {
		var t int64
		for _, l := range sec.lines {
			t += l.amount
		}
		change += t
		cf = append(cf, stmtLine{sec.name, "header", 0, 0})
		cf = append(cf, sec.lines...)
		cf = append(cf, stmtLine{"Net Cash from " + sec.name, "total", 0, t}, stmtLine{"", "spacer", 0, 0})
	}
	cf = append(cf, stmtLine{"Net Change in Cash", "total", 0, change}, stmtLine{"Cash at Beginning of Period", "detail", 0, cash - change},
		stmtLine{"Cash at End of Period", "total", 0, cash})
	g.statement("cashFlowStatements", "netChange", cf)

	re := -sub("30200")
	dist := sub("30300")
	g.statement("retainedEarningsStatements", "netChange", []stmtLine{
		{"Retained Earnings, Period Start", "detail", 0, re}, {"Net Income", "detail", 1, net},
		{"Distributions to Shareholders", "detail", 1, -dist}, {"Total Changes", "total", 0, net - dist},
		{"Retained Earnings, Period End", "total", 0, re + net - dist}})
}

func (g *demoGen) statement(set, amountField string, lines []stmtLine) {
	s := g.set(set)
	for k, l := range lines {
		s.row().put("lineNumber", seqNo("", 10000*(k+1))).put("display", l.display).put(amountField, money(l.amount)).
			put("lineType", l.typ).put("indentation", seqNo("", l.indent)).put("dateFilter", g.date(g.today)).add()
	}
}

// agedAndTotals writes the per-customer and per-vendor report sets from the
// balances the documents booked.
func (g *demoGen) agedAndTotals() {
	ar := g.set("agedAccountsReceivables")
	fd := g.set("customerFinancialDetails")
	cs := g.set("customerSales")
	for _, p := range g.m.customers {
		ar.row().put("customerId", p.id).put("customerNumber", p.number).put("name", p.name).
			put("currencyCode", p.currencyCode).put("balanceDue", money(p.balance)).put("currentAmount", money(p.notDue)).
			put("period1Label", "1-30 Days").put("period1Amount", money(p.aging[0])).
			put("period2Label", "31-60 Days").put("period2Amount", money(p.aging[1])).
			put("period3Label", "Over 60 Days").put("period3Amount", money(p.aging[2])).
			put("agedAsOfDate", g.date(g.today)).put("periodLengthFilter", "30D").add()
		fd.row().put("id", p.id).put("number", p.number).put("balance", money(p.balance)).
			put("totalSalesExcludingTax", money(p.sales)).put("overdueAmount", money(p.overdue)).
			put("lastModifiedDateTime", p.modified).add()
		cs.row().put("customerId", p.id).put("customerNumber", p.number).put("name", p.name).
			put("totalSalesAmount", money(p.sales)).add()
	}
	ap := g.set("agedAccountsPayables")
	vp := g.set("vendorPurchases")
	for _, p := range g.m.vendors {
		ap.row().put("vendorId", p.id).put("vendorNumber", p.number).put("name", p.name).
			put("currencyCode", p.currencyCode).put("balanceDue", money(p.balance)).put("currentAmount", money(p.notDue)).
			put("period1Amount", money(p.aging[0])).put("period2Amount", money(p.aging[1])).
			put("period3Amount", money(p.aging[2])).put("agedAsOfDate", g.date(g.today)).
			put("periodLengthFilter", "30D").add()
		vp.row().put("vendorId", p.id).put("vendorNumber", p.number).put("name", p.name).
			put("totalPurchaseAmount", money(p.sales)).add()
	}
}
