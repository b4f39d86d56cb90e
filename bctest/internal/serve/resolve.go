package serve

import (
	"net/http"
	"slices"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/automation"
	"github.com/bcsdk/bc/bctest/internal/entra"
	"github.com/bcsdk/bc/bctest/internal/gate"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/bcsdk/bc/bctest/internal/webhook"
	"github.com/bcsdk/bc/schema"
)

// reqContext carries one BC request through resolution and handling.
type reqContext struct {
	srv       *Core
	w         *gate.Writer
	r         *http.Request
	route     string
	principal string
	app       entra.App
}

func (c *reqContext) svc() *schema.Service { svc, _ := c.srv.Tenant.Route(c.route); return svc }

func (c *reqContext) fail(e *protocol.Error) { protocol.WriteError(c.w, e) }

// segmentKey is the key a segment addresses in t: its value, or for a
// composite key the values of t's key properties in key order.
func segmentKey(t *table.Table, seg protocol.Segment) (string, bool) {
	if len(t.Keys) < 2 {
		return seg.Key, seg.Parts == nil
	}
	if len(seg.Parts) != len(t.Keys) {
		return "", false
	}
	values := make([]string, len(t.Keys))
	for i, c := range t.Keys {
		v, ok := seg.Parts[t.Cols[c].Name]
		if !ok {
			return "", false
		}
		values[i] = v
	}
	return table.CompositeKey(values), true
}

// dispatch resolves the resource path below the API route.
func (c *reqContext) dispatch(res []string) {
	c.srv.Meter.Request(c.r.Method + " " + c.r.URL.EscapedPath() + queryPart(c.r))
	if len(res) == 0 {
		c.serviceDocument()
		return
	}
	if res[0] == "$metadata" {
		c.metadata()
		return
	}
	seg := protocol.ParseSegment(res[0])
	if !seg.OK {
		c.fail(protocol.NotFoundSegment(res[0]))
		return
	}
	switch seg.Name {
	case "$batch":
		c.batch().Run(c.w, c.r, res)
		return
	case "subscriptions":
		c.srv.Webhooks.Serve(&webhook.Request{W: c.w, R: c.r, Route: c.route, Principal: c.principal, BaseURL: c.baseURL()}, res)
		return
	case "companies":
		if !seg.HasKey {
			if len(res) > 1 {
				c.fail(protocol.NotFoundSegment(res[1]))
				return
			}
			c.listCompanies()
			return
		}
		co := c.srv.Tenant.FindCompany(seg)
		if co == nil {
			c.fail(protocol.CompanyNotFound(seg.Key))
			return
		}
		if len(res) == 1 {
			c.getCompany(co)
			return
		}
		c.inCompany(co, res[1:])
		return
	}
	if id := c.r.URL.Query().Get("company"); id != "" {
		co, ok := c.srv.Tenant.Company(id)
		if !ok {
			c.fail(protocol.CompanyNotFound(id))
			return
		}
		c.inCompany(co, res)
		return
	}
	if _, known := c.svc().EntitySet(seg.Name); known {
		c.fail(&protocol.Error{Status: http.StatusBadRequest, Code: "Internal_CompanyNotFound",
			Message: "Cannot process the request because the default company cannot be found. You can specify a default company in the service configuration file, or specify one for each tenant, or you can add a query string in the form of \"company=[name]\"."})
		return
	}
	c.fail(protocol.NotFoundSegment(res[0]))
}

func queryPart(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}

// node is where resolution stands: a collection (possibly under a parent) or
// one entity.
type node struct {
	co     *tenant.Company
	t      *table.Table
	parent *table.Row                 // the entity a navigation started from
	via    *schema.NavigationProperty // the navigation from parent
	ptable *table.Table               // the parent's table
	row    *table.Row                 // set when the node is one entity
}

// children reports whether r belongs to the node's collection.
func (n *node) children(r *table.Row) bool {
	if n.parent == nil {
		return true
	}
	for _, rc := range n.via.Constraints {
		pi, ok1 := n.ptable.ColIdx[rc.Property]
		ci, ok2 := n.t.ColIdx[rc.ReferencedProperty]
		if !ok1 || !ok2 || !strings.EqualFold(n.parent.Vals[pi], r.Vals[ci]) {
			return false
		}
	}
	return true
}

// parentKey is the parent's id for sets keyed within a parent.
func (n *node) parentKey() string {
	if n.parent == nil {
		return ""
	}
	return n.parent.Vals[n.ptable.Key]
}

// inCompany resolves the path below companies(…).
func (c *reqContext) inCompany(co *tenant.Company, segs []string) {
	first := protocol.ParseSegment(segs[0])
	if !first.OK {
		c.fail(protocol.NotFoundSegment(segs[0]))
		return
	}
	t, ok := co.Table(c.route, first.Name)
	if !ok {
		c.fail(protocol.NotFoundSegment(first.Name))
		return
	}
	if aerr := c.checkPermission(t); aerr != nil {
		c.fail(aerr)
		return
	}
	n := &node{co: co, t: t}
	if first.HasKey {
		if t.Parent >= 0 {
			c.fail(mustGoThroughParent(t))
			return
		}
		key, ok := segmentKey(t, first)
		var r *table.Row
		if ok {
			r, ok = t.Lookup("", key)
		}
		if !ok {
			label := first.Key
			if first.Parts != nil {
				label = segs[0][len(first.Name)+1 : len(segs[0])-1]
			}
			c.fail(entityNotFound(t, label))
			return
		}
		n.row = r
	}
	for i := 1; i < len(segs); i++ {
		s := segs[i]
		switch {
		case s == "$count" && n.row == nil && i == len(segs)-1:
			c.count(n)
			return
		case strings.HasPrefix(s, "Microsoft.NAV.") && n.row != nil && i == len(segs)-1:
			c.action(n, strings.TrimPrefix(s, "Microsoft.NAV."))
			return
		case n.row == nil:
			c.fail(protocol.NotFoundSegment(s))
			return
		}
		seg := protocol.ParseSegment(s)
		if p, ok := n.t.Type.Property(seg.Name); ok && p.IsStream() && !seg.HasKey && i == len(segs)-1 {
			c.media(n, p.Name)
			return
		}
		nav := findNav(n.t.Type, seg.Name)
		if nav == nil || !seg.OK {
			c.fail(protocol.NotFoundSegment(s))
			return
		}
		child, ok := co.Table(c.route, SetOfType(c.svc(), nav.Type))
		if !ok {
			c.fail(protocol.NotFoundSegment(s))
			return
		}
		next := &node{co: co, t: child, parent: n.row, via: nav, ptable: n.t}
		switch {
		case !nav.Collection:
			r := c.singleTarget(next)
			if r == nil {
				c.fail(protocol.NotFoundSegment(s))
				return
			}
			next.row = r
		case seg.HasKey:
			r, ok := child.Lookup(next.parentKey(), seg.Key)
			if !ok || !next.children(r) {
				c.fail(entityNotFound(child, seg.Key))
				return
			}
			next.row = r
		}
		n = next
	}
	if n.row != nil {
		c.entity(n)
		return
	}
	c.collection(n)
}

// findNav finds a navigation property of an entity type by name.
func findNav(t *schema.EntityType, name string) *schema.NavigationProperty {
	for i := range t.Navigation {
		if t.Navigation[i].Name == name {
			return &t.Navigation[i]
		}
	}
	return nil
}

// SetOfType finds the entity set serving an entity type.
func SetOfType(svc *schema.Service, typeName string) string {
	for _, s := range svc.EntitySets {
		if s.EntityType == typeName {
			return s.Name
		}
	}
	return ""
}

func entityNotFound(t *table.Table, key string) *protocol.Error {
	return &protocol.Error{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
		Message: "The " + t.Type.Name + " with key '" + key + "' does not exist."}
}

func mustGoThroughParent(t *table.Table) *protocol.Error {
	return &protocol.Error{Status: http.StatusBadRequest, Code: "Application_DialogException",
		Message: "You must get to the parent first to get to the dimension set line."}
}

// checkPermission refuses sets the app's permission sets do not cover, with
// BC's message, and the Automation API without D365 AUTOMATION.
func (c *reqContext) checkPermission(t *table.Table) *protocol.Error {
	denied := slices.Contains(c.app.DeniedSets, t.Set.Name)
	if c.route == automation.Route && !slices.Contains(c.app.PermissionSets, "D365 AUTOMATION") {
		denied = true
	}
	if !denied {
		return nil
	}
	return &protocol.Error{Status: http.StatusForbidden, Code: "Internal_ServerError",
		Message: "Sorry, the current permissions prevented the action. (TableData " + tableDataName(t.Set.Name) + " Read: bctest app)"}
}

// tableDataName names the BC table behind a set, as permission errors do.
func tableDataName(set string) string {
	names := map[string]string{
		"generalLedgerEntries": "17 G/L Entry", "customers": "18 Customer", "vendors": "23 Vendor", "accounts": "15 G/L Account",
		"employees": "5200 Employee", "projects": "167 Job", "dimensions": "348 Dimension", "dimensionValues": "349 Dimension Value",
		"currencies": "4 Currency", "accountingPeriods": "50 Accounting Period", "salesInvoices": "112 Sales Invoice Header",
		"purchaseInvoices": "122 Purch. Inv. Header", "timeRegistrationEntries": "952 Time Sheet Detail", "items": "27 Item",
		"salesInvoiceLines": "113 Sales Invoice Line", "purchaseInvoiceLines": "123 Purch. Inv. Line",
		"salesOrders": "36 Sales Header", "salesOrderLines": "37 Sales Line",
		"users": "2000000120 User", "automationCompanies": "2000000006 Company",
	}
	if n, ok := names[set]; ok {
		return n
	}
	return set
}
