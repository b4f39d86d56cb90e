package sets

import (
	"fmt"
	"regexp"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/odata"
)

// BC's report-like entity sets (trial balance, statements, aged balances)
// are computed when read, and take their parameters as filters on
// pseudo-fields; without them BC defaults to "today". These helpers write
// those filters. See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/resources/dynamics_trialbalance

// At lists the trial balance as of date (dateFilter eq date).
func (s TrialBalancesSet) At(date entities.Date) *bc.Pager[entities.TrialBalance] {
	return s.List(odata.New().Filter(odata.Eq("dateFilter", date)))
}

// Between lists the trial balance over a period (dateFilter ge from and le to).
func (s TrialBalancesSet) Between(from, to entities.Date) *bc.Pager[entities.TrialBalance] {
	return s.List(periodFilter("dateFilter", from, to))
}

// At lists the balance sheet as of date.
func (s BalanceSheetsSet) At(date entities.Date) *bc.Pager[entities.BalanceSheet] {
	return s.List(odata.New().Filter(odata.Eq("dateFilter", date)))
}

// Between lists the income statement over a period.
func (s IncomeStatementsSet) Between(from, to entities.Date) *bc.Pager[entities.IncomeStatement] {
	return s.List(periodFilter("dateFilter", from, to))
}

// Between lists the cash flow statement over a period.
func (s CashFlowStatementsSet) Between(from, to entities.Date) *bc.Pager[entities.CashFlowStatement] {
	return s.List(periodFilter("dateFilter", from, to))
}

// Between lists the retained earnings statement over a period.
func (s RetainedEarningsStatementsSet) Between(from, to entities.Date) *bc.Pager[entities.RetainedEarningsStatement] {
	return s.List(periodFilter("dateFilter", from, to))
}

// Between lists sales per customer over a period.
func (s CustomerSalesSet) Between(from, to entities.Date) *bc.Pager[entities.CustomerSale] {
	return s.List(periodFilter("dateFilter_FilterOnly", from, to))
}

// Between lists purchases per vendor over a period.
func (s VendorPurchasesSet) Between(from, to entities.Date) *bc.Pager[entities.VendorPurchase] {
	return s.List(periodFilter("dateFilter_FilterOnly", from, to))
}

// AsOf lists receivables aged as of date in periods of periodLength, a BC
// date formula such as "30D" or "1M".
func (s AgedAccountsReceivablesSet) AsOf(date entities.Date, periodLength string) *bc.Pager[entities.AgedAccountsReceivable] {
	if err := checkPeriodLength(periodLength); err != nil {
		return bc.FailedPager[entities.AgedAccountsReceivable](err)
	}
	return s.List(agedQuery(date, periodLength))
}

// AsOf lists payables aged as of date in periods of periodLength ("30D", "1M").
func (s AgedAccountsPayablesSet) AsOf(date entities.Date, periodLength string) *bc.Pager[entities.AgedAccountsPayable] {
	if err := checkPeriodLength(periodLength); err != nil {
		return bc.FailedPager[entities.AgedAccountsPayable](err)
	}
	return s.List(agedQuery(date, periodLength))
}

func periodFilter(field string, from, to entities.Date) *odata.Query {
	return odata.New().Filter(odata.Ge(field, from), odata.Le(field, to))
}

// dateFormula matches BC period lengths such as 30D, 1M, 2W, 1Q, 1Y.
var dateFormula = regexp.MustCompile(`^[1-9][0-9]{0,3}[DWMQY]$`)

func checkPeriodLength(s string) error {
	if !dateFormula.MatchString(s) {
		return fmt.Errorf("bc: period length %q is not a BC date formula such as 30D, 2W, 1M, 1Q or 1Y", s)
	}
	return nil
}

func agedQuery(date entities.Date, periodLength string) *odata.Query {
	return odata.New().Filter(odata.Eq("agedAsOfDate", date), odata.Eq("periodLengthFilter", periodLength))
}
