// Package demo generates the fake BC's demo tenant: companies with rows in
// every company set — parties, items, sales and purchase documents (one
// generator parameterised by side), posted ledgers and G/L entries made
// from their index, so millions cost no memory — all reproducible from a
// seed. It is separate because it only makes data: it fills a Company
// through a small interface and knows nothing of serving it.
package demo

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// Config sizes the deterministic demo tenant. Zero (or negative) counts
// and a zero StartDate take Default's values; a zero Seed is a seed like
// any other.
type Config struct {
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

// Default is a small tenant that loads in milliseconds: 3 companies with
// 2,000 G/L entries each and tens to thousands of rows in every other set,
// from January 2025 to October 2026.
func Default() Config {
	return Config{Seed: 1, Companies: 3, GLEntries: 2000, Customers: 120, Vendors: 60, Items: 80,
		Employees: 40, Projects: 25, InvoicesPerMonth: 15, Months: 22,
		StartDate: time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)}
}

// WithDefaults fills the zero fields from Default.
func (c Config) WithDefaults() Config {
	d := Default()
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

// Company is what the generator fills: one company of the fake's tenant,
// seen through its tables.
type Company interface {
	// Table is the table of a standard API set.
	Table(set string) (*table.Table, error)
	// Columns are the property names of a set's rows, in wire order.
	Columns(set string) []string
	// SetVirtual makes a standard set serve generated rows.
	SetVirtual(set string, v table.Virtual) error
	// PutMedia stores the content of a media property, keyed
	// set(id)/property.
	PutMedia(key, contentType string, data []byte)
}

// Profile is the name and display name of the demo's company number i.
func Profile(i int) (name, display string) {
	p := demoProfileFor(i)
	return p.name, p.display
}

// Fill writes the demo rows of company number i into co. Every value comes
// from cfg's seed and i, so companies can be filled in parallel. It returns
// the standard sets it wrote, sorted, and the newest row version it gave.
func Fill(co Company, cfg Config, i int) (sets []string, version int64) {
	cfg = cfg.WithDefaults()
	g := newDemoGen(co, cfg, demoProfileFor(i), i)
	g.fill()
	return slices.Sorted(maps.Keys(g.sets)), g.version
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

	si := g.invoices(salesSide)
	g.creditMemos(salesSide, si)
	g.orders(salesSide)
	g.salesQuotes()
	shipments := g.shipments(salesSide, si)
	pi := g.invoices(purchaseSide)
	g.creditMemos(purchaseSide, pi)
	g.orders(purchaseSide)
	receipts := g.shipments(purchaseSide, pi)
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
