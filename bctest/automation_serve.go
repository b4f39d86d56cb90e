package bctest

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// The Automation API on the fake: registered on every server, its
// tenant-wide sets (users, extensions, features, …) shared by all companies
// as in BC, automationCompanies kept in step with the tenant's companies,
// and background work (extension deployments, package imports and applies)
// moved on one step by every GET on the route, as BC's job queue would
// between a client's polls.

func init() {
	serverHooks = append(serverHooks, func(s *Server) {
		s.automation = newAutomationState(s)
		s.tenant.addRoute(AutomationRoute, AutomationAPI())
		s.automation.share()
		s.tenant.OnChange(s.automation.changed)
		s.automation.seed()
	})
	requestHooks = append(requestHooks, func(c *reqContext, _ []string) {
		if c.route != AutomationRoute || c.srv.automation == nil {
			return
		}
		st := c.srv.automation
		st.share()
		st.syncCompanies()
		if c.r.Method == http.MethodGet {
			st.advance()
		}
	})
}

// companySets are the sets of the Automation API whose rows belong to one
// company; every other set is tenant-wide.
var companySets = map[string]bool{"configurationPackages": true, "file": true, "scheduledJobs": true}

// automationState is one server's Automation API state.
type automationState struct {
	srv *Server

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

func newAutomationState(s *Server) *automationState {
	return &automationState{srv: s, shared: map[string]*table.Table{}}
}

// share makes every company use the one table of each tenant-wide set.
// The shared tables are those of the first company that had them.
func (st *automationState) share() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, co := range st.srv.tenant.Companies() {
		co.mu.Lock()
		for key, t := range co.tables {
			set, ok := strings.CutPrefix(key, AutomationRoute+"/")
			if !ok || companySets[set] {
				continue
			}
			if sh, ok := st.shared[set]; !ok {
				st.shared[set] = t
			} else if sh != t {
				co.tables[key] = sh
			}
		}
		co.mu.Unlock()
	}
}

// table returns a tenant-wide table, or nil when no company exists yet.
func (st *automationState) table(set string) *table.Table {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.shared[set]
}

// schedule queues background work on a row.
func (st *automationState) schedule(op *operation) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.pending = append(st.pending, op)
}

// advance moves every pending operation one step on.
func (st *automationState) advance() {
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
func (st *automationState) update(t *table.Table, r *table.Row, values map[string]string) *table.Row {
	tn := st.srv.tenant
	vals := make([]string, len(r.Vals))
	copy(vals, r.Vals)
	for name, v := range values {
		if i, ok := t.ColIdx[name]; ok {
			vals[i] = v
		}
	}
	return t.Replace(r, vals, tn.version.Add(1))
}

// insert adds a row to a table from property values.
func (st *automationState) insert(t *table.Table, values map[string]any) (*table.Row, error) {
	tn := st.srv.tenant
	vals, err := tn.buildRow(t, nil, values)
	if err != nil {
		return nil, err
	}
	return t.Insert(vals, tn.version.Add(1))
}

// syncCompanies makes automationCompanies list exactly the tenant's
// companies, whichever way they were added, renamed or removed.
func (st *automationState) syncCompanies() {
	t := st.table("automationCompanies")
	if t == nil {
		return
	}
	cos := st.srv.tenant.Companies()
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

// changed follows changes to Automation API rows that BC acts on: a
// company created, renamed or deleted through automationCompanies, a
// configuration package created (BC adds its file record) or deleted, a
// permission set assigned (BC fills in its name, scope and app).
func (st *automationState) changed(ch Change) {
	if ch.Route != AutomationRoute {
		return
	}
	tn := st.srv.tenant
	switch ch.Set {
	case "automationCompanies":
		st.companyChanged(ch)
	case "configurationPackages":
		co, ok := tn.Company(ch.CompanyID)
		if !ok {
			return
		}
		files, ok := co.table(AutomationRoute, "file")
		if !ok {
			return
		}
		code := ch.t.ColIdx["code"]
		switch ch.Kind {
		case ChangeCreated:
			_, _ = st.insert(files, map[string]any{"code": ch.new.Vals[code]})
		case ChangeDeleted:
			if r, ok := files.Lookup("", ch.old.Vals[code]); ok {
				files.Remove(r)
			}
			co.media.mu.Lock()
			delete(co.media.blobs, "file("+ch.old.Vals[code]+")/content")
			co.media.mu.Unlock()
		}
	case "userPermissions":
		if ch.Kind == ChangeCreated {
			st.fillAssignment(ch.t, ch.new)
		}
	}
}

func (st *automationState) companyChanged(ch Change) {
	tn := st.srv.tenant
	t := ch.t
	switch ch.Kind {
	case ChangeCreated:
		id := ch.new.Vals[t.Key]
		if _, ok := tn.Company(id); ok {
			return
		}
		tn.addCompanyWithID(id, ch.new.Vals[t.ColIdx["name"]], ch.new.Vals[t.ColIdx["displayName"]])
		st.share()
	case ChangeUpdated:
		co, ok := tn.Company(ch.new.Vals[t.Key])
		if !ok {
			return
		}
		tn.mu.Lock()
		co.Name, co.DisplayName = ch.new.Vals[t.ColIdx["name"]], ch.new.Vals[t.ColIdx["displayName"]]
		tn.mu.Unlock()
	case ChangeDeleted:
		tn.RemoveCompany(ch.old.Vals[t.Key])
	}
}

// addCompanyWithID adds a company with the id BC gave it (a company created
// through automationCompanies), without data: BC does not initialise it.
func (t *Tenant) addCompanyWithID(id, name, displayName string) *Company {
	return t.addCompany(&Company{ID: id, Name: name, DisplayName: displayName, created: t.now().UTC().Truncate(time.Millisecond)})
}

// fillAssignment completes a new permission set assignment from the
// permission set, as BC's page does on insert. The row is completed in
// place, before the POST's answer is written.
func (st *automationState) fillAssignment(t *table.Table, r *table.Row) {
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
