package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var entryRange = regexp.MustCompile(`entryNumber ge (\d+) and entryNumber le (\d+)`)

// requestKind names a recorded request by what it does: "customers count",
// "generalLedgerEntries bounds", "accounts page", "generalLedgerEntries
// entries 1-750", "… next".
func requestKind(line string) string {
	_, target, _ := strings.Cut(line, " ")
	path, rawQuery, _ := strings.Cut(target, "?")
	segs := strings.Split(path, "/")
	name := segs[len(segs)-1]
	query, _ := url.ParseQuery(rawQuery)
	switch {
	case name == "$count":
		return segs[len(segs)-2] + " count"
	case !strings.Contains(path, "/companies("):
		return name
	case query.Get("$top") == "1":
		return name + " bounds"
	case query.Get("$skiptoken") != "":
		return name + " next"
	}
	if m := entryRange.FindStringSubmatch(query.Get("$filter")); m != nil {
		return name + " entries " + m[1] + "-" + m[2]
	}
	return name + " page"
}

// TestSmallSetsAreReadBeforeTheLedger records the order requests are made
// in, one at a time: after the companies and the schema, the requests that
// size the sets, then every whole set (largest first), and only then the
// ledger's entry ranges — so a first run interrupted while the ledger is
// read already has its customers and accounts.
func TestSmallSetsAreReadBeforeTheLedger(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.RecordRequests(true)
	co := h.srv.Tenant().Companies()[0]
	r := h.run("--profile", "finance", "--out", h.sqlite("order.db"), "--companies", co.ID, "--concurrency", "1")
	require.Equal(t, 0, r.code, r.stderr)

	var got []string
	for _, line := range h.srv.Requests() {
		got = append(got, requestKind(line))
	}
	require.Equal(t, []string{
		"companies", "$metadata",
		"generalLedgerEntries bounds", "generalLedgerEntries bounds",
		"accounts count", "dimensions count", "dimensionValues count", "accountingPeriods count", "currencies count",
		"customers count", "vendors count", "employees count", "projects count", "salesInvoices count", "purchaseInvoices count",
		"salesInvoices page", "purchaseInvoices page", "customers page", "accounts page", "vendors page", "employees page",
		"projects page", "dimensionValues page", "accountingPeriods page", "currencies page", "dimensions page",
		"generalLedgerEntries entries 1-750", "generalLedgerEntries entries 751-1250", "generalLedgerEntries entries 1251-1500",
	}, got)
}
