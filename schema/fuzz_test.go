package schema_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/bcsdk/bc/internal/realbc"
	"github.com/bcsdk/bc/schema"
)

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives WriteEDMX and a second Parse unchanged.
func FuzzParse(f *testing.F) {
	f.Add(excerpt(f, "generalLedgerEntry", "account", "journal", "entityMetadata"))
	f.Add([]byte(doc(okType)))
	f.Add([]byte(doc(okType + `<EnumType Name="e" IsFlags="true"><Member Name="_x0020_" /></EnumType>` +
		`<ComplexType Name="c"><Property Name="p" Type="Collection(Microsoft.NAV.e)" /></ComplexType>` +
		`<Action Name="go" IsBound="true"><Parameter Name="b" Type="Microsoft.NAV.item" /><Parameter Name="n" Type="Edm.Int32" /><ReturnType Type="Edm.String" /></Action>` +
		`<EntityContainer Name="NAV"><EntitySet Name="items" EntityType="Microsoft.NAV.item" /></EntityContainer>` +
		`<Annotations Target="Microsoft.NAV.item/id"><Annotation Term="Core.Computed" /></Annotations>`)))
	f.Add([]byte(`<edmx:Edmx Version="4.0"><edmx:DataServices><Schema Namespace="N"/></edmx:DataServices></edmx:Edmx>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := schema.Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := s.WriteEDMX(&buf); err != nil {
			t.Fatalf("WriteEDMX: %v", err)
		}
		back, err := schema.Parse(&buf)
		if err != nil {
			t.Fatalf("Parse(WriteEDMX(s)): %v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(s, back) {
			t.Fatalf("round trip changed the model:\n%+v\n%+v", s, back)
		}
	})
}

// excerpt renders a part of the real metadata holding only the named entity
// types: the whole document is too large a seed for the fuzzer to minimise.
func excerpt(f *testing.F, types ...string) []byte {
	full, err := schema.Parse(bytes.NewReader(realbc.Read(f, realbc.Metadata)))
	if err != nil {
		f.Fatal(err)
	}
	keep := map[string]bool{}
	for _, name := range types {
		keep[name] = true
	}
	s := &schema.Service{Namespace: full.Namespace, Container: full.Container, ComplexTypes: full.ComplexTypes}
	for _, t := range full.Clone().EntityTypes {
		if !keep[t.Name] {
			continue
		}
		for _, p := range t.Properties {
			if e, ok := full.EnumType(p.EnumName()); ok && !keep[e.Name] {
				keep[e.Name] = true
				s.EnumTypes = append(s.EnumTypes, *e)
			}
		}
		navs := t.Navigation[:0]
		for _, n := range t.Navigation {
			if keep[n.Type] {
				navs = append(navs, n)
			}
		}
		t.Navigation = navs
		s.EntityTypes = append(s.EntityTypes, t)
	}
	for _, set := range full.EntitySets {
		if keep[set.EntityType] {
			s.EntitySets = append(s.EntitySets, set)
		}
	}
	var buf bytes.Buffer
	if err := s.WriteEDMX(&buf); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}
