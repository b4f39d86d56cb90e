// Package plan decides what a sync reads and where it goes: the entity sets
// of a profile, the table and columns of each, the children read through
// their parents, and how each set is read incrementally. The engine, the
// watcher, the doctor and synctest share it; users see its outcome as
// bcsync.Plan.
package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/schema"
)

// Profiles name the sets each profile syncs (companies always come first).
// mosaic is what Mosaic's resource planning reads; finance is what FP&A
// needs for actuals by dimension; all is every readable company set.
var Profiles = map[string][]string{
	"mosaic": {"employees", "projects", "customers", "timeRegistrationEntries"},
	"finance": {"accounts", "generalLedgerEntries", "dimensions", "dimensionValues", "accountingPeriods", "currencies",
		"customers", "vendors", "employees", "projects", "salesInvoices", "purchaseInvoices"},
	"all": nil, // filled from the schema
}

// childOf maps a set that is read through a parent to that parent and the
// navigation: document lines have no lastModifiedDateTime, so they are read
// with their headers ($expand) and a changed header brings its lines;
// journal lines and payments are refused by BC without their journal.
var childOf = map[string]struct{ parent, nav string }{
	"salesInvoiceLines":       {"salesInvoices", "salesInvoiceLines"},
	"purchaseInvoiceLines":    {"purchaseInvoices", "purchaseInvoiceLines"},
	"salesOrderLines":         {"salesOrders", "salesOrderLines"},
	"salesQuoteLines":         {"salesQuotes", "salesQuoteLines"},
	"salesCreditMemoLines":    {"salesCreditMemos", "salesCreditMemoLines"},
	"purchaseOrderLines":      {"purchaseOrders", "purchaseOrderLines"},
	"purchaseCreditMemoLines": {"purchaseCreditMemos", "purchaseCreditMemoLines"},
	"salesShipmentLines":      {"salesShipments", "salesShipmentLines"},
	"purchaseReceiptLines":    {"purchaseReceipts", "purchaseReceiptLines"},
	"journalLines":            {"journals", "journalLines"},
	"customerPayments":        {"customerPaymentJournals", "customerPayments"},
	"vendorPayments":          {"vendorPaymentJournals", "vendorPayments"},
}

// nestedOnly are navigations to sets BC lists only under a parent; their
// rows go to <parentSet>_<navigation>, keyed by (companyId, parentId, id).
var nestedOnly = map[string][]string{
	"generalLedgerEntries": {"dimensionSetLines"},
}

// notSynced are sets with nothing to copy: media holders computed per parent.
var notSynced = map[string]bool{"pdfDocument": true, "pictures": true, "dimensionSetLines": true}

// Column maps one property to one store column.
type Column struct {
	store.Column
	// Enum marks enum columns, whose blank member (_x0020_) is stored as NULL.
	Enum bool
}

// Child is a navigation read with its parent and stored in its own table.
type Child struct {
	Nav   string
	Type  *schema.EntityType
	Table *store.Table
	// Cols are the property columns, after the table's scope columns.
	Cols []Column
	// ParentProp is the parent's property the children point to ("id"),
	// ParentColumn the child column holding it ("documentId", or "parentId"
	// for nested-only children whose table adds it).
	ParentProp, ParentColumn string
	// Nested marks children without a set of their own (dimension set lines).
	Nested bool
}

// Set is one entity set to sync in every company.
type Set struct {
	Route string
	Name  string
	Type  *schema.EntityType
	Table *store.Table
	Cols  []Column
	// Store is false for a parent read only for its children (a child set
	// was asked for without its parent).
	Store    bool
	Children []*Child
	// LastModified: the set has lastModifiedDateTime, so incremental reads
	// use a watermark; otherwise it is re-read in full.
	LastModified bool
	// Ledger: the set has an increasing entryNumber (G/L entries), so a
	// full read is split into entryNumber ranges.
	Ledger bool
}

// Select is the $select of the set: the columns the store keeps.
func (s *Set) Select() []string { return props(s.Cols) }

func props(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// Select is the $select of a child.
func (c *Child) Select() []string { return props(c.Cols) }

// Tables lists the output tables of sets: each stored set's, then its
// children's.
func Tables(sets []*Set) []*store.Table {
	var ts []*store.Table
	for _, s := range sets {
		if s.Store {
			ts = append(ts, s.Table)
		}
		for _, c := range s.Children {
			ts = append(ts, c.Table)
		}
	}
	return ts
}

// Ref names a set on a route: customers on bc.StandardRoute, or jobTasks on
// "api/contoso/mosaic/v1.0".
type Ref struct {
	Name, Route string
}

// RefsOf converts refs of a type with the fields of Ref (bcsync.SetRef);
// an empty Route is the standard API.
func RefsOf[R ~struct{ Name, Route string }](refs []R) []Ref {
	out := make([]Ref, len(refs))
	for i, r := range refs {
		out[i] = Ref(r)
		if out[i].Route == "" {
			out[i].Route = bc.StandardRoute
		}
	}
	return out
}

// Build turns a profile and explicit sets into the plan, with columns from
// schemas (one per route: the live $metadata, or the built-in registry).
func Build(profile string, explicit []Ref, schemas map[string]*schema.Service) ([]*Set, error) {
	std := schemas[bc.StandardRoute]
	var refs []Ref
	if len(explicit) > 0 && profile == "" {
		refs = explicit
	} else {
		names, ok := Profiles[profile]
		if !ok {
			return nil, fmt.Errorf("profile %q is not one of mosaic, finance, all", profile)
		}
		if profile == "all" {
			for _, s := range std.CompanySets() {
				if !notSynced[s.Name] {
					names = append(names, s.Name)
				}
			}
		}
		for _, n := range names {
			refs = append(refs, Ref{Name: n, Route: bc.StandardRoute})
		}
		refs = append(refs, explicit...)
	}
	b := &builder{schemas: schemas, byKey: map[string]*Set{}}
	for _, r := range refs {
		if err := b.add(r); err != nil {
			return nil, err
		}
	}
	return b.sets, nil
}

type builder struct {
	schemas map[string]*schema.Service
	sets    []*Set
	byKey   map[string]*Set
}

func (b *builder) add(r Ref) error {
	svc, ok := b.schemas[r.Route]
	if !ok {
		return fmt.Errorf("no $metadata for route /%s", r.Route)
	}
	if r.Route == bc.StandardRoute {
		if c, ok := childOf[r.Name]; ok {
			parent, err := b.set(svc, r.Route, c.parent, false)
			if err != nil {
				return err
			}
			return b.addChild(svc, parent, c.nav, false)
		}
	}
	if _, ok := svc.EntitySet(r.Name); !ok || r.Name == "companies" {
		if r.Name == "companies" {
			return nil // always synced
		}
		return unknownSet(r, svc)
	}
	if notSynced[r.Name] {
		return fmt.Errorf("%s is not synced: BC lists it only under a parent entity", r.Name)
	}
	s, err := b.set(svc, r.Route, r.Name, true)
	if err != nil {
		return err
	}
	if r.Route != bc.StandardRoute {
		return nil
	}
	for _, nav := range nestedOnly[r.Name] {
		if err := b.addChild(svc, s, nav, true); err != nil {
			return err
		}
	}
	// A document comes with its lines, a journal with its lines.
	children := make([]string, 0, len(childOf))
	for child := range childOf {
		children = append(children, child)
	}
	sort.Strings(children)
	for _, child := range children {
		if c := childOf[child]; c.parent == r.Name {
			if err := b.addChild(svc, s, c.nav, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func unknownSet(r Ref, svc *schema.Service) error {
	var names []string
	for _, s := range svc.CompanySets() {
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		for _, s := range svc.EntitySets {
			names = append(names, s.Name)
		}
	}
	sort.Strings(names)
	hint := ""
	for _, n := range names {
		if strings.EqualFold(n, r.Name) {
			hint = fmt.Sprintf(" (did you mean %s?)", n)
		}
	}
	return fmt.Errorf("unknown entity set %q on /%s%s; known sets: %s", r.Name, r.Route, hint, strings.Join(names, ", "))
}

// set returns the planned set, creating it; store upgrades a set planned
// only for its children.
func (b *builder) set(svc *schema.Service, route, name string, storeIt bool) (*Set, error) {
	key := route + "/" + name
	if s, ok := b.byKey[key]; ok {
		s.Store = s.Store || storeIt
		return s, nil
	}
	es, ok := svc.EntitySet(name)
	if !ok {
		return nil, fmt.Errorf("the schema of /%s has no entity set %s", route, name)
	}
	typ, ok := svc.EntityType(es.EntityType)
	if !ok {
		return nil, fmt.Errorf("the schema of /%s has no entity type %s", route, es.EntityType)
	}
	cols := Columns(typ)
	table := &store.Table{Name: name, Columns: []store.Column{{Name: "companyId", Type: store.GUID}}, Key: []string{"companyId"}}
	for _, c := range cols {
		table.Columns = append(table.Columns, c.Column)
	}
	table.Key = append(table.Key, typ.Key...)
	entry, hasEntry := typ.Property("entryNumber")
	s := &Set{Route: route, Name: name, Type: typ, Table: table, Cols: cols, Store: storeIt,
		LastModified: typ.HasLastModified(),
		// Ledgers number their entries in posting order: ranges of
		// entryNumber split them evenly without asking BC for counts.
		Ledger: hasEntry && (entry.Type == "Edm.Int32" || entry.Type == "Edm.Int64")}
	b.byKey[key] = s
	b.sets = append(b.sets, s)
	return s, nil
}

// addChild plans a navigation of parent read with $expand.
func (b *builder) addChild(svc *schema.Service, parent *Set, nav string, nested bool) error {
	for _, c := range parent.Children {
		if c.Nav == nav {
			return nil
		}
	}
	np, ok := parent.Type.NavigationProperty(nav)
	if !ok || len(np.Constraints) == 0 {
		return fmt.Errorf("the schema has no navigation %s on %s", nav, parent.Type.Name)
	}
	typ, ok := svc.EntityType(np.Type)
	if !ok {
		return fmt.Errorf("the schema has no entity type %s", np.Type)
	}
	c := &Child{Nav: nav, Type: typ, Cols: Columns(typ), Nested: nested,
		ParentProp: np.Constraints[0].Property, ParentColumn: np.Constraints[0].ReferencedProperty}
	t := &store.Table{Columns: []store.Column{{Name: "companyId", Type: store.GUID}}, Key: []string{"companyId"}}
	if nested {
		t.Name = parent.Name + "_" + nav
		t.Columns = append(t.Columns, store.Column{Name: "parentId", Type: store.GUID})
		t.Key = append(t.Key, "parentId")
		t.Parent = "parentId"
		c.ParentColumn = "parentId"
		// The child's own parentId property (if any) duplicates the scope column.
		c.Cols = slices.DeleteFunc(c.Cols, func(col Column) bool { return col.Name == "parentId" })
	} else {
		t.Name = setOf(svc, np.Type)
		t.Parent = c.ParentColumn
	}
	for _, col := range c.Cols {
		t.Columns = append(t.Columns, col.Column)
	}
	t.Key = append(t.Key, typ.Key...)
	c.Table = t
	parent.Children = append(parent.Children, c)
	return nil
}

func setOf(svc *schema.Service, typeName string) string {
	for _, s := range svc.EntitySets {
		if s.EntityType == typeName {
			return s.Name
		}
	}
	return typeName
}

// Columns maps the properties of an entity type that have a value in JSON,
// in BC's property order.
func Columns(t *schema.EntityType) []Column {
	var cols []Column
	for _, p := range t.Properties {
		if p.IsStream() || p.Collection || p.IsComplex() {
			continue
		}
		cols = append(cols, Column{Column: store.Column{Name: p.Name, Type: colType(p)}, Enum: p.IsEnum()})
	}
	return cols
}

func colType(p schema.Property) store.ColType {
	switch p.Type {
	case "Edm.Guid":
		return store.GUID
	case "Edm.Decimal":
		return store.Decimal
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		return store.Int
	case "Edm.Boolean":
		return store.Bool
	case "Edm.Date":
		return store.Date
	case "Edm.DateTimeOffset":
		return store.DateTime
	case "Edm.Double", "Edm.Single":
		return store.Float
	}
	return store.Text
}
