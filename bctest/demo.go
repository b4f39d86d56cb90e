package bctest

import (
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// DemoConfig sizes the deterministic demo tenant. Zero (or negative) counts
// and a zero StartDate take DefaultDemo's values; a zero Seed is a seed like
// any other.
type DemoConfig struct {
	// Seed makes the data reproducible: the same seed gives the same rows.
	Seed uint64
	// Companies is the number of companies. The third always has a name with
	// a quote and non-ASCII letters (Søren's Café "Nord" ApS).
	Companies int
	// GLEntries is the number of G/L entries per company. They are generated
	// from their index, never held in memory, so millions cost nothing.
	GLEntries int
	// NoGLDimensions leaves the G/L entries without dimension set lines
	// (benchmarks measuring the client's cost per entry).
	NoGLDimensions bool
	// Customers, Vendors, Items, Employees and Projects per company.
	Customers, Vendors, Items, Employees, Projects int
	// InvoicesPerMonth is the number of sales invoices per month; purchase
	// invoices are two thirds of it, and orders, quotes and credit memos scale
	// with it.
	InvoicesPerMonth int
	// Months is the length of the period with transactions, starting at
	// StartDate. Its last day is the demo's "today": the date of the aged
	// reports and of the newest documents.
	Months int
	// StartDate is the first day of the period; fiscal years are calendar
	// years, and those before the last one are closed.
	StartDate time.Time
}

// DefaultDemo is a small tenant that loads in milliseconds: 3 companies with
// 2,000 G/L entries each and tens to thousands of rows in every other set,
// from January 2025 to October 2026.
func DefaultDemo() DemoConfig {
	return DemoConfig{Seed: 1, Companies: 3, GLEntries: 2000, Customers: 120, Vendors: 60, Items: 80,
		Employees: 40, Projects: 25, InvoicesPerMonth: 15, Months: 22,
		StartDate: time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)}
}

// withDefaults fills the zero fields from DefaultDemo.
func (c DemoConfig) withDefaults() DemoConfig {
	d := DefaultDemo()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&c.Companies, d.Companies)
	set(&c.GLEntries, d.GLEntries)
	set(&c.Customers, d.Customers)
	set(&c.Vendors, d.Vendors)
	set(&c.Items, d.Items)
	set(&c.Employees, d.Employees)
	set(&c.Projects, d.Projects)
	set(&c.InvoicesPerMonth, d.InvoicesPerMonth)
	set(&c.Months, d.Months)
	if c.StartDate.IsZero() {
		c.StartDate = d.StartDate
	}
	y, m, day := c.StartDate.Date()
	c.StartDate = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	return c
}

// demoProfileFor is the profile of the i-th company. Names repeat with a
// number after the first five, since company names must be unique.
func demoProfileFor(i int) *demoProfile {
	p := demoProfiles[i%len(demoProfiles)]
	if n := i / len(demoProfiles); n > 0 {
		suffix := " " + strconv.Itoa(n+1)
		p.name = runes(p.name, 30-len(suffix)) + suffix
		p.display += suffix
	}
	return &p
}

// loadDemo fills the tenant with the demo data. Every test server starts
// with the demo, so the first load of a configuration keeps its rows and
// later loads copy them.
func loadDemo(t *Tenant, cfg DemoConfig) {
	cfg = cfg.withDefaults()
	if snap, ok := demoCache.Load(cfg); ok {
		snap.(*demoSnapshot).restore(t)
		return
	}
	demoCache.Store(cfg, snapshotDemo(generateDemo(t, cfg)))
}

// generateDemo fills the tenant with newly generated demo data. Companies are
// filled in parallel; each has its own random sources and row versions, so
// the result does not depend on scheduling.
func generateDemo(t *Tenant, cfg DemoConfig) []*demoGen {
	cfg = cfg.withDefaults()
	gens := make([]*demoGen, cfg.Companies)
	for i := range gens {
		p := demoProfileFor(i)
		co := t.AddCompany(p.name)
		co.DisplayName = p.display
		gens[i] = newDemoGen(co, cfg, p, i)
	}
	var wg sync.WaitGroup
	for _, g := range gens {
		wg.Go(g.fill)
	}
	wg.Wait()
	bumpVersion(t, gens[len(gens)-1].version+1)
	return gens
}

// bumpVersion makes later writes get newer ETags than every demo row.
func bumpVersion(t *Tenant, v int64) {
	if t.version.Load() < v {
		t.version.Store(v)
	}
}

// demoCache keeps the rows of each demo configuration loaded so far, so
// that a test server starts in a few milliseconds rather than generating
// the demo again. Tenants share the rows' value slices, which the fake never
// changes in place (a write replaces a row's values), the G/L generators,
// which are read-only, and the attachment bytes.
var demoCache sync.Map // DemoConfig → *demoSnapshot

type demoSnapshot struct {
	companies []demoCompanyRows
	version   int64
}

type demoCompanyRows struct {
	name, display string
	sets          []demoSetRows
	ledger        table.Virtual
	blobs         map[string]blob
}

type demoSetRows struct {
	name     string
	vals     [][]string
	versions []int64
}

// snapshotDemo records the rows the generators wrote.
func snapshotDemo(gens []*demoGen) *demoSnapshot {
	snap := &demoSnapshot{version: gens[len(gens)-1].version + 1}
	for _, g := range gens {
		c := demoCompanyRows{name: g.co.Name, display: g.co.DisplayName, blobs: maps.Clone(g.co.media.blobs)}
		for _, set := range slices.Sorted(maps.Keys(g.sets)) {
			t := g.sets[set].t
			rs := demoSetRows{name: set}
			for _, r := range t.Rows {
				rs.vals = append(rs.vals, r.Vals)
				rs.versions = append(rs.versions, r.Version)
			}
			c.sets = append(c.sets, rs)
		}
		if t, err := g.co.std("generalLedgerEntries"); err == nil {
			c.ledger = t.Virtual
		}
		snap.companies = append(snap.companies, c)
	}
	return snap
}

// restore adds the snapshot's companies and rows to a tenant, a company
// per goroutine.
func (s *demoSnapshot) restore(t *Tenant) {
	var wg sync.WaitGroup
	for _, c := range s.companies {
		co := t.AddCompany(c.name)
		co.DisplayName = c.display
		wg.Go(func() { c.restore(co) })
	}
	wg.Wait()
	bumpVersion(t, s.version)
}

func (c *demoCompanyRows) restore(co *Company) {
	for _, rs := range c.sets {
		tbl, err := co.std(rs.name)
		if err != nil {
			panic(err)
		}
		for i, vals := range rs.vals {
			if _, err := tbl.Insert(vals, rs.versions[i]); err != nil {
				panic(err)
			}
		}
	}
	if err := co.SetVirtual("generalLedgerEntries", c.ledger); err != nil {
		panic(err)
	}
	co.media.mu.Lock()
	maps.Copy(co.media.blobs, c.blobs)
	co.media.mu.Unlock()
}

// fill writes every set of the company. Documents come before the parties
// and items they change (balances, inventory); reports come last.
func (g *demoGen) fill() {
	g.setup()
	g.parties()
	g.items()
	g.employees()
	g.projects()
	g.contacts()

	si := g.salesInvoices()
	g.salesCreditMemos(si)
	g.salesOrders()
	g.salesQuotes()
	shipments := g.salesShipments(si)
	pi := g.purchaseInvoices()
	g.purchaseCreditMemos(pi)
	g.purchaseOrders()
	receipts := g.purchaseReceipts(pi)
	g.itemLedger(si, pi, shipments, receipts)
	g.writeItems()
	g.writeParties()

	applied := g.payments(si, pi)
	g.applyVendorEntries(pi, applied)
	jl := g.journalLines()
	g.attachments(si, pi, jl)
	g.opportunities()
	g.fixedAssets()
	g.defaultDimensions()
	g.pictures()
	g.timeRegistrations()
	g.jobQueue()
	g.reports()
	g.ledger()
}
