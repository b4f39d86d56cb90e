package gen

import (
	"fmt"
	"strings"

	"github.com/bcsdk/bc/schema"
)

// decisions holds every naming and typing decision, made once in a fixed order so
// that the renderers (models, enums, registry, and later the accessors) agree
// and the output is deterministic.
type decisions struct {
	cfg     Config
	svc     *schema.Service // with read-only overrides applied
	types   map[string]string
	structs []goStruct // entity types, then complex types, each sorted by EDM name
	enums   []goEnum   // sorted by EDM name
	setsOf  map[string][]string
}

type goStruct struct {
	name, edm string
	doc       string
	fields    []goField
	entity    bool // embeds Record and decodes through it
}

type goField struct {
	name, typ, tag, doc string
	embedded            bool
}

type goEnum struct {
	name, edm, valuesFunc string
	description           string
	consts                []goConst
}

type goConst struct{ name, value string }

// reservedNames are package-level identifiers the generated code does not
// take: the registry's own and, in the entities package, the hand-written
// Date and Record helpers.
func reservedNames(selfDate bool) names {
	n := names{"Schema": true, "SetNames": true, "NewModel": true}
	if selfDate {
		for _, s := range []string{"Date", "ParseDate", "DateOf", "Record", "DecodeRecord"} {
			n[s] = true
		}
	}
	return n
}

func newDecisions(svc *schema.Service, cfg Config) (*decisions, error) {
	p := &decisions{cfg: cfg, svc: svc, types: map[string]string{}, setsOf: map[string][]string{}}
	pkg := reservedNames(cfg.DateImport == "")
	for _, t := range svc.EntityTypes {
		p.types[t.Name] = pkg.claim(exportedName(t.Name))
	}
	for _, c := range svc.ComplexTypes {
		p.types[c.Name] = pkg.claim(exportedName(c.Name))
	}
	for _, e := range svc.EnumTypes {
		p.types[e.Name] = pkg.claim(exportedName(e.Name))
	}
	for _, set := range svc.EntitySets {
		p.setsOf[set.EntityType] = append(p.setsOf[set.EntityType], set.Name)
	}
	for _, e := range svc.EnumTypes {
		p.enums = append(p.enums, goEnum{name: p.types[e.Name], edm: e.Name, description: e.Description})
	}
	for i, e := range svc.EnumTypes {
		p.enums[i].valuesFunc = pkg.claim(p.enums[i].name + "Values")
		for _, m := range e.Members {
			p.enums[i].consts = append(p.enums[i].consts, goConst{name: pkg.claim(constName(p.enums[i].name, m.Name)), value: m.Name})
		}
	}
	for _, t := range svc.EntityTypes {
		s, err := p.entityStruct(t)
		if err != nil {
			return nil, fmt.Errorf("gen: entity type %s: %w", t.Name, err)
		}
		p.structs = append(p.structs, s)
	}
	for _, c := range svc.ComplexTypes {
		s, err := p.complexStruct(c)
		if err != nil {
			return nil, fmt.Errorf("gen: complex type %s: %w", c.Name, err)
		}
		p.structs = append(p.structs, s)
	}
	return p, nil
}

func (p *decisions) entityStruct(t schema.EntityType) (goStruct, error) {
	s := goStruct{name: p.types[t.Name], edm: t.Name, doc: p.entityDoc(t), entity: true}
	// Record, its promoted Extra and ReadJSON, and UnmarshalJSON are taken
	// before any property can claim them.
	fields := newFieldNames("Extra", "ReadJSON", "UnmarshalJSON")
	s.fields = append(s.fields, goField{name: fields.claim("ETag"), typ: "string", tag: `json:"@odata.etag,omitempty" bc:"readonly"`},
		goField{name: fields.claim("Record"), typ: p.qualified("Record"), tag: `json:"-"`, embedded: true})
	for _, prop := range t.Properties {
		f, err := p.propertyField(prop, fields, len(t.Key) > 1, "")
		if err != nil {
			return s, err
		}
		s.fields = append(s.fields, f)
	}
	for _, nav := range t.Navigation {
		target := p.types[nav.Type]
		typ := "*" + target
		if nav.Collection {
			typ = "[]" + target
		}
		name, err := fields.property(exportedName(nav.Name), nav.Name)
		if err != nil {
			return s, err
		}
		s.fields = append(s.fields, goField{
			name: name, typ: typ,
			tag: fmt.Sprintf(`json:"%s,omitempty" bc:"nav"`, nav.Name),
			doc: fmt.Sprintf("%s is set only when the request expands %s.", name, nav.Name),
		})
	}
	return s, nil
}

func (p *decisions) complexStruct(c schema.ComplexType) (goStruct, error) {
	s := goStruct{name: p.types[c.Name], edm: c.Name}
	s.doc = fmt.Sprintf("%s is the complex type %s.", s.name, c.Name)
	fields := newFieldNames()
	for _, prop := range c.Properties {
		f, err := p.propertyField(prop, fields, false, c.Name)
		if err != nil {
			return s, err
		}
		s.fields = append(s.fields, f)
	}
	return s, nil
}

func (p *decisions) entityDoc(t schema.EntityType) string {
	name := p.types[t.Name]
	sets := p.setsOf[t.Name]
	var doc string
	switch len(sets) {
	case 0:
		doc = fmt.Sprintf("%s is the entity type %s, which no entity set serves; it is reached through navigation.", name, t.Name)
	case 1:
		doc = fmt.Sprintf("%s is an entry of the %s entity set.", name, sets[0])
	default:
		doc = fmt.Sprintf("%s is an entry of the %s and %s entity sets.", name, strings.Join(sets[:len(sets)-1], ", "), sets[len(sets)-1])
	}
	doc = withDescription(doc, t.Description)
	if len(t.Actions) > 0 {
		var actions []string
		for _, a := range t.Actions {
			actions = append(actions, a.Name)
		}
		doc += " Bound actions: " + strings.Join(actions, ", ") + "."
	}
	return doc
}

// withDescription appends a schema element's Core.Description to the doc
// comment generated for it.
func withDescription(doc, description string) string {
	switch {
	case description == "":
		return doc
	case doc == "":
		return description
	}
	return doc + " " + description
}

// propertyField maps one structural property. Stream properties become the
// read-only link to their content; owner is the complex type holding the
// property, to break cycles between complex types with a pointer.
func (p *decisions) propertyField(prop schema.Property, fields fieldNames, compositeKey bool, owner string) (goField, error) {
	if prop.IsStream() {
		name, err := fields.property(exportedName(prop.Name)+"ReadLink", prop.Name)
		if err != nil {
			return goField{}, err
		}
		return goField{
			name: name, typ: "string",
			tag: fmt.Sprintf(`json:"%s@odata.mediaReadLink,omitempty" bc:"readonly,media"`, prop.Name),
			doc: fmt.Sprintf("%s is the URL of the %s media (Edm.Stream), which is not sent inline.", name, prop.Name),
		}, nil
	}
	typ, err := p.goType(prop, owner)
	if err != nil {
		return goField{}, fmt.Errorf("property %s: %w", prop.Name, err)
	}
	var flags []string
	if prop.Key {
		flags = append(flags, "key")
	}
	if prop.ReadOnly {
		flags = append(flags, "readonly")
	}
	if prop.Type == "Edm.Guid" {
		flags = append(flags, "guid")
	}
	tag := fmt.Sprintf(`json:"%s"`, prop.Name)
	if len(flags) > 0 {
		tag += fmt.Sprintf(` bc:"%s"`, strings.Join(flags, ","))
	}
	name, err := fields.property(exportedName(prop.Name), prop.Name)
	if err != nil {
		return goField{}, err
	}
	return goField{name: name, typ: typ, tag: tag, doc: withDescription(p.fieldDoc(name, prop, compositeKey), prop.Description)}, nil
}

// fieldDoc says what the Go type and tag do not: key, read-only, the enum
// behind a string type, the maximum length, the form of time-like strings.
func (p *decisions) fieldDoc(name string, prop schema.Property, compositeKey bool) string {
	var clauses []string
	switch {
	case prop.Key && compositeKey:
		clauses = append(clauses, "is part of the key")
	case prop.Key:
		clauses = append(clauses, "is the key")
	case prop.ReadOnly:
		clauses = append(clauses, "is read-only")
	}
	if prop.IsEnum() {
		clauses = append(clauses, "takes "+p.types[prop.EnumName()]+" values")
	}
	switch prop.Type {
	case "Edm.TimeOfDay":
		clauses = append(clauses, `holds an Edm.TimeOfDay such as "13:45:00"`)
	case "Edm.Duration":
		clauses = append(clauses, `holds an ISO 8601 Edm.Duration such as "PT1H30M"`)
	case "Edm.Binary":
		clauses = append(clauses, "holds Edm.Binary, base64 on the wire")
	}
	if prop.MaxLength > 0 {
		clauses = append(clauses, fmt.Sprintf("holds at most %d characters", prop.MaxLength))
	}
	switch len(clauses) {
	case 0:
		return ""
	case 1:
		return name + " " + clauses[0] + "."
	}
	return name + " " + strings.Join(clauses[:len(clauses)-1], ", ") + " and " + clauses[len(clauses)-1] + "."
}

// edmGoTypes maps EDM primitive types to Go types; "Date" is qualified by the
// decisions when Date lives in another package.
var edmGoTypes = map[string]string{
	"Edm.String": "string", "Edm.Guid": "string", "Edm.Decimal": "decimal.Decimal",
	"Edm.Date": "Date", "Edm.DateTimeOffset": "time.Time", "Edm.Boolean": "bool",
	"Edm.Int32": "int32", "Edm.Int64": "int64", "Edm.Int16": "int16", "Edm.Byte": "uint8",
	"Edm.SByte": "int8", "Edm.Double": "float64", "Edm.Single": "float32", "Edm.Binary": "[]byte",
	"Edm.TimeOfDay": "string", "Edm.Duration": "string",
}

// qualified names a type of the entities package (Date, Record) from the
// generated package.
func (p *decisions) qualified(name string) string {
	if p.cfg.DateImport != "" {
		return "entities." + name
	}
	return name
}

func (p *decisions) goType(prop schema.Property, owner string) (string, error) {
	var typ string
	switch prop.Kind {
	case schema.Primitive:
		var ok bool
		if typ, ok = edmGoTypes[prop.Type]; !ok {
			return "", fmt.Errorf("no Go type for %s", prop.Type)
		}
		if typ == "Date" {
			typ = p.qualified("Date")
		}
	case schema.Enum, schema.Complex:
		typ = p.types[prop.TypeName()]
		if prop.Kind == schema.Complex && !prop.Collection && owner != "" && p.reaches(prop.TypeName(), owner, map[string]bool{}) {
			typ = "*" + typ // a value would make the struct infinitely large
		}
	}
	if typ == "" {
		return "", fmt.Errorf("unresolved type %s", prop.Type)
	}
	if prop.Collection {
		typ = "[]" + typ
	}
	return typ, nil
}

// reaches reports whether complex type from contains target by value, directly
// or through other complex types.
func (p *decisions) reaches(from, target string, seen map[string]bool) bool {
	if from == target {
		return true
	}
	if seen[from] {
		return false
	}
	seen[from] = true
	c, ok := p.svc.ComplexType(from)
	if !ok {
		return false
	}
	for _, prop := range c.Properties {
		if prop.Kind == schema.Complex && !prop.Collection && p.reaches(prop.TypeName(), target, seen) {
			return true
		}
	}
	return false
}
