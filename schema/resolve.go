package schema

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// uniqueTypeNames checks that no two types of different kinds share a name,
// as CSDL requires; references would be ambiguous otherwise.
func (s *Service) uniqueTypeNames() error {
	kinds := map[string]string{}
	check := func(name, kind string) error {
		if other, dup := kinds[name]; dup {
			return errAt(0, "", "%s %q has the name of %s %q", kind, name, other, name)
		}
		kinds[name] = kind
		return nil
	}
	for _, t := range s.EntityTypes {
		if err := check(t.Name, "entity type"); err != nil {
			return err
		}
	}
	for _, c := range s.ComplexTypes {
		if err := check(c.Name, "complex type"); err != nil {
			return err
		}
	}
	for _, e := range s.EnumTypes {
		if err := check(e.Name, "enum type"); err != nil {
			return err
		}
	}
	return nil
}

// resolveTypes sets every property's Kind and checks that navigation targets
// are entity types of the service.
func (p *parser) resolveTypes(s *Service) error {
	resolve := func(line int, owner string, props []Property) error {
		for i := range props {
			kind, err := s.kindOf(props[i].Type)
			if err != nil {
				return errAt(line, owner, "property %q: %v", props[i].Name, err)
			}
			props[i].Kind = kind
		}
		return nil
	}
	for i := range s.ComplexTypes {
		c := &s.ComplexTypes[i]
		if err := resolve(p.lines[c.Name], fmt.Sprintf("ComplexType %q", c.Name), c.Properties); err != nil {
			return err
		}
	}
	for i := range s.EntityTypes {
		t := &s.EntityTypes[i]
		owner := fmt.Sprintf("EntityType %q", t.Name)
		if err := resolve(p.lines[t.Name], owner, t.Properties); err != nil {
			return err
		}
		for _, nav := range t.Navigation {
			if _, ok := s.EntityType(nav.Type); !ok {
				return errAt(p.lines[t.Name], owner, "navigation property %q: unknown entity type %q", nav.Name, nav.Type)
			}
		}
	}
	return nil
}

func (s *Service) kindOf(typ string) (Kind, error) {
	if name, ok := strings.CutPrefix(typ, "Edm."); ok {
		if !primitiveTypes[name] {
			return 0, fmt.Errorf("unsupported type %q", typ)
		}
		return Primitive, nil
	}
	name, ok := strings.CutPrefix(typ, s.Namespace+".")
	if ok {
		if _, isEnum := s.EnumType(name); isEnum {
			return Enum, nil
		}
		if _, isComplex := s.ComplexType(name); isComplex {
			return Complex, nil
		}
	}
	return 0, fmt.Errorf("unknown type %q", typ)
}

// primitiveTypes are the EDM primitive types a property may have.
var primitiveTypes = map[string]bool{
	"Binary": true, "Boolean": true, "Byte": true, "Date": true, "DateTimeOffset": true,
	"Decimal": true, "Double": true, "Duration": true, "Guid": true, "Int16": true,
	"Int32": true, "Int64": true, "SByte": true, "Single": true, "Stream": true,
	"String": true, "TimeOfDay": true,
}

// bindAction attaches a bound action to the entity type of its binding
// parameter. Unbound actions and actions bound to a collection (BC emits
// neither) are not modelled.
func (p *parser) bindAction(s *Service, x xAction) error {
	if !validIdentifier(x.Name) {
		return fmt.Errorf("invalid Name")
	}
	bound, err := parseBool(x.IsBound, false)
	if err != nil {
		return fmt.Errorf("IsBound: %w", err)
	}
	if !bound {
		return nil
	}
	if len(x.Parameters) == 0 {
		return fmt.Errorf("bound action without a binding parameter")
	}
	typ, coll, err := p.typeRef(x.Parameters[0].Type)
	if err != nil {
		return fmt.Errorf("binding parameter: %w", err)
	}
	if coll {
		return nil
	}
	name, _ := strings.CutPrefix(typ, s.Namespace+".")
	t, ok := s.EntityType(name)
	if !ok {
		return fmt.Errorf("binding parameter type %q is not an entity type", typ)
	}
	if _, dup := t.Action(x.Name); dup {
		return fmt.Errorf("bound twice to %q", t.Name)
	}
	a := Action{Name: x.Name}
	for _, xp := range x.Parameters[1:] {
		prm := Parameter{Name: xp.Name}
		if !validIdentifier(xp.Name) {
			return fmt.Errorf("parameter %q: invalid Name", xp.Name)
		}
		if prm.Type, err = p.typeString(xp.Type); err != nil {
			return fmt.Errorf("parameter %q: %w", xp.Name, err)
		}
		if prm.Nullable, err = parseBool(xp.Nullable, true); err != nil {
			return fmt.Errorf("parameter %q: Nullable: %w", xp.Name, err)
		}
		a.Parameters = append(a.Parameters, prm)
	}
	if x.ReturnType != nil {
		if a.ReturnType, err = p.typeString(x.ReturnType.Type); err != nil {
			return fmt.Errorf("ReturnType: %w", err)
		}
	}
	i, _ := slices.BinarySearchFunc(t.Actions, a.Name, func(x Action, n string) int { return cmp.Compare(x.Name, n) })
	t.Actions = slices.Insert(t.Actions, i, a)
	return nil
}

func (p *parser) buildSet(s *Service, x xEntitySet) (EntitySet, error) {
	set := EntitySet{Name: x.Name, Insertable: true, Updatable: true, Deletable: true, Sortable: true}
	if !validIdentifier(x.Name) {
		return set, fmt.Errorf("invalid Name")
	}
	typ, coll, err := p.typeRef(x.EntityType)
	if err != nil {
		return set, err
	}
	name, _ := strings.CutPrefix(typ, s.Namespace+".")
	if _, ok := s.EntityType(name); !ok || coll {
		return set, fmt.Errorf("EntityType %q is not an entity type of the schema", x.EntityType)
	}
	set.EntityType = name
	for _, a := range x.Annotations {
		if err := applyCapability(&set, a); err != nil {
			return set, err
		}
	}
	return set, nil
}

// applyAnnotations applies out-of-line annotations: capabilities targeting
// "Namespace.Container/set" and read-only markers targeting
// "Namespace.type/property". Other targets and terms are ignored.
func (p *parser) applyAnnotations(s *Service, x xAnnotations) error {
	path, ok := strings.CutPrefix(x.Target, s.Namespace+".")
	if !ok {
		return nil
	}
	owner, member, ok := strings.Cut(path, "/")
	if !ok {
		return nil
	}
	if owner == s.Container {
		if set, ok := s.EntitySet(member); ok {
			for _, a := range x.Annotations {
				if err := applyCapability(set, a); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var props []Property
	if t, ok := s.EntityType(owner); ok {
		props = t.Properties
	} else if c, ok := s.ComplexType(owner); ok {
		props = c.Properties
	}
	for i := range props {
		if props[i].Name != member {
			continue
		}
		for _, a := range x.Annotations {
			if readOnlyAnnotation(a) {
				props[i].ReadOnly = true
			}
		}
	}
	return nil
}
