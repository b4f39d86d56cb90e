package demo

// The chart of accounts and the dimensions: what ledger entries and
// documents post to.

import (
	"strconv"
)

type demoDim struct {
	id, code, name string
	values         []*demoCode
}

type demoRole int

const (
	roleNone demoRole = iota
	roleBank
	roleAR
	roleAP
	roleInventory
	roleAccDep
	roleSalesTax
	rolePurchTax
	roleAccrued
	roleLoan
	roleRetained
	roleRevenue
	roleFinCharge
	roleCOGS
	roleExpense
	roleSalary
	roleDepExp
)

type demoAccount struct {
	id, number, name, category, sub, typ string
	role                                 demoRole
	net, debit, credit                   int64 // cents, for accounts and trialBalances
}

// demoChart is the chart of accounts, after CRONUS's.
var demoChart = []struct {
	no, en, da, typ, cat, sub string
	role                      demoRole
}{
	{"10000", "BALANCE SHEET", "BALANCE", "Heading", "_x0020_", "", roleNone},
	{"10001", "ASSETS", "AKTIVER", "Begin_x002D_Total", "Assets", "", roleNone},
	{"10100", "Checking account", "Bankkonto", "Posting", "Assets", "Cash", roleBank},
	{"10200", "Savings account", "Opsparingskonto", "Posting", "Assets", "Cash", roleBank},
	{"10300", "Petty cash", "Kassebeholdning", "Posting", "Assets", "Cash", roleBank},
	{"10400", "Accounts receivable", "Debitorer", "Posting", "Assets", "Accounts Receivable", roleAR},
	{"10500", "Prepaid rent", "Forudbetalt husleje", "Posting", "Assets", "Prepaid Expenses", roleNone},
	{"10600", "Prepaid insurance", "Forudbetalt forsikring", "Posting", "Assets", "Prepaid Expenses", roleNone},
	{"10700", "Inventory", "Varelager", "Posting", "Assets", "Inventory", roleInventory},
	{"10800", "Equipment", "Driftsmidler", "Posting", "Assets", "Equipment", roleNone},
	{"10810", "Vehicles", "Køretøjer", "Posting", "Assets", "Equipment", roleNone},
	{"10900", "Accumulated depreciation", "Akkumulerede afskrivninger", "Posting", "Assets", "Accumulated Depreciation", roleAccDep},
	{"10990", "Total assets", "Aktiver i alt", "End_x002D_Total", "Assets", "", roleNone},
	{"20001", "LIABILITIES", "PASSIVER", "Begin_x002D_Total", "Liabilities", "", roleNone},
	{"20100", "Accounts payable", "Kreditorer", "Posting", "Liabilities", "Current Liabilities", roleAP},
	{"20200", "Sales VAT", "Salgsmoms", "Posting", "Liabilities", "Current Liabilities", roleSalesTax},
	{"20300", "Purchase VAT", "Købsmoms", "Posting", "Liabilities", "Current Liabilities", rolePurchTax},
	{"20400", "Accrued salaries", "Skyldig løn", "Posting", "Liabilities", "Payroll Liabilities", roleAccrued},
	{"20500", "Payroll taxes payable", "Skyldig A-skat", "Posting", "Liabilities", "Payroll Liabilities", roleNone},
	{"20600", "Customer prepayments", "Forudbetalinger fra kunder", "Posting", "Liabilities", "Current Liabilities", roleNone},
	{"20700", "Deferred revenue", "Periodeafgrænsningsposter", "Posting", "Liabilities", "Current Liabilities", roleNone},
	{"20800", "Long-term bank loan", "Langfristet banklån", "Posting", "Liabilities", "Long Term Liabilities", roleLoan},
	{"20990", "Total liabilities", "Passiver i alt", "End_x002D_Total", "Liabilities", "", roleNone},
	{"30001", "EQUITY", "EGENKAPITAL", "Begin_x002D_Total", "Equity", "", roleNone},
	{"30100", "Share capital", "Selskabskapital", "Posting", "Equity", "Common Stock", roleNone},
	{"30200", "Retained earnings", "Overført resultat", "Posting", "Equity", "Retained Earnings", roleRetained},
	{"30300", "Distributions to shareholders", "Udbytte", "Posting", "Equity", "Distributions to Shareholders", roleNone},
	{"30990", "Total equity", "Egenkapital i alt", "End_x002D_Total", "Equity", "", roleNone},
	{"40000", "INCOME STATEMENT", "RESULTATOPGØRELSE", "Heading", "_x0020_", "", roleNone},
	{"40001", "INCOME", "INDTÆGTER", "Begin_x002D_Total", "Income", "", roleNone},
	{"40100", "Sales, retail", "Salg af varer", "Posting", "Income", "Income, Product Sales", roleRevenue},
	{"40200", "Sales, services", "Salg af ydelser", "Posting", "Income", "Income, Services", roleRevenue},
	{"40300", "Consulting fees", "Konsulenthonorarer", "Posting", "Income", "Income, Services", roleRevenue},
	{"40400", "Freight income", "Fragtindtægter", "Posting", "Income", "Income, Product Sales", roleRevenue},
	{"40500", "Finance charges", "Rykkergebyrer", "Posting", "Income", "Interest Income", roleFinCharge},
	{"40600", "Sales discounts", "Kontantrabatter", "Posting", "Income", "Income, Product Sales", roleNone},
	{"40700", "Miscellaneous income", "Diverse indtægter", "Posting", "Income", "Other Income", roleNone},
	{"40990", "Total income", "Indtægter i alt", "End_x002D_Total", "Income", "", roleNone},
	{"50001", "COST OF GOODS SOLD", "VAREFORBRUG", "Begin_x002D_Total", "Cost_x0020_of_x0020_Goods_x0020_Sold", "", roleNone},
	{"50100", "Cost of materials", "Materialeforbrug", "Posting", "Cost_x0020_of_x0020_Goods_x0020_Sold", "Materials", roleCOGS},
	{"50200", "Cost of labor", "Direkte løn", "Posting", "Cost_x0020_of_x0020_Goods_x0020_Sold", "Labor", roleCOGS},
	{"50300", "Freight costs", "Fragtomkostninger", "Posting", "Cost_x0020_of_x0020_Goods_x0020_Sold", "Materials", roleCOGS},
	{"50400", "Inventory adjustments", "Lagerreguleringer", "Posting", "Cost_x0020_of_x0020_Goods_x0020_Sold", "Materials", roleNone},
	{"50990", "Total cost of goods sold", "Vareforbrug i alt", "End_x002D_Total", "Cost_x0020_of_x0020_Goods_x0020_Sold", "", roleNone},
	{"60001", "EXPENSES", "OMKOSTNINGER", "Begin_x002D_Total", "Expense", "", roleNone},
	{"60100", "Rent", "Husleje", "Posting", "Expense", "Rent Expense", roleExpense},
	{"60200", "Electricity and heating", "El og varme", "Posting", "Expense", "Utilities Expense", roleExpense},
	{"60300", "Salaries", "Lønninger", "Posting", "Expense", "Payroll Expense", roleSalary},
	{"60400", "Payroll taxes", "ATP og sociale bidrag", "Posting", "Expense", "Payroll Expense", roleSalary},
	{"60500", "Health insurance", "Sundhedsforsikring", "Posting", "Expense", "Benefit Expense", roleExpense},
	{"60600", "Office supplies", "Kontorartikler", "Posting", "Expense", "Office Supplies Expense", roleExpense},
	{"60700", "Software subscriptions", "Softwareabonnementer", "Posting", "Expense", "Software", roleExpense},
	{"60800", "Travel", "Rejseudgifter", "Posting", "Expense", "Travel Expense", roleExpense},
	{"60900", "Advertising", "Annoncering", "Posting", "Expense", "Advertising Expense", roleExpense},
	{"61000", "Repairs and maintenance", "Reparation og vedligeholdelse", "Posting", "Expense", "Repairs and Maintenance Expense", roleExpense},
	{"61100", "Depreciation", "Afskrivninger", "Posting", "Expense", "Depreciation Expense", roleDepExp},
	{"61200", "Bank charges", "Bankgebyrer", "Posting", "Expense", "Other Expenses", roleExpense},
	{"61300", "Interest expense", "Renteudgifter", "Posting", "Expense", "Interest Expense", roleExpense},
	{"61400", "Insurance", "Forsikringer", "Posting", "Expense", "Insurance Expense", roleExpense},
	{"61500", "Legal and accounting fees", "Revisor og advokat", "Posting", "Expense", "Other Expenses", roleExpense},
	{"61600", "Telephone and internet", "Telefon og internet", "Posting", "Expense", "Utilities Expense", roleExpense},
	{"61700", "Training", "Kurser og uddannelse", "Posting", "Expense", "Other Expenses", roleExpense},
	{"61800", "Vehicle expenses", "Bilomkostninger", "Posting", "Expense", "Vehicle Expenses", roleExpense},
	{"61990", "Total expenses", "Omkostninger i alt", "End_x002D_Total", "Expense", "", roleNone},
	{"69990", "NET INCOME", "ÅRETS RESULTAT", "Total", "_x0020_", "", roleNone},
}

var demoDimensions = []struct {
	code   string
	names  map[string]string
	values [][3]string // code, English name, Danish name
}{
	{"AREA", map[string]string{"en": "Area", "da": "Område", "de": "Gebiet", "pl": "Obszar"},
		[][3]string{{"10", "Europe North", "Nordeuropa"}, {"20", "Europe South", "Sydeuropa"}, {"30", "Americas", "Amerika"}, {"40", "Asia", "Asien"}, {"50", "Scandinavia", "Skandinavien"}}},
	{"BUSINESSGROUP", map[string]string{"en": "Business Group", "da": "Forretningsgruppe", "de": "Geschäftsbereich"},
		[][3]string{{"HOME", "Home", "Hjem"}, {"INDUSTRIAL", "Industrial", "Industri"}, {"OFFICE", "Office", "Kontor"}}},
	{"CUSTOMERGROUP", map[string]string{"en": "Customer Group", "da": "Kundegruppe", "de": "Kundengruppe"},
		[][3]string{{"LARGE", "Large customers", "Store kunder"}, {"MEDIUM", "Medium customers", "Mellemstore kunder"}, {"SMALL", "Small customers", "Små kunder"}, {"INTERCOMP", "Intercompany", "Koncerninterne"}}},
	{"DEPARTMENT", map[string]string{"en": "Department", "da": "Afdeling", "de": "Abteilung", "pl": "Dział"},
		[][3]string{{"ADM", "Administration", "Administration"}, {"PROD", "Production", "Produktion"}, {"SALES", "Sales", "Salg"}, {"FIN", "Finance", "Økonomi"}, {"IT", "IT", "IT"}}},
	{"PROJECT", map[string]string{"en": "Project", "da": "Projekt", "de": "Projekt", "pl": "Projekt"},
		[][3]string{{"ALPHA", "Project Alpha", "Projekt Alfa"}, {"BETA", "Project Beta", "Projekt Beta"}, {"GAMMA", "Project Gamma", "Projekt Gamma"}, {"DELTA", "Project Delta", "Projekt Delta"}}},
	{"SALESCAMPAIGN", map[string]string{"en": "Sales Campaign", "da": "Salgskampagne", "de": "Verkaufskampagne"},
		[][3]string{{"SPRING", "Spring campaign", "Forårskampagne"}, {"SUMMER", "Summer campaign", "Sommerkampagne"}, {"WINTER", "Winter campaign", "Vinterkampagne"}}},
}

// shortcutDims are the dimensions of generalLedgerSetup's shortcuts 1–6;
// 1 and 2 are the global dimensions documents carry.
var shortcutDims = []string{"DEPARTMENT", "PROJECT", "CUSTOMERGROUP", "AREA", "BUSINESSGROUP", "SALESCAMPAIGN"}

func (g *demoGen) dimensions() {
	ds := g.set("dimensions")
	vs := g.set("dimensionValues")
	for _, d := range demoDimensions {
		name := demoLang(g.p.lang, d.names)
		vals := ds.row().put("code", d.code).put("displayName", name).put("consolidationCode", "").
			put("lastModifiedDateTime", g.setupStamp(ds.rng)).add()
		dim := &demoDim{id: vals[0], code: d.code, name: name}
		for _, v := range d.values {
			vname := v[1]
			if g.p.lang == "da" {
				vname = v[2]
			}
			vv := vs.row().put("code", v[0]).put("dimensionId", dim.id).put("displayName", vname).
				put("lastModifiedDateTime", g.setupStamp(vs.rng)).add()
			dim.values = append(dim.values, &demoCode{id: vv[0], code: v[0], name: vname})
		}
		g.m.dims = append(g.m.dims, dim)
	}
}

func (g *demoGen) dim(code string) *demoDim {
	for _, d := range g.m.dims {
		if d.code == code {
			return d
		}
	}
	panic("bctest: demo: no dimension " + code)
}

func (g *demoGen) chart() {
	s := g.set("accounts")
	g.m.byRole = map[demoRole][]*demoAccount{}
	g.m.acctByNo = map[string]*demoAccount{}
	for i, a := range demoChart {
		name := a.en
		if g.p.lang == "da" {
			name = a.da
		} else if !g.p.vat && a.role == roleSalesTax {
			name = "Sales tax payable"
		} else if !g.p.vat && a.role == rolePurchTax {
			name = "Use tax receivable"
		}
		acct := &demoAccount{id: g.id("accounts", i), number: a.no, name: name, category: a.cat, sub: a.sub, typ: a.typ, role: a.role}
		g.m.accounts = append(g.m.accounts, acct)
		g.m.acctByNo[a.no] = acct
		if a.role != roleNone {
			g.m.byRole[a.role] = append(g.m.byRole[a.role], acct)
		}
	}
	g.accountAmounts(s.rng)
	for _, a := range g.m.accounts {
		method := "Closing Rate"
		if a.number >= "40000" {
			method = "Average Rate (Manual)"
		}
		if a.typ != "Posting" {
			method = ""
		}
		direct := a.typ == "Posting" && a.role != roleAR && a.role != roleAP && a.role != roleInventory &&
			a.role != roleSalesTax && a.role != rolePurchTax
		s.row().put("id", a.id).put("number", a.number).put("displayName", a.name).put("category", a.category).
			put("subCategory", a.sub).put("blocked", strconv.FormatBool(a.number == "40700")).
			put("accountType", a.typ).put("directPosting", strconv.FormatBool(direct)).
			put("netChange", money(a.net)).put("consolidationTranslationMethod", method).
			put("lastModifiedDateTime", g.setupStamp(s.rng)).add()
	}
}

// acct is the first account of a role.
func (g *demoGen) acct(r demoRole) *demoAccount { return g.m.byRole[r][0] }
