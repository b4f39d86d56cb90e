package gen

import (
	"fmt"
	"strings"

	"github.com/bcsdk/bc/schema"
)

// AccessorsFile is the file of typed accessors.
const AccessorsFile = GeneratedPrefix + "accessors.go"

// StandardSetsPackage is the package of the standard API's typed sets.
const StandardSetsPackage = "sets"

// HandWrittenSets are the standard API's route-level sets that package bc
// types itself (bc.CompaniesSet, bc.SubscriptionsSet), because the client
// and the webhook code use them; the standard accessors leave them out.
var HandWrittenSets = map[string]bool{"companies": true, "subscriptions": true}

// setMethods are the methods of bc.EntitySet, promoted into every generated
// set type; accessor names must not shadow them.
var setMethods = map[string]bool{
	"List": true, "Get": true, "Create": true, "Update": true, "Patch": true, "Delete": true, "Action": true,
	"Count": true, "Media": true, "Entity": true, "Name": true, "Path": true, "Client": true,
}

// accessorNames names the generated set types and their methods.
type accessorNames struct {
	p        *decisions
	standard bool   // rendering the standard API's package sets
	model    string // qualifier of model types: "entities." or ""
	sdk      string // qualifier of SDK identifiers: "" or "bc."
	setTypes map[string]string
}

func newAccessorNames(p *decisions) *accessorNames {
	a := &accessorNames{p: p, standard: p.cfg.Accessors == StandardAccessors, sdk: "bc.", setTypes: map[string]string{}}
	taken := names{"For": true, "Sets": true, "ForRoute": true, "RouteSets": true}
	if a.standard {
		a.model = "entities."
	} else {
		for _, t := range p.types {
			taken[t] = true
		}
		for n := range reservedNames(p.cfg.DateImport == "") {
			taken[n] = true
		}
		for _, e := range p.enums {
			taken[e.valuesFunc] = true
			for _, c := range e.consts {
				taken[c.name] = true
			}
		}
	}
	for _, s := range p.svc.EntitySets {
		if a.standard && HandWrittenSets[s.Name] {
			a.setTypes[s.Name] = "bc." + exportedName(s.Name) + "Set"
			continue
		}
		a.setTypes[s.Name] = taken.claim(exportedName(s.Name) + "Set")
	}
	return a
}

// stringKey reports whether a set's key is an Edm.String (quoted in URLs).
func (a *accessorNames) stringKey(set schema.EntitySet) bool {
	t, ok := a.p.svc.EntityType(set.EntityType)
	if !ok || len(t.Key) != 1 {
		return false
	}
	prop, ok := t.Property(t.Key[0])
	return ok && prop.Type == "Edm.String"
}

func (a *accessorNames) setExpr(set schema.EntitySet, scope, path string) string {
	opt := ""
	if a.stringKey(set) {
		opt = ", " + a.sdk + "StringKey()"
	}
	return fmt.Sprintf("%s{%sSet[%s%s](%s, %q%s)}", a.setTypes[set.Name], a.sdk, a.model, a.p.types[set.EntityType], scope, path, opt)
}

// navMethodName names the accessor of a contained collection: the part of the
// navigation's name after the parent type's name (salesInvoice +
// salesInvoiceLines → Lines), or the whole name.
func navMethodName(parentType, nav string, taken names) string {
	name := exportedName(nav)
	if rest, ok := strings.CutPrefix(nav, parentType); ok && rest != "" && rest[0] >= 'A' && rest[0] <= 'Z' {
		if short := exportedName(rest); !taken[short] && !setMethods[short] {
			name = short
		}
	}
	if setMethods[name] {
		name += "Nav"
	}
	return taken.claim(name)
}

// renderAccessors writes the typed accessors: one set type per entity set with
// navigation, media and bound-action methods, and For(company), whose methods
// hand them out (and, for the standard API, ForRoute(route) for the
// route-level sets).
func renderAccessors(p *decisions) ([]byte, error) {
	a := newAccessorNames(p)
	f := newFile()
	f.imports["github.com/bcsdk/bc"] = true
	if a.standard {
		f.imports[EntitiesImport] = true
		f.comment("", "Sets gives typed access to the standard API's entity sets in one company. Create it with For; it does no I/O.")
		f.printf("type Sets struct{ co *bc.Company }\n\n")
		f.comment("", "For returns the entity sets of a company, e.g. For(client.Company(id)).Customers().")
		f.printf("func For(co *bc.Company) Sets { return Sets{co: co} }\n\n")
		f.comment("", "RouteSets gives typed access to the route-level entity sets of the standard API (companies and subscriptions are bc's own: Route.Companies, Route.Subscriptions). Create it with ForRoute; it does no I/O.")
		f.printf("type RouteSets struct{ r *bc.Route }\n\n")
		f.comment("", "ForRoute returns the route-level entity sets of route, e.g. ForRoute(client.StandardAPI()).")
		f.printf("func ForRoute(r *bc.Route) RouteSets { return RouteSets{r: r} }\n\n")
	} else {
		f.comment("", "Sets gives typed access to this API's entity sets in one company. Create it with For; it does no I/O.")
		f.printf("type Sets struct{ co *bc.Company }\n\n")
		f.comment("", "For returns the entity sets of a company on this API's route, e.g. For(client.API(publisher, group, version).Company(id)).")
		f.printf("func For(co *bc.Company) Sets { return Sets{co: co} }\n\n")
	}
	company := map[string]bool{}
	for _, s := range p.svc.CompanySets() {
		company[s.Name] = true
	}
	if len(company) == 0 { // no company type: every set hangs off the company
		for _, s := range p.svc.EntitySets {
			company[s.Name] = true
		}
	}
	companyMethods := names{}
	routeMethods := names{}
	for _, set := range p.svc.EntitySets {
		typeName := a.setTypes[set.Name]
		ops := capabilityText(set)
		switch {
		case company[set.Name]:
			m := companyMethods.claim(exportedName(set.Name))
			f.comment("", fmt.Sprintf("%s returns the company's %s entity set (%s).", m, set.Name, ops))
			f.printf("func (s Sets) %s() %s { return %s }\n\n", m, typeName, a.setExpr(set, "s.co", set.Name))
		case a.standard && !HandWrittenSets[set.Name]:
			m := routeMethods.claim(exportedName(set.Name))
			f.comment("", fmt.Sprintf("%s returns the route-level %s entity set (%s).", m, set.Name, ops))
			f.printf("func (s RouteSets) %s() %s { return %s }\n\n", m, typeName, a.setExpr(set, "s.r", set.Name))
		default:
			continue
		}
		a.renderSetType(f, set)
	}
	return f.render(p.cfg)
}

func capabilityText(s schema.EntitySet) string {
	var ops []string
	if s.Insertable {
		ops = append(ops, "create")
	}
	ops = append(ops, "read")
	if s.Updatable {
		ops = append(ops, "update")
	}
	if s.Deletable {
		ops = append(ops, "delete")
	}
	return strings.Join(ops, ", ")
}

// renderSetType writes the set type and its methods.
func (a *accessorNames) renderSetType(f *goFile, set schema.EntitySet) {
	p := a.p
	typeName := a.setTypes[set.Name]
	t, _ := p.svc.EntityType(set.EntityType)
	f.comment("", fmt.Sprintf("%s is the %s entity set, which BC lets clients %s; the operations come from %sEntitySet.", typeName, set.Name, capabilityText(set), a.sdk))
	f.printf("type %s struct{ *%sEntitySet[%s%s] }\n\n", typeName, a.sdk, a.model, p.types[set.EntityType])
	taken := names{}
	for _, prop := range t.StreamProperties() {
		m := taken.claim(exportedName(prop.Name))
		f.comment("", fmt.Sprintf("%s returns the %s media of one entity: download or upload it as a stream.", m, prop.Name))
		f.printf("func (s %s) %s(id string) *%sMedia { return s.Media(id, %q) }\n\n", typeName, m, a.sdk, prop.Name)
	}
	for _, nav := range t.Navigation {
		target, ok := p.svc.EntityType(nav.Type)
		if !ok {
			continue
		}
		if !nav.Collection {
			streams := target.StreamProperties()
			if len(streams) != 1 {
				continue
			}
			m := taken.claim(exportedName(nav.Name))
			f.comment("", fmt.Sprintf("%s returns the %s media of one entity's %s.", m, streams[0].Name, nav.Name))
			f.printf("func (s %s) %s(id string) *%sMedia { return s.Media(id, %q) }\n\n", typeName, m, a.sdk, nav.Name+"/"+streams[0].Name)
			continue
		}
		targetSet, ok := setOf(p.svc, nav.Type)
		if !ok {
			continue
		}
		m := navMethodName(t.Name, nav.Name, taken)
		f.comment("", fmt.Sprintf("%s returns the %s of one %s.", m, nav.Name, t.Name))
		f.printf("func (s %s) %s(id string) %s { return %s }\n\n", typeName, m, a.setTypes[targetSet.Name], a.setExpr(targetSet, "s.Entity(id)", nav.Name))
	}
	for _, act := range t.Actions {
		f.imports["context"] = true
		m := taken.claim(exportedName(act.Name))
		if setMethods[m] {
			m = taken.claim(m + "Action")
		}
		f.comment("", fmt.Sprintf("%s invokes the bound action Microsoft.NAV.%s on one %s (BC answers 204 No Content).", m, act.Name, t.Name))
		if len(act.Parameters) == 0 {
			f.printf("func (s %s) %s(ctx context.Context, id string) error { return s.Action(ctx, id, %q, nil) }\n\n", typeName, m, act.Name)
		} else {
			f.printf("func (s %s) %s(ctx context.Context, id string, params map[string]any) error { return s.Action(ctx, id, %q, params) }\n\n", typeName, m, act.Name)
		}
	}
}

// setOf finds the entity set serving an entity type.
func setOf(svc *schema.Service, typeName string) (schema.EntitySet, bool) {
	for _, s := range svc.EntitySets {
		if s.EntityType == typeName {
			return s, true
		}
	}
	return schema.EntitySet{}, false
}
