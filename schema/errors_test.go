package schema_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/schema"
)

// doc wraps schema content in the EDMX envelope BC uses.
func doc(content string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="Microsoft.NAV" xmlns="http://docs.oasis-open.org/odata/ns/edm">
` + content + `
</Schema>
</edmx:DataServices>
</edmx:Edmx>`
}

const okType = `<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.Guid" Nullable="false" /></EntityType>`

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc, want string
	}{
		{"empty", ``, "not an EDMX document: no edmx:Edmx element"},
		{"not xml", `{"value":[]}`, "not an EDMX document"},
		{"bad xml", `<edmx:Edmx Version="4.0"><a></b>`, "schema: XML syntax error on line 1"},
		{"wrong root", `<html><body/></html>`, "line 1: <html>: not an EDMX document"},
		{"version", `<edmx:Edmx Version="3.0" xmlns:edmx="x"></edmx:Edmx>`, `unsupported EDMX version "3.0"`},
		{"truncated", doc(okType)[:200], "XML syntax error"},
		{"unclosed element", strings.Replace(doc(okType), "</Schema>", "", 1), "XML syntax error"},
		{"no schema", `<edmx:Edmx Version="4.0" xmlns:edmx="x"><edmx:DataServices/></edmx:Edmx>`, "no Schema element"},
		{"two roots", doc(okType) + `<edmx:Edmx Version="4.0"/>`, "content after the root element"},
		{"bad namespace", strings.Replace(doc(okType), `Namespace="Microsoft.NAV"`, `Namespace="Microsoft..NAV"`, 1), `line 4: Schema: invalid Namespace "Microsoft..NAV"`},
		{"second namespace", strings.Replace(doc(okType), "</edmx:DataServices>", `<Schema Namespace="Other" /></edmx:DataServices>`, 1), `a second namespace "Other"`},
		{"no key", doc(`<EntityType Name="item"><Property Name="id" Type="Edm.Guid" /></EntityType>`), `line 5: EntityType "item": no Key`},
		{"key not a property", doc(`<EntityType Name="item"><Key><PropertyRef Name="no" /></Key><Property Name="id" Type="Edm.Guid" /></EntityType>`), `key property "no" is not a property`},
		{"duplicate property", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.Guid" /><Property Name="id" Type="Edm.String" /></EntityType>`), `duplicate property "id"`},
		{"bad property name", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.Guid" /><Property Name="a b" Type="Edm.String" /></EntityType>`), `property "a b": invalid Name`},
		{"bad max length", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" MaxLength="-1" /></EntityType>`), `property "id": attribute MaxLength: invalid number "-1"`},
		{"bad nullable", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="maybe" /></EntityType>`), `attribute Nullable: invalid boolean "maybe"`},
		{"unknown edm type", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.Geography" /></EntityType>`), `schema: line 5: EntityType "item": property "id": unsupported type "Edm.Geography"`},
		{"unknown enum", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Microsoft.NAV.nope" /></EntityType>`), `unknown type "Microsoft.NAV.nope"`},
		{"foreign namespace", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Other.x" /></EntityType>`), `invalid Type "Other.x"`},
		{"bad collection", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Collection(Edm.String" /></EntityType>`), `invalid Type "Collection(Edm.String"`},
		{"unknown nav target", doc(okType + `<EntityType Name="order"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.Guid" /><NavigationProperty Name="x" Type="Microsoft.NAV.nope" /></EntityType>`), `navigation property "x": unknown entity type "nope"`},
		{"inheritance", doc(`<EntityType Name="item" BaseType="Microsoft.NAV.base"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.Guid" /></EntityType>`), "type inheritance is not supported"},
		{"duplicate type", doc(okType + okType), `duplicate entity type "item"`},
		{"type name clash", doc(okType + `<EnumType Name="item"><Member Name="A" Value="0" /></EnumType>`), `enum type "item" has the name of entity type "item"`},
		{"bad enum value", doc(`<EnumType Name="e"><Member Name="A" Value="x" /></EnumType>`), `line 5: EnumType "e": member "A": invalid Value "x"`},
		{"duplicate member", doc(`<EnumType Name="e"><Member Name="A" Value="0" /><Member Name="A" Value="1" /></EnumType>`), `duplicate member "A"`},
		{"unknown set type", doc(okType + `<EntityContainer Name="NAV"><EntitySet Name="items" EntityType="Microsoft.NAV.itemz" /></EntityContainer>`), `EntitySet "items": EntityType "Microsoft.NAV.itemz" is not an entity type`},
		{"duplicate set", doc(okType + `<EntityContainer Name="NAV"><EntitySet Name="items" EntityType="Microsoft.NAV.item" /><EntitySet Name="items" EntityType="Microsoft.NAV.item" /></EntityContainer>`), `duplicate entity set "items"`},
		{"bad capability", doc(okType + `<EntityContainer Name="NAV"><EntitySet Name="items" EntityType="Microsoft.NAV.item"><Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions"><Record><PropertyValue Property="Insertable" Bool="nope" /></Record></Annotation></EntitySet></EntityContainer>`), `InsertRestrictions/Insertable: invalid boolean "nope"`},
		{"two containers", doc(okType + `<EntityContainer Name="A" /><EntityContainer Name="B" />`), "a second entity container"},
		{"action without binding", doc(okType + `<Action Name="post" IsBound="true" />`), `Action "post": bound action without a binding parameter`},
		{"action on unknown type", doc(okType + `<Action Name="post" IsBound="true"><Parameter Name="bindingParameter" Type="Microsoft.NAV.nope" /></Action>`), `binding parameter type "Microsoft.NAV.nope" is not an entity type`},
		{"action bound twice", doc(okType + `<Action Name="post" IsBound="true"><Parameter Name="b" Type="Microsoft.NAV.item" /></Action><Action Name="post" IsBound="true"><Parameter Name="b" Type="Microsoft.NAV.item" /></Action>`), `bound twice to "item"`},
		{"alternate key not a property", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.Guid" /><Annotation Term="OData.Community.Keys.V1.AlternateKeys"><Collection><Record><PropertyValue Property="Key"><Collection><Record><PropertyValue Property="Name" PropertyPath="nope" /></Record></Collection></PropertyValue></Record></Collection></Annotation></EntityType>`), `AlternateKeys: "nope" is not a property`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := schema.Parse(strings.NewReader(tt.doc))
			require.Error(t, err)
			require.Nil(t, s)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseTolerates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		doc   string
		check func(t *testing.T, s *schema.Service)
	}{
		{"unknown elements and unbound actions", doc(okType + `<Function Name="f" /><Term Name="t" Type="Edm.String" /><Action Name="u" IsBound="false" />`),
			func(t *testing.T, s *schema.Service) {
				require.Len(t, s.EntityTypes, 1)
				require.Empty(t, s.EntityTypes[0].Actions)
			}},
		{"member values default to ordinals", doc(`<EnumType Name="e"><Member Name="A" /><Member Name="B" /></EnumType>`),
			func(t *testing.T, s *schema.Service) {
				require.Equal(t, []schema.EnumMember{{Name: "A", Value: 0}, {Name: "B", Value: 1}}, s.EnumTypes[0].Members)
			}},
		{"max length max", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" MaxLength="max" /></EntityType>`),
			func(t *testing.T, s *schema.Service) { require.Zero(t, s.EntityTypes[0].Properties[0].MaxLength) }},
		{"computed inline and out of line", doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key>` +
			`<Property Name="id" Type="Edm.Guid"><Annotation Term="Org.OData.Core.V1.Computed" /></Property>` +
			`<Property Name="a" Type="Edm.String" /><Property Name="b" Type="Edm.String" /><Property Name="c" Type="Edm.String"><Annotation Term="Core.Computed" Bool="false" /></Property></EntityType>` +
			`<Annotations Target="Microsoft.NAV.item/a"><Annotation Term="Org.OData.Core.V1.Permissions" EnumMember="Org.OData.Core.V1.Permission/Read" /></Annotations>` +
			`<Annotations Target="Microsoft.NAV.item/nope"><Annotation Term="Org.OData.Core.V1.Computed" /></Annotations>`),
			func(t *testing.T, s *schema.Service) {
				var ro []bool
				for _, p := range s.EntityTypes[0].Properties {
					ro = append(ro, p.ReadOnly)
				}
				require.Equal(t, []bool{true, true, false, false}, ro)
			}},
		{"out of line capabilities", doc(okType + `<EntityContainer Name="C"><EntitySet Name="items" EntityType="Microsoft.NAV.item" /></EntityContainer>` +
			`<Annotations Target="Microsoft.NAV.C/items"><Annotation Term="Capabilities.DeleteRestrictions"><Record><PropertyValue Property="Deletable" Bool="false" /></Record></Annotation></Annotations>`),
			func(t *testing.T, s *schema.Service) {
				require.Equal(t, schema.EntitySet{Name: "items", EntityType: "item", Insertable: true, Updatable: true, Sortable: true}, s.EntitySets[0])
			}},
		{"numeric member names of extensions", doc(`<EnumType Name="idysSourceDocumentType"><Member Name="0" Value="0" /></EnumType>`),
			func(t *testing.T, s *schema.Service) { require.Equal(t, "0", s.EnumTypes[0].Members[0].Name) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := schema.Parse(strings.NewReader(tt.doc))
			require.NoError(t, err)
			tt.check(t, s)
		})
	}
}
