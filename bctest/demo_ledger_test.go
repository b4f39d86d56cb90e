package bctest

import (
	"strings"
	"testing"

	"github.com/bcsdk/bc/bctest/internal/demo"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// ledgerOf returns the G/L generator of a company.
func ledgerOf(t testing.TB, co *Company) *demo.Ledger {
	tbl, err := co.co.Std("generalLedgerEntries")
	require.NoError(t, err)
	l, ok := tbl.Virtual.(*demo.Ledger)
	require.True(t, ok)
	return l
}

// bigDemo has 5,000,000 G/L entries per company and small other sets.
func bigDemo(t testing.TB) *Tenant {
	return demoOf(DemoConfig{Companies: 3, GLEntries: 5_000_000})
}

func TestDemoLedgerRows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		tn   *Tenant
		n    int
		step int
	}{
		{"default", demoTenant(), 2000, 1},
		{"5M", bigDemo(t), 5_000_000, 997},
		{"odd size", demoOf(DemoConfig{Companies: 1, GLEntries: 25}), 25, 1}, // a last block of 13
		{"tiny", demoOf(DemoConfig{Companies: 1, GLEntries: 5}), 5, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, co := range tc.tn.Companies() {
				l := ledgerOf(t, co)
				require.Equal(t, tc.n, l.Len())
				require.Equal(t, tc.n, co.Count("generalLedgerEntries"))
				cols := co.Columns("generalLedgerEntries")
				col := func(name string) int {
					for i, c := range cols {
						if c == name {
							return i
						}
					}
					t.Fatalf("no column %s", name)
					return -1
				}
				tbl, _ := co.co.Std("generalLedgerEntries")
				prev := make([]string, len(cols))
				row := make([]string, len(cols))
				digits := map[int]bool{}
				sentinels := 0
				for i := 0; i < tc.n; i += tc.step {
					l.Row(i, row)
					for k, c := range tbl.Cols {
						require.NoError(t, checkValue(c, row[k]), "entry %d %s = %q", i, c.Name, row[k])
					}
					require.Equal(t, itoa(i+1), row[col("entryNumber")])
					j, ok := l.Find(row[col("id")])
					require.True(t, ok)
					require.Equal(t, i, j)
					j, ok = l.Find(strings.ToUpper(row[col("id")]))
					require.True(t, ok)
					require.Equal(t, i, j)
					if i > 0 {
						for _, m := range []string{"entryNumber", "postingDate", "lastModifiedDateTime"} {
							require.True(t, l.Monotonic(m))
							c := col(m)
							require.LessOrEqual(t, table.CompareWire(tbl.Cols[c].Kind, prev[c], row[c]), 0, "%s decreases at %d: %s > %s", m, i, prev[c], row[c])
						}
					}
					mod := row[col("lastModifiedDateTime")]
					if mod == "0001-01-01T00:00:00Z" {
						sentinels++
						require.Less(t, i, l.Sentinel)
					} else {
						require.GreaterOrEqual(t, i, l.Sentinel)
						frac := 0
						if dot := strings.IndexByte(mod, '.'); dot >= 0 {
							frac = len(mod) - dot - 2
						}
						digits[frac] = true
					}
					d, c := dec(t, row[col("debitAmount")]), dec(t, row[col("creditAmount")])
					require.True(t, d.IsZero() != c.IsZero(), "entry %d", i)
					copy(prev, row)
				}
				require.Positive(t, sentinels)
				if tc.n >= 2000 {
					require.Len(t, digits, 4, "fraction digits seen: %v", digits)
				}
				require.False(t, l.Monotonic("id"))
				_, ok := l.Find(table.ZeroGUID)
				require.False(t, ok)
				_, ok = l.Find(co.ID)
				require.False(t, ok)
				_, ok = l.Find("not a guid")
				require.False(t, ok)
			}
		})
	}
}

// TestDemoLedgerBalances checks that documents balance in local and
// additional currency in a stretch of a big ledger, including its end.
func TestDemoLedgerBalances(t *testing.T) {
	t.Parallel()
	co := demoOf(DemoConfig{Companies: 1, GLEntries: 1_000_003}).Companies()[0]
	l := ledgerOf(t, co)
	cols := co.Columns("generalLedgerEntries")
	at := func(name string) int {
		for i, c := range cols {
			if c == name {
				return i
			}
		}
		return -1
	}
	row := make([]string, len(cols))
	for _, from := range []int{0, 500_000, l.Len() - 1000} {
		sums := map[string][2]decimal.Decimal{}
		for i := from; i < from+1000; i++ {
			l.Row(i, row)
			s := sums[row[at("documentNumber")]]
			s[0] = s[0].Add(dec(t, row[at("debitAmount")])).Sub(dec(t, row[at("creditAmount")]))
			s[1] = s[1].Add(dec(t, row[at("additionalCurrencyDebitAmount")])).Sub(dec(t, row[at("additionalCurrencyCreditAmount")]))
			sums[row[at("documentNumber")]] = s
		}
		open := 0
		for _, s := range sums {
			if !s[0].IsZero() || !s[1].IsZero() {
				open++ // the documents cut by the window's edges
			}
		}
		require.LessOrEqual(t, open, 2)
	}
}

func TestDemoLedgerDimensions(t *testing.T) {
	t.Parallel()
	co := demoTenant().Companies()[2]
	l := ledgerOf(t, co)
	cols := co.Columns("dimensionSetLines")
	row := make([]string, len(co.Columns("generalLedgerEntries")))
	values := map[string]map[string]string{}
	co.Each("dimensionValues", func(m map[string]string) bool {
		values[m["id"]] = m
		return true
	})
	dims := map[string]map[string]string{}
	co.Each("dimensions", func(m map[string]string) bool {
		dims[m["id"]] = m
		return true
	})
	sizes := map[int]bool{}
	for i := 0; i < l.Len(); i++ {
		l.Row(i, row)
		children := l.Children("dimensionSetLines", i)
		sizes[len(children)] = true
		var codes []string
		for _, c := range children {
			require.Len(t, c, len(cols))
			m := map[string]string{}
			for k, name := range cols {
				m[name] = c[k]
			}
			require.Equal(t, row[0], m["parentId"])
			require.Equal(t, "General_x0020_Ledger_x0020_Entry", m["parentType"])
			d, v := dims[m["id"]], values[m["valueId"]]
			require.Equal(t, d["code"], m["code"])
			require.Equal(t, d["displayName"], m["displayName"])
			require.Equal(t, m["id"], v["dimensionId"])
			require.Equal(t, v["code"], m["valueCode"])
			require.Equal(t, v["displayName"], m["valueDisplayName"])
			codes = append(codes, m["code"])
		}
		require.IsIncreasing(t, codes)
	}
	require.Equal(t, map[int]bool{2: true, 3: true}, sizes)
	require.Nil(t, l.Children("attachments", 0))
}

func itoa(i int) string { return decimal.NewFromInt(int64(i)).String() }

// BenchmarkDemoGLRow measures generating one G/L entry of a 5,000,000-entry
// ledger, as a page of a full read does.
func BenchmarkDemoGLRow(b *testing.B) {
	co := demoOf(DemoConfig{Companies: 1, GLEntries: 5_000_000}).Companies()[0]
	l := ledgerOf(b, co)
	row := make([]string, len(co.Columns("generalLedgerEntries")))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Row(i, row)
		i += 7919
		if i >= l.Len() {
			i -= l.Len()
		}
	}
}

// BenchmarkDemoLoad measures building the tenant every test server starts
// with, and one with millions of G/L entries: generated (the first server of
// a process) and copied from the cache (every later one).
func BenchmarkDemoLoad(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  DemoConfig
	}{
		{"default", DefaultDemo()},
		{"5M-GL", DemoConfig{Companies: 3, GLEntries: 5_000_000}},
	} {
		b.Run(bc.name+"/generated", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				generateDemo(newTenant(1, systemClock{}), bc.cfg)
			}
		})
		b.Run(bc.name+"/cached", func(b *testing.B) {
			loadDemo(newTenant(1, systemClock{}), bc.cfg)
			b.ReportAllocs()
			for b.Loop() {
				loadDemo(newTenant(1, systemClock{}), bc.cfg)
			}
		})
	}
}
