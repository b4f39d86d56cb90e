package schema

import (
	"cmp"
	"slices"
)

// CompanyType is the entity type whose contained navigation lists the
// company-scoped sets (companies({id})/customers, …).
const CompanyType = "company"

// EntitySet returns the set called name.
func (s *Service) EntitySet(name string) (*EntitySet, bool) {
	return find(s.EntitySets, name, func(e *EntitySet) string { return e.Name })
}

// EntityType returns the entity type with the unqualified name, e.g.
// "generalLedgerEntry".
func (s *Service) EntityType(name string) (*EntityType, bool) {
	return find(s.EntityTypes, name, func(e *EntityType) string { return e.Name })
}

// EnumType returns the enum type with the unqualified name.
func (s *Service) EnumType(name string) (*EnumType, bool) {
	return find(s.EnumTypes, name, func(e *EnumType) string { return e.Name })
}

// ComplexType returns the complex type with the unqualified name.
func (s *Service) ComplexType(name string) (*ComplexType, bool) {
	return find(s.ComplexTypes, name, func(e *ComplexType) string { return e.Name })
}

// TypeOf returns the entity type of set, or nil if the service does not define it.
func (s *Service) TypeOf(set *EntitySet) *EntityType {
	if set == nil {
		return nil
	}
	t, _ := s.EntityType(set.EntityType)
	return t
}

// CompanySets returns the sets reachable under companies({id})/…: those the
// company entity type has a contained collection navigation property to, named
// like the set. It is empty when the service has no company type. Platform sets
// such as companies, subscriptions and entityDefinitions are not among them.
func (s *Service) CompanySets() []*EntitySet {
	company, ok := s.EntityType(CompanyType)
	if !ok {
		return nil
	}
	var sets []*EntitySet
	for i := range s.EntitySets {
		set := &s.EntitySets[i]
		nav, ok := company.NavigationProperty(set.Name)
		if ok && nav.ContainsTarget && nav.Collection && nav.Type == set.EntityType {
			sets = append(sets, set)
		}
	}
	return sets
}

// Property returns the structural property called name.
func (t *EntityType) Property(name string) (*Property, bool) {
	for i := range t.Properties {
		if t.Properties[i].Name == name {
			return &t.Properties[i], true
		}
	}
	return nil, false
}

// NavigationProperty returns the navigation property called name.
func (t *EntityType) NavigationProperty(name string) (*NavigationProperty, bool) {
	for i := range t.Navigation {
		if t.Navigation[i].Name == name {
			return &t.Navigation[i], true
		}
	}
	return nil, false
}

// Action returns the bound action called name.
func (t *EntityType) Action(name string) (*Action, bool) {
	for i := range t.Actions {
		if t.Actions[i].Name == name {
			return &t.Actions[i], true
		}
	}
	return nil, false
}

// HasLastModified reports whether the type has lastModifiedDateTime of
// Edm.DateTimeOffset, the watermark for incremental reads (document lines and
// report buffers have none).
func (t *EntityType) HasLastModified() bool {
	p, ok := t.Property("lastModifiedDateTime")
	return ok && p.Type == "Edm.DateTimeOffset" && !p.Collection
}

// StreamProperties returns the media (Edm.Stream) properties, which are read
// and written through their own URLs rather than inline.
func (t *EntityType) StreamProperties() []Property {
	var ps []Property
	for _, p := range t.Properties {
		if p.IsStream() {
			ps = append(ps, p)
		}
	}
	return ps
}

// Label returns the readable label of the member's wire name.
func (m EnumMember) Label() string { return Label(m.Name) }

// Member returns the member whose wire name is name.
func (e *EnumType) Member(name string) (*EnumMember, bool) {
	for i := range e.Members {
		if e.Members[i].Name == name {
			return &e.Members[i], true
		}
	}
	return nil, false
}

// find looks name up in a slice sorted by name, scanning when the binary
// search misses in case a hand-built slice is not sorted.
func find[T any](xs []T, name string, key func(*T) string) (*T, bool) {
	i, ok := slices.BinarySearchFunc(xs, name, func(x T, n string) int { return cmp.Compare(key(&x), n) })
	if ok {
		return &xs[i], true
	}
	for i := range xs {
		if key(&xs[i]) == name {
			return &xs[i], true
		}
	}
	return nil, false
}
