package demo

import (
	"slices"
	"strconv"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// itemEvent is a movement of an item, for the item ledger.
type itemEvent struct {
	date                  time.Time
	item                  *demoItem
	typ, docType, srcType string
	doc, src, desc        string
	qty, sales, cost      int64 // hundredths; cents (LCY)
}

// itemLedger writes item ledger entries for the opening stock, every item
// line of posted invoices and credit memos, and a few adjustments, in
// posting order, and sets each item's inventory.
func (g *demoGen) itemLedger(sales, purchases []*demoDoc, shipments, receipts []*demoDoc) {
	s := g.set("itemLedgerEntries")
	rng := s.rng
	shipped := map[*demoDoc]string{}
	for _, sh := range shipments {
		shipped[sh.src] = sh.number
	}
	for _, r := range receipts {
		shipped[r.src] = r.number
	}
	ev := make([]itemEvent, 0, 4*len(sales)+4*len(purchases)+len(g.m.items)+g.cfg.Months)
	opening := g.start.AddDate(0, 0, -1)
	for _, it := range g.m.items {
		if it.typ == "Inventory" {
			q := int64(150+rng.IntN(400)) * 100
			ev = append(ev, itemEvent{date: opening, item: it, typ: "Positive_x0020_Adjmt_x002E_", docType: "_x0020_",
				srcType: "_x0020_", doc: "OPENING", desc: "Opening balance", qty: q, cost: q * it.cost / 100})
		}
	}
	add := func(docs []*demoDoc, sale bool) {
		for _, d := range docs {
			if !d.posted || d.status == "Canceled" {
				continue
			}
			docType, typ, srcType, sign := "Purchase_x0020_Invoice", "Purchase", "Vendor", int64(1)
			if sale {
				docType, typ, srcType, sign = "Sales_x0020_Invoice", "Sale", "Customer", -1
			}
			doc := d.number
			if n, ok := shipped[d]; ok {
				doc, docType = n, "Purchase_x0020_Receipt"
				if sale {
					docType = "Sales_x0020_Shipment"
				}
			}
			for _, l := range d.lines {
				if l.item == nil || l.item.typ != "Inventory" {
					continue
				}
				e := itemEvent{date: d.date, item: l.item, typ: typ, docType: docType, srcType: srcType, doc: doc,
					src: d.party.number, desc: "", qty: sign * l.qty, cost: sign * l.qty * l.item.cost / 100}
				if sale {
					e.sales = g.toLCY(d.party, l.net)
				}
				ev = append(ev, e)
			}
		}
	}
	add(sales, true)
	add(purchases, false)
	for k := 0; k < g.cfg.Months; k++ {
		it := g.m.items[rng.IntN(len(g.m.items))]
		if it.typ != "Inventory" {
			continue
		}
		q := int64(1+rng.IntN(5)) * 100
		e := itemEvent{date: weekday(g.start.AddDate(0, k, 27)), item: it, typ: "Negative_x0020_Adjmt_x002E_",
			docType: "_x0020_", srcType: "_x0020_", doc: seqNo("PHYS-", 1001+k), desc: "Physical inventory count", qty: -q, cost: -q * it.cost / 100}
		if e.date.After(g.today) {
			continue
		}
		ev = append(ev, e)
	}
	order := make([]int, len(ev))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := ev[a].date.Compare(ev[b].date); c != 0 {
			return c
		}
		return a - b
	})
	for k, i := range order {
		e := &ev[i]
		e.item.inventory += e.qty
		s.row().put("entryNumber", strconv.Itoa(k+1)).put("itemNumber", e.item.number).put("postingDate", g.date(e.date)).
			put("entryType", e.typ).put("sourceNumber", e.src).put("sourceType", e.srcType).put("documentNumber", e.doc).
			put("documentType", e.docType).put("description", e.desc).put("quantity", hundredths(e.qty)).
			put("salesAmountActual", money(e.sales)).put("costAmountActual", money(e.cost)).
			put("lastModifiedDateTime", g.modified(rng, e.date)).add()
	}
}

// payments writes the unposted payment journal lines: receipts for open
// sales invoices and payments of open purchase invoices. It returns the
// purchase invoices a payment applies to.
func (g *demoGen) payments(sales, purchases []*demoDoc) map[*demoDoc]string {
	applied := map[*demoDoc]string{}
	write := func(set, party string, jnls []*demoCode, docs []*demoDoc, firstDoc int) {
		s := g.set(set)
		rng := s.rng
		lineNo := make([]int, len(jnls))
		n := 0
		for _, d := range docs {
			if d.status != "Open" || rng.IntN(3) != 0 {
				continue
			}
			j := 0
			if rng.IntN(4) == 0 {
				j = 1
			}
			lineNo[j] += 10000
			amount := d.remaining
			if chance(rng, 0.15) {
				amount = amount / 2
			}
			docNo := seqNo("G0", firstDoc+n)
			date := weekday(g.today.AddDate(0, 0, -rng.IntN(6)))
			if date.After(g.today) {
				date = g.today
			}
			s.row().put("journalId", jnls[j].id).put("journalDisplayName", jnls[j].code).
				put("lineNumber", strconv.Itoa(lineNo[j])).put(party+"Id", d.party.id).put(party+"Number", d.party.number).
				put("postingDate", g.date(date)).put("documentNumber", docNo).put("externalDocumentNumber", d.ext).
				put("amount", money(amount)).put("appliesToInvoiceId", d.id).put("appliesToInvoiceNumber", d.number).
				put("description", runes("Payment "+d.number+" "+d.party.name, 100)).
				put("comment", pick(rng, []string{"", "", "Partial payment agreed", "Paid via online banking"})).
				put("lastModifiedDateTime", g.modified(rng, date)).add()
			applied[d] = docNo
			n++
		}
	}
	write("customerPayments", "customer", g.m.custJnls, sales, 2001)
	write("vendorPayments", "vendor", g.m.vendJnls, purchases, 4001)
	return applied
}

// applyVendorEntries lists the open purchase invoices as vendor ledger
// entries a payment can be applied to.
func (g *demoGen) applyVendorEntries(purchases []*demoDoc, applied map[*demoDoc]string) {
	s := g.set("applyVendorEntries")
	for _, d := range purchases {
		if d.status != "Open" {
			continue
		}
		doc, ok := applied[d]
		s.row().put("applied", boolText(ok)).put("appliesToId", doc).put("postingDate", g.date(d.date)).
			put("documentType", "Invoice").put("documentNumber", d.number).put("externalDocumentNumber", d.ext).
			put("vendorNumber", d.party.number).put("vendorName", d.party.name).
			put("description", runes("Invoice "+d.ext, 100)).put("remainingAmount", money(-d.remaining)).
			put("lastModifiedDateTime", d.modified).add()
	}
}

// journalLines writes unposted general journal lines in each batch: the
// month-end routine of depreciation, accruals and payroll.
func (g *demoGen) journalLines() []string {
	s := g.set("journalLines")
	rng := s.rng
	var ids []string
	doc := 0
	dep, accDep, accrued := g.acct(roleDepExp), g.acct(roleAccDep), g.acct(roleAccrued)
	bank := g.acct(roleBank)
	for j, jnl := range g.m.journals {
		for k := 0; k < 8+rng.IntN(8); k++ {
			date := weekday(g.today.AddDate(0, 0, -rng.IntN(10)))
			if date.After(g.today) {
				date = g.today
			}
			doc++
			acctType, acctID, acctNo, desc := "G_x002F_L_x0020_Account", "", "", ""
			balType, balID, balNo := "G_x002F_L_x0020_Account", table.ZeroGUID, ""
			balTo := func(a *demoAccount) { balID, balNo = a.id, a.number }
			amount := int64(10000 + rng.IntN(500000))
			switch j {
			case 1: // month-end: depreciation and accruals
				a := dep
				balTo(accDep)
				if k%2 == 1 {
					a = pick(rng, g.m.byRole[roleExpense])
					balTo(accrued)
				}
				acctID, acctNo, desc = a.id, a.number, a.name+" "+date.Month().String()
			case 2: // payroll, paid from the bank account
				if k%3 == 2 && len(g.m.employees) > 0 {
					e := g.m.employees[rng.IntN(len(g.m.employees))]
					acctType, acctID, acctNo, desc = "Employee", e.id, e.number, "Expense reimbursement "+e.first+" "+e.last
					amount = -amount / 10
				} else {
					a := pick(rng, g.m.byRole[roleSalary])
					acctID, acctNo, desc = a.id, a.number, a.name+" "+date.Month().String()
				}
				balType, balID, balNo = "Bank_x0020_Account", g.m.banks[0].id, g.m.banks[0].code
			default:
				switch rng.IntN(6) {
				case 0:
					c := g.m.customers[rng.IntN(len(g.m.customers))]
					acctType, acctID, acctNo, desc = "Customer", c.id, c.number, "Write-off "+c.name
					amount = -int64(100 + rng.IntN(5000))
				case 1:
					v := g.m.vendors[rng.IntN(len(g.m.vendors))]
					acctType, acctID, acctNo, desc = "Vendor", v.id, v.number, "Adjustment "+v.name
				case 2:
					b := g.m.banks[rng.IntN(len(g.m.banks))]
					acctType, acctID, acctNo, desc = "Bank_x0020_Account", b.id, b.code, "Transfer to "+b.name
				default:
					a := pick(rng, g.m.byRole[roleExpense])
					acctID, acctNo, desc = a.id, a.number, a.name
				}
				if rng.IntN(3) == 0 {
					balTo(bank)
				}
			}
			vals := s.row().put("journalId", jnl.id).put("journalDisplayName", jnl.code).
				put("lineNumber", strconv.Itoa(10000*(k+1))).put("accountType", acctType).put("accountId", acctID).
				put("accountNumber", acctNo).put("postingDate", g.date(date)).put("documentNumber", seqNo("G", 10000+doc)).
				put("externalDocumentNumber", "").put("amount", money(amount)).put("description", runes(desc, 100)).
				put("comment", pick(rng, []string{"", "", "", "Recurring", "Check with controller"})).put("taxCode", "").
				put("balanceAccountType", balType).put("balancingAccountId", balID).put("balancingAccountNumber", balNo).
				put("lastModifiedDateTime", g.modified(rng, date)).add()
			ids = append(ids, vals[0])
			if rng.IntN(3) == 0 {
				d := &demoDoc{dept: pick(rng, g.dim("DEPARTMENT").values)}
				if rng.IntN(2) == 0 {
					d.proj = pick(rng, g.dim("PROJECT").values)
				}
				g.writeDimSet(vals[0], "Journal_x0020_Line", d, nil, rng)
			}
		}
	}
	return ids
}
