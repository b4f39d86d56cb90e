// Package automation is the fake BC's Automation API
// (/api/microsoft/automation/v2.0): its tenant-wide sets (users,
// extensions, features, …) shared by all companies as in BC,
// automationCompanies kept in step with the tenant's companies, bound
// actions with BC's refusals, background work (extension deployments,
// package imports and applies) moved on one step by every GET on the
// route, as BC's job queue would between a client's polls, and the demo
// data. It is separate from the OData core, which serves the route's sets
// like any other; this package adds what BC does beyond storing rows, and
// needs from the core only the Host interface.
package automation

import (
	"net/http"
	"sync"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// companySets are the sets of the Automation API whose rows belong to one
// company; every other set is tenant-wide.
var companySets = map[string]bool{"configurationPackages": true, "file": true, "scheduledJobs": true}

// Route is the path of BC's Automation API.
const Route = "api/microsoft/automation/v2.0"

// Company is a company of the tenant.
type Company struct{ ID, Name, DisplayName string }

// Host is what the Automation fake needs from the fake's core.
type Host interface {
	// Companies lists the tenant's companies in creation order.
	Companies() []Company
	// Table is a company's table of a set of the route.
	Table(companyID, set string) (*table.Table, bool)
	// UseTable makes a company's set of the route the table t.
	UseTable(companyID, set string, t *table.Table)
	// Insert adds a row built from property values (Go values or wire
	// text) as a new version.
	Insert(t *table.Table, values map[string]any) (*table.Row, error)
	// NextVersion takes the tenant's next row version.
	NextVersion() int64
	// AddCompany adds a company without data unless one has the id; it
	// reports whether it did.
	AddCompany(id, name, displayName string) bool
	// RenameCompany changes a company's names.
	RenameCompany(id, name, displayName string)
	// RemoveCompany removes a company.
	RemoveCompany(id string)
	// Media is a company's stream content by key ("set(key)/property").
	Media(companyID, key string) []byte
	// DeleteMedia drops a company's stream content.
	DeleteMedia(companyID, key string)
	// Wrote counts a write in the server's statistics.
	Wrote()
	// Now is the fake's time.
	Now() time.Time
}

// State is one server's Automation API state.
type State struct {
	host Host
	sets []string // the route's sets

	mu      sync.Mutex
	shared  map[string]*table.Table // tenant-wide set → its one table
	pending []*operation
}

// operation is background work: the values a row takes at each later
// step, one step per GET on the route.
type operation struct {
	t     *table.Table
	key   string
	steps []map[string]string
	done  func() // runs after the last step
}

// New returns the Automation API state of a server whose core is host.
func New(host Host) *State {
	st := &State{host: host, shared: map[string]*table.Table{}}
	for _, set := range API().EntitySets {
		st.sets = append(st.sets, set.Name)
	}
	return st
}

// BeforeRequest runs before every request on the route: it shares the
// tables of new companies, keeps automationCompanies in step and, for a
// GET, moves background work one step on.
func (st *State) BeforeRequest(method string) {
	st.Share()
	st.syncCompanies()
	if method == http.MethodGet {
		st.advance()
	}
}

// Share makes every company use the one table of each tenant-wide set.
// The shared tables are those of the first company that had them.
func (st *State) Share() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, co := range st.host.Companies() {
		for _, set := range st.sets {
			t, ok := st.host.Table(co.ID, set)
			if !ok || companySets[set] {
				continue
			}
			if sh, ok := st.shared[set]; !ok {
				st.shared[set] = t
			} else if sh != t {
				st.host.UseTable(co.ID, set, sh)
			}
		}
	}
}

// table returns a tenant-wide table, or nil when no company exists yet.
func (st *State) table(set string) *table.Table {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.shared[set]
}

// schedule queues background work on a row.
func (st *State) schedule(op *operation) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pending = append(st.pending, op)
}

// advance moves every pending operation one step on.
func (st *State) advance() {
	type due struct {
		op   *operation
		step map[string]string
		last bool
	}
	st.mu.Lock()
	var steps []due
	keep := st.pending[:0]
	for _, op := range st.pending {
		steps = append(steps, due{op, op.steps[0], len(op.steps) == 1})
		if op.steps = op.steps[1:]; len(op.steps) > 0 {
			keep = append(keep, op)
		}
	}
	st.pending = keep
	st.mu.Unlock()
	for _, d := range steps {
		if len(d.step) > 0 {
			if r, ok := d.op.t.Lookup("", d.op.key); ok {
				st.update(d.op.t, r, d.step)
			}
		}
		if d.last && d.op.done != nil {
			d.op.done()
		}
	}
}

// update writes values onto a row as a new version.
func (st *State) update(t *table.Table, r *table.Row, values map[string]string) *table.Row {
	vals := make([]string, len(r.Vals))
	copy(vals, r.Vals)
	for name, v := range values {
		if i, ok := t.ColIdx[name]; ok {
			vals[i] = v
		}
	}
	return t.Replace(r, vals, st.host.NextVersion())
}

// insert adds a row to a table from property values.
func (st *State) insert(t *table.Table, values map[string]any) (*table.Row, error) {
	return st.host.Insert(t, values)
}

// syncCompanies makes automationCompanies list exactly the tenant's
// companies, whichever way they were added, renamed or removed.
func (st *State) syncCompanies() {
	t := st.table("automationCompanies")
	if t == nil {
		return
	}
	cos := st.host.Companies()
	seen := map[string]bool{}
	for _, co := range cos {
		seen[table.FoldKey(co.ID)] = true
		r, ok := t.Lookup("", co.ID)
		if !ok {
			_, _ = st.insert(t, map[string]any{"id": co.ID, "name": co.Name, "displayName": co.DisplayName})
			continue
		}
		if r.Vals[t.ColIdx["name"]] != co.Name || r.Vals[t.ColIdx["displayName"]] != co.DisplayName {
			st.update(t, r, map[string]string{"name": co.Name, "displayName": co.DisplayName})
		}
	}
	t.Mu.RLock()
	var gone []*table.Row
	for _, r := range t.Rows {
		if !seen[table.FoldKey(r.Vals[t.Key])] {
			gone = append(gone, r)
		}
	}
	t.Mu.RUnlock()
	for _, r := range gone {
		t.Remove(r)
	}
}

// Changed follows changes to Automation API rows that BC acts on: a
// company created, renamed or deleted through automationCompanies, a
// configuration package created (BC adds its file record) or deleted, a
// permission set assigned (BC fills in its name, scope and app).
func (st *State) Changed(ch table.Change) {
	if ch.Route != Route {
		return
	}
	switch ch.Set {
	case "automationCompanies":
		st.companyChanged(ch)
	case "configurationPackages":
		files, ok := st.host.Table(ch.CompanyID, "file")
		if !ok {
			return
		}
		code := ch.Table.ColIdx["code"]
		switch ch.Kind {
		case table.Created:
			_, _ = st.insert(files, map[string]any{"code": ch.New.Vals[code]})
		case table.Deleted:
			if r, ok := files.Lookup("", ch.Old.Vals[code]); ok {
				files.Remove(r)
			}
			st.host.DeleteMedia(ch.CompanyID, "file("+ch.Old.Vals[code]+")/content")
		}
	case "userPermissions":
		if ch.Kind == table.Created {
			st.fillAssignment(ch.Table, ch.New)
		}
	}
}

func (st *State) companyChanged(ch table.Change) {
	t := ch.Table
	switch ch.Kind {
	case table.Created:
		if st.host.AddCompany(ch.New.Vals[t.Key], ch.New.Vals[t.ColIdx["name"]], ch.New.Vals[t.ColIdx["displayName"]]) {
			st.Share()
		}
	case table.Updated:
		st.host.RenameCompany(ch.New.Vals[t.Key], ch.New.Vals[t.ColIdx["name"]], ch.New.Vals[t.ColIdx["displayName"]])
	case table.Deleted:
		st.host.RemoveCompany(ch.Old.Vals[t.Key])
	}
}

// fillAssignment completes a new permission set assignment from the
// permission set, as BC's page does on insert. The row is completed in
// place, before the POST's answer is written.
func (st *State) fillAssignment(t *table.Table, r *table.Row) {
	sets := st.table("permissionSets")
	if sets == nil {
		return
	}
	ps, ok := sets.Lookup("", r.Vals[t.ColIdx["roleId"]])
	if !ok {
		return
	}
	t.Mu.Lock()
	defer t.Mu.Unlock()
	r.Vals[t.ColIdx["roleId"]] = ps.Vals[sets.Key]
	r.Vals[t.ColIdx["displayName"]] = ps.Vals[sets.ColIdx["displayName"]]
	r.Vals[t.ColIdx["appId"]] = ps.Vals[sets.ColIdx["appId"]]
	r.Vals[t.ColIdx["extensionName"]] = ps.Vals[sets.ColIdx["extensionName"]]
	r.Vals[t.ColIdx["scope"]] = ps.Vals[sets.ColIdx["scope"]]
}
