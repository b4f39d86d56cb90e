package schema

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
)

// WriteEDMX renders s as an EDMX v4 $metadata document in BC's layout, so the
// fake BC server can serve the same document the generator read. Read-only
// properties carry Core.Computed, so clients of the fake learn them too, and
// Source becomes the schema's Core.Description. Parse(WriteEDMX(s)) equals s
// for any s that Parse returned.
func (s *Service) WriteEDMX(w io.Writer) error {
	x := &xmlWriter{w: bufio.NewWriter(w), ns: s.Namespace}
	x.line(0, `<?xml version="1.0" encoding="utf-8"?>`)
	x.line(0, `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">`)
	x.line(1, `<edmx:DataServices>`)
	x.open(2, "Schema", "Namespace", s.Namespace, "xmlns", "http://docs.oasis-open.org/odata/ns/edm")
	x.description(3, s.Source)
	for _, t := range s.EntityTypes {
		x.entityType(t)
	}
	for _, c := range s.ComplexTypes {
		x.open(3, "ComplexType", "Name", c.Name)
		for _, p := range c.Properties {
			x.property(p)
		}
		x.close(3, "ComplexType")
	}
	for _, e := range s.EnumTypes {
		x.enumType(e)
	}
	for _, t := range s.EntityTypes {
		for _, a := range t.Actions {
			x.action(t.Name, a)
		}
	}
	if s.Container != "" || len(s.EntitySets) > 0 {
		x.open(3, "EntityContainer", "Name", s.Container)
		for _, set := range s.EntitySets {
			x.entitySet(set)
		}
		x.close(3, "EntityContainer")
	}
	x.close(2, "Schema")
	x.line(1, `</edmx:DataServices>`)
	x.line(0, `</edmx:Edmx>`)
	return x.w.Flush()
}

func (x *xmlWriter) entityType(t EntityType) {
	x.open(3, "EntityType", "Name", t.Name)
	x.open(4, "Key")
	for _, k := range t.Key {
		x.empty(5, "PropertyRef", "Name", k)
	}
	x.close(4, "Key")
	for _, p := range t.Properties {
		x.property(p)
	}
	for _, n := range t.Navigation {
		attrs := []string{"Name", n.Name, "Type", x.typeRef(x.ns+"."+n.Type, n.Collection)}
		if n.Partner != "" {
			attrs = append(attrs, "Partner", n.Partner)
		}
		if n.ContainsTarget {
			attrs = append(attrs, "ContainsTarget", "true")
		}
		if len(n.Constraints) == 0 {
			x.empty(4, "NavigationProperty", attrs...)
			continue
		}
		x.open(4, "NavigationProperty", attrs...)
		for _, c := range n.Constraints {
			x.empty(5, "ReferentialConstraint", "Property", c.Property, "ReferencedProperty", c.ReferencedProperty)
		}
		x.close(4, "NavigationProperty")
	}
	x.description(4, t.Description)
	if len(t.AlternateKeys) > 0 {
		x.open(4, "Annotation", "Term", "OData.Community.Keys.V1.AlternateKeys")
		x.open(5, "Collection")
		for _, key := range t.AlternateKeys {
			x.open(6, "Record", "Type", "OData.Community.Keys.V1.AlternateKey")
			x.open(7, "PropertyValue", "Property", "Key")
			x.open(8, "Collection")
			for _, name := range key {
				x.open(9, "Record", "Type", "OData.Community.Keys.V1.PropertyRef")
				x.empty(10, "PropertyValue", "Property", "Alias", "String", name)
				x.empty(10, "PropertyValue", "Property", "Name", "PropertyPath", name)
				x.close(9, "Record")
			}
			x.close(8, "Collection")
			x.close(7, "PropertyValue")
			x.close(6, "Record")
		}
		x.close(5, "Collection")
		x.close(4, "Annotation")
	}
	x.close(3, "EntityType")
}

func (x *xmlWriter) property(p Property) {
	attrs := []string{"Name", p.Name, "Type", x.typeRef(p.Type, p.Collection)}
	if !p.Nullable {
		attrs = append(attrs, "Nullable", "false")
	}
	if p.MaxLength > 0 {
		attrs = append(attrs, "MaxLength", strconv.Itoa(p.MaxLength))
	}
	if p.Precision > 0 {
		attrs = append(attrs, "Precision", strconv.Itoa(p.Precision))
	}
	if p.Scale != "" {
		attrs = append(attrs, "Scale", p.Scale)
	}
	if !p.ReadOnly && p.Description == "" {
		x.empty(4, "Property", attrs...)
		return
	}
	x.open(4, "Property", attrs...)
	if p.ReadOnly {
		x.empty(5, "Annotation", "Term", "Org.OData.Core.V1.Computed", "Bool", "true")
	}
	x.description(5, p.Description)
	x.close(4, "Property")
}

func (x *xmlWriter) enumType(e EnumType) {
	attrs := []string{"Name", e.Name}
	if e.Flags {
		attrs = append(attrs, "IsFlags", "true")
	}
	x.open(3, "EnumType", attrs...)
	for _, m := range e.Members {
		x.empty(4, "Member", "Name", m.Name, "Value", strconv.FormatInt(m.Value, 10))
	}
	x.description(4, e.Description)
	x.close(3, "EnumType")
}

// description writes a Core.Description annotation unless text is empty.
func (x *xmlWriter) description(depth int, text string) {
	if text != "" {
		x.empty(depth, "Annotation", "Term", "Org.OData.Core.V1.Description", "String", text)
	}
}

func (x *xmlWriter) action(bindingType string, a Action) {
	x.open(3, "Action", "Name", a.Name, "IsBound", "true")
	x.empty(4, "Parameter", "Name", "bindingParameter", "Type", x.ns+"."+bindingType)
	for _, p := range a.Parameters {
		attrs := []string{"Name", p.Name, "Type", p.Type}
		if !p.Nullable {
			attrs = append(attrs, "Nullable", "false")
		}
		x.empty(4, "Parameter", attrs...)
	}
	if a.ReturnType != "" {
		x.empty(4, "ReturnType", "Type", a.ReturnType)
	}
	x.close(3, "Action")
}

func (x *xmlWriter) entitySet(set EntitySet) {
	x.open(4, "EntitySet", "Name", set.Name, "EntityType", x.ns+"."+set.EntityType)
	for _, c := range []struct {
		term, flag string
		value      bool
	}{
		{"ChangeTracking", "Supported", set.ChangeTracking},
		{"DeleteRestrictions", "Deletable", set.Deletable},
		{"InsertRestrictions", "Insertable", set.Insertable},
		{"UpdateRestrictions", "Updatable", set.Updatable},
		{"SortRestrictions", "Sortable", set.Sortable},
	} {
		x.open(5, "Annotation", "Term", "Org.OData.Capabilities.V1."+c.term)
		x.open(6, "Record")
		x.empty(7, "PropertyValue", "Property", c.flag, "Bool", strconv.FormatBool(c.value))
		x.close(6, "Record")
		x.close(5, "Annotation")
	}
	x.close(4, "EntitySet")
}

// xmlWriter writes indented elements; write errors surface from the final Flush.
type xmlWriter struct {
	w  *bufio.Writer
	ns string
}

func (x *xmlWriter) typeRef(name string, collection bool) string {
	if collection {
		return "Collection(" + name + ")"
	}
	return name
}

func (x *xmlWriter) line(depth int, s string) {
	for range depth {
		x.w.WriteString("    ")
	}
	x.w.WriteString(s)
	x.w.WriteByte('\n')
}

func (x *xmlWriter) tag(depth int, name string, attrs []string, end string) {
	for range depth {
		x.w.WriteString("    ")
	}
	x.w.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.w.WriteString(" " + attrs[i] + `="`)
		_ = xml.EscapeText(x.w, []byte(attrs[i+1])) // a bufio.Writer keeps its first error for Flush
		x.w.WriteByte('"')
	}
	x.w.WriteString(end + "\n")
}

func (x *xmlWriter) open(depth int, name string, attrs ...string)  { x.tag(depth, name, attrs, ">") }
func (x *xmlWriter) empty(depth int, name string, attrs ...string) { x.tag(depth, name, attrs, " />") }
func (x *xmlWriter) close(depth int, name string)                  { x.line(depth, "</"+name+">") }
