package bctest

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/bcsdk/bc/entities"
	"github.com/stretchr/testify/require"
)

// demoTenant is the default demo, built once for the tests that only read it.
var demoTenant = sync.OnceValue(func() *Tenant { return demoOf(DefaultDemo()) })

// demoOf loads a demo as servers do, from the cache after the first time.
func demoOf(cfg DemoConfig) *Tenant {
	tn := newTenant(1, systemClock{})
	loadDemo(tn, cfg)
	return tn
}

// freshDemo generates a demo, bypassing the cache.
func freshDemo(cfg DemoConfig) *Tenant {
	tn := newTenant(1, systemClock{})
	generateDemo(tn, cfg)
	return tn
}

// rows returns a set's rows in wire text.
func rows(co *Company, set string) []map[string]string {
	var out []map[string]string
	co.Each(set, func(m map[string]string) bool {
		out = append(out, m)
		return true
	})
	return out
}

func TestDemoCompanies(t *testing.T) {
	t.Parallel()
	cos := demoTenant().Companies()
	require.Len(t, cos, 3)
	var names []string
	for _, co := range cos {
		names = append(names, co.Name)
		require.NotEmpty(t, co.DisplayName)
		require.LessOrEqual(t, utf8.RuneCountInString(co.Name), 30)
	}
	require.Equal(t, []string{"CRONUS USA, Inc.", "Contoso Europe Ltd.", `Søren's Café "Nord" ApS`}, names)

	more := demoOf(DemoConfig{Companies: 7, GLEntries: 30, Customers: 5, Vendors: 5, Items: 8, Employees: 3, Projects: 2, InvoicesPerMonth: 2, Months: 3})
	seen := map[string]bool{}
	for _, co := range more.Companies() {
		require.False(t, seen[co.Name], co.Name)
		seen[co.Name] = true
		require.LessOrEqual(t, utf8.RuneCountInString(co.Name), 30)
	}
	require.Len(t, seen, 7)
}

func TestDemoDeterministic(t *testing.T) {
	t.Parallel()
	equal := func(a, b *Tenant) {
		require.Len(t, b.Companies(), len(a.Companies()))
		for i, co := range a.Companies() {
			other := b.Companies()[i]
			require.Equal(t, co.ID, other.ID)
			require.Equal(t, co.DisplayName, other.DisplayName)
			for _, set := range entities.Schema.CompanySets() {
				require.Equal(t, rows(co, set.Name), rows(other, set.Name), "%s %s", co.Name, set.Name)
			}
			require.Equal(t, co.co.Media().All(), other.co.Media().All())
		}
		require.Equal(t, a.t.Version(), b.t.Version())
	}
	generated := freshDemo(DefaultDemo())
	equal(generated, freshDemo(DefaultDemo()))
	equal(generated, demoTenant()) // restored from the cache

	// companies are generated independently, so one company shows the seed's effect
	cfg := DefaultDemo()
	cfg.Seed, cfg.Companies = 2, 1
	c := freshDemo(cfg).Companies()[0]
	for _, set := range []string{"customers", "salesInvoices", "generalLedgerEntries", "timeRegistrationEntries"} {
		require.NotEqual(t, rows(generated.Companies()[0], set), rows(c, set), set)
	}
}

// TestDemoCacheIsolation checks that tenants restored from the cache do not
// see each other's changes.
func TestDemoCacheIsolation(t *testing.T) {
	t.Parallel()
	a, b := demoOf(DefaultDemo()), demoOf(DefaultDemo())
	ca, cb := a.Companies()[1], b.Companies()[1]
	before := rows(cb, "customers")
	first := before[0]
	_, err := ca.Update("customers", first["id"], map[string]any{"displayName": "Changed", "lastModifiedDateTime": "2026-11-01T10:00:00Z"})
	require.NoError(t, err)
	require.NoError(t, ca.Delete("customers", before[1]["id"]))
	_, err = ca.Insert("customers", map[string]any{"displayName": "New", "number": "C99999", "lastModifiedDateTime": "2026-11-01T10:00:00Z"})
	require.NoError(t, err)
	require.Equal(t, before, rows(cb, "customers"))
	got, ok := ca.Get("customers", first["id"])
	require.True(t, ok)
	require.Equal(t, "Changed", got["displayName"])

	for k := range ca.co.Media().All() {
		ca.co.Media().Put(k, tenant.Blob{ContentType: "text/plain", Data: []byte("changed")})
	}
	for _, v := range cb.co.Media().All() {
		require.NotEqual(t, "changed", string(v.Data))
	}
}

var (
	dateTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$`)
	decimalRE  = regexp.MustCompile(`^-?\d+(\.\d+)?$`)
)

// checkValue reports what is wrong with a wire-text value for its column.
func checkValue(c table.Column, v string) error {
	switch c.Kind {
	case filter.GUID:
		if !filter.IsGUID(v) || strings.ToLower(v) != v {
			return fmt.Errorf("not a lowercase GUID")
		}
	case filter.Date:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return err
		}
	case filter.DateTime:
		if !dateTimeRE.MatchString(v) {
			return fmt.Errorf("not a BC datetime")
		}
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return err
		}
	case filter.Decimal:
		if !decimalRE.MatchString(v) {
			return fmt.Errorf("not a decimal")
		}
	case filter.Int:
		if _, err := strconv.ParseInt(v, 10, 32); err != nil {
			return err
		}
	case filter.Bool:
		if v != "true" && v != "false" {
			return fmt.Errorf("not a boolean")
		}
	case filter.Enum:
		if !slices.Contains(c.Enum, v) {
			return fmt.Errorf("not a member of %v", c.Enum)
		}
	case filter.String:
		if !utf8.ValidString(v) {
			return fmt.Errorf("invalid UTF-8")
		}
		if n := utf8.RuneCountInString(v); c.Prop.MaxLength > 0 && n > c.Prop.MaxLength {
			return fmt.Errorf("%d characters, more than %d", n, c.Prop.MaxLength)
		}
		if strings.TrimSpace(v) != v {
			return fmt.Errorf("leading or trailing space")
		}
	}
	return nil
}

func TestDemoEverySetValid(t *testing.T) {
	t.Parallel()
	for _, co := range demoTenant().Companies() {
		for _, set := range entities.Schema.CompanySets() {
			tbl, err := co.co.Std(set.Name)
			require.NoError(t, err)
			require.Positive(t, co.Count(set.Name), "%s: %s is empty", co.Name, set.Name)
			co.Each(set.Name, func(m map[string]string) bool {
				for _, c := range tbl.Cols {
					if err := checkValue(c, m[c.Name]); err != nil {
						t.Errorf("%s: %s.%s = %q: %v", co.Name, set.Name, c.Name, m[c.Name], err)
						return false
					}
				}
				return true
			})
		}
	}
}

// TestDemoColumnsFilled guards against a generator forgetting properties:
// apart from those BC leaves empty in practice, every column has a
// non-empty value in some company.
func TestDemoColumnsFilled(t *testing.T) {
	t.Parallel()
	// columns the demo leaves at BC's empty value, as real tenants mostly do
	empty := map[string]bool{
		"consolidationCode": true, "valueConsolidationCode": true, "consolidationDebitAccount": true,
		"consolidationCreditAccount": true, "excludeFromConsolidation": true, "description2": true, "displayName2": true,
		"discountAmount": true, "discountAppliedBeforeTax": true, "invoiceDiscountAllocation": true, "pricesIncludeTax": true,
		"orderId": true, "allowQueryFromConsolidation": true, "shortcutDimension7Code": true, "shortcutDimension8Code": true,
		"priceIncludesTax": true, "intercompanyEnabled": true, "mobilePhoneNumber": true, "email2": true,
		"recordIdToProcess": true, "parameterString": true, "runInUserSession": true, "userSessionId": true,
		"userSessionStarted": true, "notifyOnSuccess": true, "printerName": true, "reportRequestPageOptions": true,
		"manualRecurrence": true, "expirationDateTime": true, "runOnSaturdays": true, "runOnSundays": true,
		"dateFilter_FilterOnly": true, "relationalCurrencyCode": true, "bankAccounts.blocked": true,
		"journalLines.externalDocumentNumber": true, "journalLines.taxCode": true, "locations.website": true,
		"salespeoplePurchasers.privacyBlocked": true, "purchaseInvoices.shipToContact": true, "purchaseOrders.shipToContact": true, "purchaseReceipts.shipToContact": true,
	}
	for _, set := range entities.Schema.CompanySets() {
		filled := map[string]bool{}
		for _, co := range demoTenant().Companies() {
			tbl, _ := co.co.Std(set.Name)
			co.Each(set.Name, func(m map[string]string) bool {
				for _, c := range tbl.Cols {
					if v := m[c.Name]; v != c.EmptyValue() && v != "0" {
						filled[c.Name] = true
					}
				}
				return true
			})
		}
		tbl, _ := demoTenant().Companies()[0].co.Std(set.Name)
		for _, c := range tbl.Cols {
			if !filled[c.Name] && !empty[c.Name] && !empty[set.Name+"."+c.Name] && !strings.HasSuffix(strings.ToLower(c.Name), "addressline2") {
				t.Errorf("%s.%s is always empty", set.Name, c.Name)
			}
		}
	}
}

// TestDemoRestoredFromTheCacheKeepsItsNames: the second tenant of a demo
// configuration is restored from the cache the first one filled, and its
// companies have the generated names and display names, not the empty
// display name a company has before the generator names it.
func TestDemoRestoredFromTheCacheKeepsItsNames(t *testing.T) {
	t.Parallel()
	cfg := DemoConfig{Companies: 2, GLEntries: 17, Customers: 3, Vendors: 3, Items: 4, Employees: 2, Projects: 1, InvoicesPerMonth: 1, Months: 1}
	_, cached := demoCache.Load(cfg.WithDefaults())
	require.False(t, cached, "the test's configuration must be its own")
	generated, restored := demoOf(cfg), demoOf(cfg)
	var want []Company
	for _, co := range generated.Companies() {
		require.NotEmpty(t, co.DisplayName, co.Name)
		want = append(want, Company{ID: co.ID, Name: co.Name, DisplayName: co.DisplayName})
	}
	var got []Company
	for _, co := range restored.Companies() {
		got = append(got, Company{ID: co.ID, Name: co.Name, DisplayName: co.DisplayName})
	}
	require.Equal(t, want, got)
}
