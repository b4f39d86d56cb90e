package bctest

import (
	"time"

	"github.com/bcsdk/bc/bctest/internal/automation"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/schema"
)

// AutomationRoute is the path of BC's Automation API.
const AutomationRoute = automation.Route

// AutomationAPI describes BC's Automation API (/api/microsoft/automation/v2.0)
// as the fake serves it: automation.Schema, the one description package
// automation's models are generated from, plus the platform's companies set
// whose company type has a contained navigation to every set of the route.
// Every fake server serves it at AutomationRoute with demo users, permission
// sets, extensions and features; its actions behave like BC's.
//
// The demo data is loaded when the server starts with companies; a server
// made WithEmptyTenant serves the sets empty (its first company holds the
// tenant-wide tables).
func AutomationAPI() *schema.Service { return automation.API() }

// startAutomation serves the Automation API: its route, its tables shared
// by the companies, its demo data, and its reactions to changes.
func (s *Server) startAutomation() {
	s.automation = automation.New(automationHost{s})
	s.tn.AddRoute(AutomationRoute, AutomationAPI())
	s.automation.Share()
	s.tn.OnChange(s.automation.Changed)
	s.automation.Seed(s.cfg.clientID, s.tokens.App().PermissionSets)
}

// automationHost is the core as the Automation fake sees it.
type automationHost struct{ s *Server }

func (h automationHost) Companies() []automation.Company {
	var out []automation.Company
	for _, co := range h.s.tn.Companies() {
		out = append(out, automation.Company{ID: co.ID(), Name: co.Name(), DisplayName: co.DisplayName()})
	}
	return out
}

func (h automationHost) Table(companyID, set string) (*table.Table, bool) {
	co, ok := h.s.tn.Company(companyID)
	if !ok {
		return nil, false
	}
	return co.Table(AutomationRoute, set)
}

func (h automationHost) UseTable(companyID, set string, t *table.Table) {
	if co, ok := h.s.tn.Company(companyID); ok {
		co.UseTable(AutomationRoute, set, t)
	}
}

func (h automationHost) Insert(t *table.Table, values map[string]any) (*table.Row, error) {
	vals, err := h.s.tn.BuildRow(t, nil, values)
	if err != nil {
		return nil, err
	}
	return t.Insert(vals, h.s.tn.NextVersion())
}

func (h automationHost) NextVersion() int64 { return h.s.tn.NextVersion() }

// AddCompany adds a company with the id BC gave it (a company created
// through automationCompanies), without data: BC does not initialise it.
func (h automationHost) AddCompany(id, name, displayName string) bool {
	if _, ok := h.s.tn.Company(id); ok {
		return false
	}
	h.s.tn.AddCompany(id, name, displayName, h.s.tn.Now().UTC().Truncate(time.Millisecond))
	return true
}

func (h automationHost) RenameCompany(id, name, displayName string) {
	if co, ok := h.s.tn.Company(id); ok {
		co.Rename(name, displayName)
	}
}

func (h automationHost) RemoveCompany(id string) { h.s.tn.RemoveCompany(id) }

func (h automationHost) Media(companyID, key string) []byte {
	co, ok := h.s.tn.Company(companyID)
	if !ok {
		return nil
	}
	b, _ := co.Media().Get(key)
	return b.Data
}

func (h automationHost) DeleteMedia(companyID, key string) {
	if co, ok := h.s.tn.Company(companyID); ok {
		co.Media().Delete(key)
	}
}

func (h automationHost) Wrote()         { h.s.stats.writes.Add(1) }
func (h automationHost) Now() time.Time { return h.s.tn.Now() }
