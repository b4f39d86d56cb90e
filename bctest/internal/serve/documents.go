package serve

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/shopspring/decimal"
)

// documentDefaults gives a new document what BC's number series and posting
// logic would: a number and the Draft status.
func documentDefaults(co *tenant.Company, t *table.Table, vals []string) {
	if i, ok := t.ColIdx["status"]; ok && slices.Contains(t.Cols[i].Enum, "Draft") {
		vals[i] = "Draft"
	}
	if i, ok := t.ColIdx["number"]; ok && vals[i] == "" && t.Cols[i].Prop.ReadOnly {
		vals[i] = fmt.Sprintf("%s-%d", strings.ToUpper(t.Set.Name[:min(4, len(t.Set.Name))]), 100000+t.Size()+1)
	}
}

// computeLine fills a document line's computed amounts.
func computeLine(t *table.Table, vals []string) {
	get := func(name string) decimal.Decimal {
		if i, ok := t.ColIdx[name]; ok {
			d, _ := decimal.NewFromString(vals[i])
			return d
		}
		return decimal.Zero
	}
	price := get("unitPrice")
	if _, ok := t.ColIdx["unitCost"]; ok && price.IsZero() {
		price = get("unitCost")
	}
	net := get("quantity").Mul(price).Sub(get("discountAmount"))
	for _, name := range []string{"amountExcludingTax", "netAmount", "amountIncludingTax", "netAmountIncludingTax"} {
		if i, ok := t.ColIdx[name]; ok {
			vals[i] = net.String()
		}
	}
}

// totals sums deep-inserted lines into the header.
func totals(t *table.Table, vals []string, lt *table.Table, lines [][]string) {
	ni, ok := lt.ColIdx["netAmount"]
	if !ok {
		return
	}
	sum := decimal.Zero
	for _, l := range lines {
		d, _ := decimal.NewFromString(l[ni])
		sum = sum.Add(d)
	}
	for _, name := range []string{"totalAmountExcludingTax", "totalAmountIncludingTax", "remainingAmount"} {
		if i, ok := t.ColIdx[name]; ok {
			vals[i] = sum.String()
		}
	}
}
