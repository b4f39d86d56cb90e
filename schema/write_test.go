package schema_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/schema"
)

func roundTrip(t *testing.T, s *schema.Service) *schema.Service {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, s.WriteEDMX(&buf))
	back, err := schema.Parse(&buf)
	require.NoError(t, err)
	return back
}

func TestWriteEDMXRoundTrip(t *testing.T) {
	t.Parallel()
	modified := realService(t).Clone()
	modified.Source = "test source <&\"'>\nline two"
	for i := range modified.EntityTypes {
		for j := range modified.EntityTypes[i].Properties {
			p := &modified.EntityTypes[i].Properties[j]
			p.ReadOnly = p.Key || p.Name == "lastModifiedDateTime"
		}
	}
	inv, _ := modified.EntityType("salesInvoice")
	post, _ := inv.Action("post")
	post.Parameters = []schema.Parameter{{Name: "force", Type: "Edm.Boolean"}, {Name: "lines", Type: "Collection(Edm.String)", Nullable: true}}
	post.ReturnType = "Microsoft.NAV.salesInvoice"
	modified.EnumTypes[0].Flags = true
	modified.EnumTypes[0].Description = "an enum's <description>"
	inv.Description = "a type's description"
	inv.Properties[1].Description = "a property's description & more"
	inv.Properties[0].Description = "a key's description" // read-only too: both annotations
	modified.EntitySets[0].ChangeTracking = true

	tests := []struct {
		name string
		svc  *schema.Service
	}{
		{"v26 metadata as parsed", realService(t)},
		{"with read-only flags, source, parameters, flags, descriptions", modified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.svc, roundTrip(t, tt.svc))
		})
	}
}

func TestWriteEDMXLayout(t *testing.T) {
	t.Parallel()
	s, err := schema.Parse(strings.NewReader(doc(okType + `<EnumType Name="blocked"><Member Name="_x0020_" Value="0" /></EnumType>` +
		`<EntityContainer Name="NAV"><EntitySet Name="items" EntityType="Microsoft.NAV.item" /></EntityContainer>`)))
	require.NoError(t, err)
	s.EntityTypes[0].Properties[0].ReadOnly = true
	var buf bytes.Buffer
	require.NoError(t, s.WriteEDMX(&buf))
	require.Equal(t, `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
    <edmx:DataServices>
        <Schema Namespace="Microsoft.NAV" xmlns="http://docs.oasis-open.org/odata/ns/edm">
            <EntityType Name="item">
                <Key>
                    <PropertyRef Name="id" />
                </Key>
                <Property Name="id" Type="Edm.Guid" Nullable="false">
                    <Annotation Term="Org.OData.Core.V1.Computed" Bool="true" />
                </Property>
            </EntityType>
            <EnumType Name="blocked">
                <Member Name="_x0020_" Value="0" />
            </EnumType>
            <EntityContainer Name="NAV">
                <EntitySet Name="items" EntityType="Microsoft.NAV.item">
                    <Annotation Term="Org.OData.Capabilities.V1.ChangeTracking">
                        <Record>
                            <PropertyValue Property="Supported" Bool="false" />
                        </Record>
                    </Annotation>
                    <Annotation Term="Org.OData.Capabilities.V1.DeleteRestrictions">
                        <Record>
                            <PropertyValue Property="Deletable" Bool="true" />
                        </Record>
                    </Annotation>
                    <Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions">
                        <Record>
                            <PropertyValue Property="Insertable" Bool="true" />
                        </Record>
                    </Annotation>
                    <Annotation Term="Org.OData.Capabilities.V1.UpdateRestrictions">
                        <Record>
                            <PropertyValue Property="Updatable" Bool="true" />
                        </Record>
                    </Annotation>
                    <Annotation Term="Org.OData.Capabilities.V1.SortRestrictions">
                        <Record>
                            <PropertyValue Property="Sortable" Bool="true" />
                        </Record>
                    </Annotation>
                </EntitySet>
            </EntityContainer>
        </Schema>
    </edmx:DataServices>
</edmx:Edmx>
`, buf.String())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteEDMXReportsWriteErrors(t *testing.T) {
	t.Parallel()
	require.EqualError(t, realService(t).WriteEDMX(failingWriter{}), "disk full")
}
