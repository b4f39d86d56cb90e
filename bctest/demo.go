package bctest

import (
	"sync"

	"github.com/bcsdk/bc/bctest/internal/demo"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
)

// DemoConfig sizes the deterministic demo tenant (see WithDemo and
// NewDemoServer). Zero (or negative) counts and a zero StartDate take
// DefaultDemo's values; a zero Seed is a seed like any other.
type DemoConfig = demo.Config

// DefaultDemo is a small tenant that loads in milliseconds: 3 companies with
// 2,000 G/L entries each and tens to thousands of rows in every other set,
// from January 2025 to October 2026.
func DefaultDemo() DemoConfig { return demo.Default() }

// loadDemo fills the tenant with the demo data. Every test server starts
// with the demo, so the first load of a configuration keeps its rows and
// later loads copy them.
func loadDemo(t *Tenant, cfg DemoConfig) {
	cfg = cfg.WithDefaults()
	if snap, ok := demoCache.Load(cfg); ok {
		snap.(*demoSnapshot).restore(t)
		return
	}
	demoCache.Store(cfg, generateDemo(t, cfg))
}

// generateDemo fills the tenant with newly generated demo data. Companies are
// filled in parallel; each has its own random sources and row versions, so
// the result does not depend on scheduling.
func generateDemo(t *Tenant, cfg DemoConfig) *demoSnapshot {
	cfg = cfg.WithDefaults()
	cos := make([]*Company, cfg.Companies)
	sets := make([][]string, cfg.Companies)
	var version int64
	for i := range cos {
		name, display := demo.Profile(i)
		cos[i] = t.AddCompany(name)
		cos[i].co.Rename(name, display)
	}
	var wg sync.WaitGroup
	for i, co := range cos {
		wg.Go(func() {
			var v int64
			sets[i], v = demo.Fill(demoCompany{co}, cfg, i)
			if i == len(cos)-1 {
				version = v
			}
		})
	}
	wg.Wait()
	bumpVersion(t, version+1)
	return snapshotDemo(cos, sets, version+1)
}

// demoCompany is a Company as the demo generator fills it.
type demoCompany struct{ co *Company }

func (d demoCompany) Table(set string) (*table.Table, error) { return d.co.co.Std(set) }
func (d demoCompany) Columns(set string) []string            { return d.co.Columns(set) }
func (d demoCompany) SetVirtual(set string, v table.Virtual) error {
	return d.co.SetVirtual(set, v)
}

func (d demoCompany) PutMedia(key, contentType string, data []byte) {
	d.co.co.Media().Put(key, tenant.Blob{ContentType: contentType, Data: data})
}

// bumpVersion makes later writes get newer ETags than every demo row.
func bumpVersion(t *Tenant, v int64) { t.t.RaiseVersion(v) }

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
	blobs         map[string]tenant.Blob
}

type demoSetRows struct {
	name     string
	vals     [][]string
	versions []int64
}

// snapshotDemo records the rows the generator wrote into the sets of each
// company.
func snapshotDemo(cos []*Company, sets [][]string, version int64) *demoSnapshot {
	snap := &demoSnapshot{version: version}
	for i, co := range cos {
		// the handles predate the generator's renames: the names come from the state
		c := demoCompanyRows{name: co.co.Name(), display: co.co.DisplayName(), blobs: co.co.Media().All()}
		for _, set := range sets[i] {
			t, err := co.co.Std(set)
			if err != nil {
				panic(err)
			}
			rs := demoSetRows{name: set}
			for _, r := range t.Rows {
				rs.vals = append(rs.vals, r.Vals)
				rs.versions = append(rs.versions, r.Version)
			}
			c.sets = append(c.sets, rs)
		}
		if t, err := co.co.Std("generalLedgerEntries"); err == nil {
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
		co.co.Rename(c.name, c.display)
		wg.Go(func() { c.restore(co) })
	}
	wg.Wait()
	bumpVersion(t, s.version)
}

func (c *demoCompanyRows) restore(co *Company) {
	for _, rs := range c.sets {
		tbl, err := co.co.Std(rs.name)
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
	co.co.Media().PutAll(c.blobs)
}
