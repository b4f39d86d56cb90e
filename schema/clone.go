package schema

import "slices"

// Clone returns a deep copy of s, so that a caller (the generator applying
// read-only overrides, a test altering capabilities) can change it without
// touching a shared model such as entities.Schema.
func (s *Service) Clone() *Service {
	c := *s
	c.EntitySets = slices.Clone(s.EntitySets)
	c.EnumTypes = slices.Clone(s.EnumTypes)
	for i := range c.EnumTypes {
		c.EnumTypes[i].Members = slices.Clone(c.EnumTypes[i].Members)
	}
	c.ComplexTypes = slices.Clone(s.ComplexTypes)
	for i := range c.ComplexTypes {
		c.ComplexTypes[i].Properties = slices.Clone(c.ComplexTypes[i].Properties)
	}
	c.EntityTypes = slices.Clone(s.EntityTypes)
	for i := range c.EntityTypes {
		t := &c.EntityTypes[i]
		t.Key = slices.Clone(t.Key)
		t.Properties = slices.Clone(t.Properties)
		t.AlternateKeys = slices.Clone(t.AlternateKeys)
		for j := range t.AlternateKeys {
			t.AlternateKeys[j] = slices.Clone(t.AlternateKeys[j])
		}
		t.Navigation = slices.Clone(t.Navigation)
		for j := range t.Navigation {
			t.Navigation[j].Constraints = slices.Clone(t.Navigation[j].Constraints)
		}
		t.Actions = slices.Clone(t.Actions)
		for j := range t.Actions {
			t.Actions[j].Parameters = slices.Clone(t.Actions[j].Parameters)
		}
	}
	return &c
}
