package schema

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// build resolves the collected elements into a Service, validating every
// name and reference so that users of the model can trust it.
func (p *parser) build() (*Service, error) {
	if p.namespace == "" {
		return nil, errAt(0, "", "no Schema element under edmx:DataServices")
	}
	s := &Service{Namespace: p.namespace, Container: p.container, Source: p.source}
	p.lines = map[string]int{}
	for _, l := range p.complex {
		p.lines[l.v.Name] = l.line
	}
	for _, l := range p.entityTypes {
		p.lines[l.v.Name] = l.line
	}
	for _, l := range p.enums {
		e, err := buildEnum(l.v)
		if err != nil {
			return nil, wrapAt(l.line, fmt.Sprintf("EnumType %q", l.v.Name), err)
		}
		s.EnumTypes = append(s.EnumTypes, e)
	}
	for _, l := range p.complex {
		c, err := p.buildComplex(l.v)
		if err != nil {
			return nil, wrapAt(l.line, fmt.Sprintf("ComplexType %q", l.v.Name), err)
		}
		s.ComplexTypes = append(s.ComplexTypes, c)
	}
	for _, l := range p.entityTypes {
		t, err := p.buildEntityType(l.v)
		if err != nil {
			return nil, wrapAt(l.line, fmt.Sprintf("EntityType %q", l.v.Name), err)
		}
		s.EntityTypes = append(s.EntityTypes, t)
	}
	if err := sortUnique(s.EnumTypes, "enum type", func(e EnumType) string { return e.Name }); err != nil {
		return nil, err
	}
	if err := sortUnique(s.ComplexTypes, "complex type", func(c ComplexType) string { return c.Name }); err != nil {
		return nil, err
	}
	if err := sortUnique(s.EntityTypes, "entity type", func(t EntityType) string { return t.Name }); err != nil {
		return nil, err
	}
	if err := s.uniqueTypeNames(); err != nil {
		return nil, err
	}
	if err := p.resolveTypes(s); err != nil {
		return nil, err
	}
	for _, l := range p.actions {
		if err := p.bindAction(s, l.v); err != nil {
			return nil, wrapAt(l.line, fmt.Sprintf("Action %q", l.v.Name), err)
		}
	}
	for _, l := range p.sets {
		set, err := p.buildSet(s, l.v)
		if err != nil {
			return nil, wrapAt(l.line, fmt.Sprintf("EntitySet %q", l.v.Name), err)
		}
		s.EntitySets = append(s.EntitySets, set)
	}
	if err := sortUnique(s.EntitySets, "entity set", func(e EntitySet) string { return e.Name }); err != nil {
		return nil, err
	}
	for _, l := range p.annotations {
		if err := p.applyAnnotations(s, l.v); err != nil {
			return nil, wrapAt(l.line, fmt.Sprintf("Annotations %q", l.v.Target), err)
		}
	}
	return s, nil
}

func wrapAt(line int, element string, err error) error {
	return &ParseError{Line: line, Element: element, Msg: err.Error()}
}

func sortUnique[T any](xs []T, what string, name func(T) string) error {
	slices.SortStableFunc(xs, func(a, b T) int { return cmp.Compare(name(a), name(b)) })
	for i := 1; i < len(xs); i++ {
		if name(xs[i]) == name(xs[i-1]) {
			return errAt(0, "", "duplicate %s %q", what, name(xs[i]))
		}
	}
	return nil
}

func buildEnum(x xEnumType) (EnumType, error) {
	e := EnumType{Name: x.Name, Description: description(x.Annotations)}
	if !validIdentifier(x.Name) {
		return e, fmt.Errorf("invalid Name")
	}
	var err error
	if e.Flags, err = parseBool(x.IsFlags, false); err != nil {
		return e, fmt.Errorf("IsFlags: %w", err)
	}
	switch x.UnderlyingType {
	case "", "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64":
	default:
		return e, fmt.Errorf("invalid UnderlyingType %q", x.UnderlyingType)
	}
	seen := map[string]bool{}
	for i, m := range x.Members {
		if !validMemberName(m.Name) {
			return e, fmt.Errorf("member %q: invalid Name", m.Name)
		}
		if seen[m.Name] {
			return e, fmt.Errorf("duplicate member %q", m.Name)
		}
		seen[m.Name] = true
		v := int64(i) // CSDL: without Value, members count up from 0
		if m.Value != "" {
			if v, err = strconv.ParseInt(m.Value, 10, 64); err != nil {
				return e, fmt.Errorf("member %q: invalid Value %q", m.Name, m.Value)
			}
		}
		e.Members = append(e.Members, EnumMember{Name: m.Name, Value: v})
	}
	return e, nil
}

func (p *parser) buildComplex(x xComplexType) (ComplexType, error) {
	c := ComplexType{Name: x.Name}
	if !validIdentifier(x.Name) {
		return c, fmt.Errorf("invalid Name")
	}
	props, err := p.buildProperties(x.Properties)
	c.Properties = props
	return c, err
}

func (p *parser) buildEntityType(x xEntityType) (EntityType, error) {
	t := EntityType{Name: x.Name, Description: description(x.Annotations)}
	if !validIdentifier(x.Name) {
		return t, fmt.Errorf("invalid Name")
	}
	if x.BaseType != "" {
		return t, fmt.Errorf("BaseType %q: type inheritance is not supported", x.BaseType)
	}
	var err error
	if t.Properties, err = p.buildProperties(x.Properties); err != nil {
		return t, err
	}
	if len(x.Key) == 0 {
		return t, fmt.Errorf("no Key")
	}
	for _, ref := range x.Key {
		prop, ok := t.Property(ref.Name)
		if !ok {
			return t, fmt.Errorf("key property %q is not a property of the type", ref.Name)
		}
		if prop.Key {
			return t, fmt.Errorf("key property %q listed twice", ref.Name)
		}
		prop.Key = true
		t.Key = append(t.Key, ref.Name)
	}
	for _, xn := range x.Navigation {
		nav, err := p.buildNavigation(xn)
		if err != nil {
			return t, fmt.Errorf("navigation property %q: %w", xn.Name, err)
		}
		if _, dup := t.Property(nav.Name); dup {
			return t, fmt.Errorf("navigation property %q has the name of a property", nav.Name)
		}
		if _, dup := t.NavigationProperty(nav.Name); dup {
			return t, fmt.Errorf("duplicate navigation property %q", nav.Name)
		}
		t.Navigation = append(t.Navigation, nav)
	}
	for _, a := range x.Annotations {
		if !termIs(a.Term, vocKeys, "AlternateKeys") {
			continue
		}
		if t.AlternateKeys, err = alternateKeys(&t, a); err != nil {
			return t, err
		}
	}
	return t, nil
}

func (p *parser) buildProperties(xs []xProperty) ([]Property, error) {
	var props []Property
	seen := map[string]bool{}
	for _, x := range xs {
		prop, err := p.buildProperty(x)
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", x.Name, err)
		}
		if seen[prop.Name] {
			return nil, fmt.Errorf("duplicate property %q", prop.Name)
		}
		seen[prop.Name] = true
		props = append(props, prop)
	}
	return props, nil
}

func (p *parser) buildProperty(x xProperty) (Property, error) {
	prop := Property{Name: x.Name, Description: description(x.Annotations)}
	if !validIdentifier(x.Name) {
		return prop, fmt.Errorf("invalid Name")
	}
	var err error
	if prop.Type, prop.Collection, err = p.typeRef(x.Type); err != nil {
		return prop, err
	}
	if prop.Nullable, err = parseBool(x.Nullable, true); err != nil {
		return prop, fmt.Errorf("attribute Nullable: %w", err)
	}
	if x.MaxLength != "" && !strings.EqualFold(x.MaxLength, "max") {
		if prop.MaxLength, err = parseCount(x.MaxLength); err != nil {
			return prop, fmt.Errorf("attribute MaxLength: %w", err)
		}
	}
	if x.Precision != "" {
		if prop.Precision, err = parseCount(x.Precision); err != nil {
			return prop, fmt.Errorf("attribute Precision: %w", err)
		}
	}
	if x.Scale != "" && x.Scale != "Variable" && x.Scale != "variable" && x.Scale != "floating" {
		if _, err := parseCount(x.Scale); err != nil {
			return prop, fmt.Errorf("attribute Scale: %w", err)
		}
	}
	prop.Scale = x.Scale
	for _, a := range x.Annotations {
		if readOnlyAnnotation(a) {
			prop.ReadOnly = true
		}
	}
	return prop, nil
}

func (p *parser) buildNavigation(x xNavigation) (NavigationProperty, error) {
	nav := NavigationProperty{Name: x.Name, Partner: x.Partner}
	if !validIdentifier(x.Name) {
		return nav, fmt.Errorf("invalid Name")
	}
	if x.Partner != "" && !validIdentifier(x.Partner) {
		return nav, fmt.Errorf("invalid Partner %q", x.Partner)
	}
	typ, coll, err := p.typeRef(x.Type)
	if err != nil {
		return nav, err
	}
	var ok bool
	if nav.Type, ok = strings.CutPrefix(typ, p.namespace+"."); !ok {
		return nav, fmt.Errorf("type %q is not an entity type of namespace %s", x.Type, p.namespace)
	}
	nav.Collection = coll
	if nav.ContainsTarget, err = parseBool(x.ContainsTarget, false); err != nil {
		return nav, fmt.Errorf("ContainsTarget: %w", err)
	}
	for _, c := range x.Constraints {
		if !validIdentifier(c.Property) || !validIdentifier(c.ReferencedProperty) {
			return nav, fmt.Errorf("invalid ReferentialConstraint %q → %q", c.Property, c.ReferencedProperty)
		}
		nav.Constraints = append(nav.Constraints, ReferentialConstraint(c))
	}
	return nav, nil
}
