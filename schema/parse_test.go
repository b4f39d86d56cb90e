package schema_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/internal/realbc"
	"github.com/bcsdk/bc/schema"
)

var (
	realOnce sync.Once
	realSvc  *schema.Service
	realErr  error
)

// realService parses the v26 metadata once; tests must not modify the result.
func realService(t *testing.T) *schema.Service {
	t.Helper()
	doc := realbc.Read(t, realbc.Metadata)
	realOnce.Do(func() { realSvc, realErr = schema.Parse(bytes.NewReader(doc)) })
	require.NoError(t, realErr)
	return realSvc
}

func TestParseRealMetadataCounts(t *testing.T) {
	t.Parallel()
	s := realService(t)
	actions := 0
	for _, et := range s.EntityTypes {
		actions += len(et.Actions)
	}
	require.Equal(t, "Microsoft.NAV", s.Namespace)
	require.Equal(t, "NAV", s.Container)
	require.Empty(t, s.Source)
	require.Len(t, s.EntitySets, 87)
	require.Len(t, s.EntityTypes, 87)
	require.Len(t, s.EnumTypes, 35)
	require.Len(t, s.ComplexTypes, 4)
	require.Equal(t, 21, actions)
	for i := 1; i < len(s.EntitySets); i++ {
		require.Less(t, s.EntitySets[i-1].Name, s.EntitySets[i].Name, "entity sets sorted by name")
	}
	for i := 1; i < len(s.EntityTypes); i++ {
		require.Less(t, s.EntityTypes[i-1].Name, s.EntityTypes[i].Name, "entity types sorted by name")
	}
}

func TestParseRealMetadataSets(t *testing.T) {
	t.Parallel()
	s := realService(t)
	tests := []struct {
		set                                      string
		entityType                               string
		insertable, updatable, deletable, sorted bool
		key                                      []string
		lastModified                             bool
		actions                                  []string
	}{
		{"generalLedgerEntries", "generalLedgerEntry", false, false, false, true, []string{"id"}, true, nil},
		{"salesInvoices", "salesInvoice", true, true, true, true, []string{"id"}, true,
			[]string{"cancel", "cancelAndSend", "makeCorrectiveCreditMemo", "post", "postAndSend", "send"}},
		{"customers", "customer", true, true, true, true, []string{"id"}, true, nil},
		{"companies", "company", false, false, false, true, []string{"id"}, false, nil},
		{"subscriptions", "subscriptions", true, true, true, false, []string{"subscriptionId"}, true, nil},
		{"dimensionSetLines", "dimensionSetLine", true, true, true, true, []string{"id"}, false, nil},
		{"customerSales", "customerSale", false, false, false, false, []string{"customerId", "customerNumber", "name"}, false, nil},
		{"journals", "journal", true, true, true, true, []string{"id"}, true, []string{"post"}},
		{"entityDefinitions", "entityMetadata", true, true, true, true, []string{"entityName"}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.set, func(t *testing.T) {
			t.Parallel()
			set, ok := s.EntitySet(tt.set)
			require.True(t, ok)
			require.Equal(t, schema.EntitySet{
				Name: tt.set, EntityType: tt.entityType,
				Insertable: tt.insertable, Updatable: tt.updatable, Deletable: tt.deletable, Sortable: tt.sorted,
			}, *set)
			typ := s.TypeOf(set)
			require.NotNil(t, typ)
			require.Equal(t, tt.key, typ.Key)
			for _, k := range tt.key {
				p, ok := typ.Property(k)
				require.True(t, ok)
				require.True(t, p.Key)
				require.False(t, p.ReadOnly, "Parse takes read-only flags from the document only")
			}
			require.Equal(t, tt.lastModified, typ.HasLastModified())
			var names []string
			for _, a := range typ.Actions {
				names = append(names, a.Name)
				require.Empty(t, a.Parameters)
				require.Empty(t, a.ReturnType)
			}
			require.Equal(t, tt.actions, names)
		})
	}
}

func TestParseGeneralLedgerEntry(t *testing.T) {
	t.Parallel()
	typ, ok := realService(t).EntityType("generalLedgerEntry")
	require.True(t, ok)
	str := func(name string, max int) schema.Property {
		return schema.Property{Name: name, Type: "Edm.String", Nullable: true, MaxLength: max}
	}
	dec := func(name string) schema.Property {
		return schema.Property{Name: name, Type: "Edm.Decimal", Nullable: true, Scale: "Variable"}
	}
	require.Equal(t, []schema.Property{
		{Name: "id", Type: "Edm.Guid", Key: true},
		{Name: "entryNumber", Type: "Edm.Int32", Nullable: true},
		{Name: "postingDate", Type: "Edm.Date", Nullable: true},
		str("documentNumber", 20),
		{Name: "documentType", Type: "Microsoft.NAV.genJournalDocumentType", Kind: schema.Enum, Nullable: true},
		{Name: "accountId", Type: "Edm.Guid", Nullable: true},
		str("accountNumber", 20),
		str("description", 100),
		dec("debitAmount"), dec("creditAmount"),
		dec("additionalCurrencyDebitAmount"), dec("additionalCurrencyCreditAmount"),
		{Name: "lastModifiedDateTime", Type: "Edm.DateTimeOffset", Nullable: true},
	}, typ.Properties)
	require.Equal(t, []schema.NavigationProperty{
		{Name: "account", Type: "account", ContainsTarget: true,
			Constraints: []schema.ReferentialConstraint{{Property: "accountId", ReferencedProperty: "id"}}},
		{Name: "attachments", Type: "attachment", Collection: true, ContainsTarget: true, Partner: "generalLedgerEntry",
			Constraints: []schema.ReferentialConstraint{{Property: "id", ReferencedProperty: "parentId"}}},
		{Name: "dimensionSetLines", Type: "dimensionSetLine", Collection: true, ContainsTarget: true, Partner: "generalLedgerEntry",
			Constraints: []schema.ReferentialConstraint{{Property: "id", ReferencedProperty: "parentId"}}},
	}, typ.Navigation)
	p, ok := typ.Property("documentType")
	require.True(t, ok)
	require.True(t, p.IsEnum())
	require.Equal(t, "genJournalDocumentType", p.EnumName())
	require.Empty(t, typ.StreamProperties())
}

func TestParseOtherTypes(t *testing.T) {
	t.Parallel()
	s := realService(t)

	inv, ok := s.EntityType("salesInvoice")
	require.True(t, ok)
	lines, ok := inv.NavigationProperty("salesInvoiceLines")
	require.True(t, ok)
	require.Equal(t, schema.NavigationProperty{
		Name: "salesInvoiceLines", Type: "salesInvoiceLine", Collection: true, ContainsTarget: true, Partner: "salesInvoice",
		Constraints: []schema.ReferentialConstraint{{Property: "id", ReferencedProperty: "documentId"}},
	}, *lines)
	pdf, ok := inv.NavigationProperty("pdfDocument")
	require.True(t, ok)
	require.False(t, pdf.Collection)

	sub, ok := s.EntityType("subscriptions")
	require.True(t, ok)
	id, ok := sub.Property("subscriptionId")
	require.True(t, ok)
	require.Equal(t, schema.Property{Name: "subscriptionId", Type: "Edm.String", MaxLength: 150, Key: true}, *id)

	dsl, ok := s.EntityType("dimensionSetLine")
	require.True(t, ok)
	require.Len(t, dsl.Properties, 10)
	require.Len(t, dsl.Navigation, 23)
	parentType, ok := dsl.Property("parentType")
	require.True(t, ok)
	require.Equal(t, "dimensionSetEntryBufferParentType", parentType.EnumName())
	code, ok := dsl.Property("code")
	require.True(t, ok)
	require.Equal(t, schema.Property{Name: "code", Type: "Edm.String", MaxLength: 20}, *code)

	company, ok := s.EntityType("company")
	require.True(t, ok)
	require.Equal(t, [][]string{{"businessProfileId"}, {"name"}}, company.AlternateKeys)

	picture, ok := s.EntityType("picture")
	require.True(t, ok)
	require.Equal(t, []schema.Property{{Name: "pictureContent", Type: "Edm.Stream", Nullable: true}}, picture.StreamProperties())

	meta, ok := s.EntityType("entityMetadata")
	require.True(t, ok)
	captions, ok := meta.Property("entityCaptions")
	require.True(t, ok)
	require.Equal(t, schema.Property{Name: "entityCaptions", Type: "Microsoft.NAV.entityMetadataLabel", Kind: schema.Complex, Collection: true, Nullable: true}, *captions)
	require.True(t, captions.IsComplex())
}

func TestParseRealEnums(t *testing.T) {
	t.Parallel()
	s := realService(t)
	tests := []struct {
		name    string
		members []schema.EnumMember
	}{
		{"genJournalDocumentType", []schema.EnumMember{
			{Name: "_x0020_", Value: 0}, {Name: "Payment", Value: 1}, {Name: "Invoice", Value: 2},
			{Name: "Credit_x0020_Memo", Value: 3}, {Name: "Finance_x0020_Charge_x0020_Memo", Value: 4},
			{Name: "Reminder", Value: 5}, {Name: "Refund", Value: 6},
		}},
		{"glAccountType", []schema.EnumMember{
			{Name: "Posting", Value: 0}, {Name: "Heading", Value: 1}, {Name: "Total", Value: 2},
			{Name: "Begin_x002D_Total", Value: 3}, {Name: "End_x002D_Total", Value: 4},
		}},
		{"jobQueuePriority", []schema.EnumMember{{Name: "High", Value: 1000}, {Name: "Normal", Value: 2000}, {Name: "Low", Value: 3000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, ok := s.EnumType(tt.name)
			require.True(t, ok)
			require.Equal(t, schema.EnumType{Name: tt.name, Members: tt.members}, *e)
		})
	}
	e, _ := s.EnumType("genJournalDocumentType")
	m, ok := e.Member("Credit_x0020_Memo")
	require.True(t, ok)
	require.Equal(t, "Credit Memo", m.Label())
}

func TestCompanySets(t *testing.T) {
	t.Parallel()
	s := realService(t)
	sets := s.CompanySets()
	require.Len(t, sets, 81)
	names := map[string]bool{}
	for _, set := range sets {
		names[set.Name] = true
	}
	for _, name := range []string{"customers", "generalLedgerEntries", "salesInvoices", "salesInvoiceLines", "dimensionSetLines", "generalLedgerSetup"} {
		require.True(t, names[name], name)
	}
	for _, name := range []string{"companies", "subscriptions", "entityDefinitions", "apicategoryroutes", "externaleventsubscriptions", "externalbusinesseventdefinitions"} {
		require.False(t, names[name], name)
	}

	require.Empty(t, (&schema.Service{}).CompanySets())
}

func TestLookupsOnUnsortedService(t *testing.T) {
	t.Parallel()
	s := &schema.Service{EntitySets: []schema.EntitySet{{Name: "b"}, {Name: "a"}, {Name: "c"}}}
	for _, name := range []string{"a", "b", "c"} {
		set, ok := s.EntitySet(name)
		require.True(t, ok)
		require.Equal(t, name, set.Name)
	}
	_, ok := s.EntitySet("d")
	require.False(t, ok)
	require.Nil(t, s.TypeOf(nil))
	require.Nil(t, s.TypeOf(&s.EntitySets[0]))
}

func TestClone(t *testing.T) {
	t.Parallel()
	orig := realService(t)
	c := orig.Clone()
	require.Equal(t, orig, c)
	c.EntityTypes[0].Properties[0].ReadOnly = true
	c.EntityTypes[0].Navigation[0].Constraints = append(c.EntityTypes[0].Navigation[0].Constraints, schema.ReferentialConstraint{})
	c.EntitySets[0].Insertable = false
	require.NotEqual(t, orig, c)
	require.False(t, orig.EntityTypes[0].Properties[0].ReadOnly)
}

// TestParseDescriptions reads Core.Description on entity types, properties
// and enums, under the vocabulary's namespace or its alias, and ignores the
// annotation without a String.
func TestParseDescriptions(t *testing.T) {
	t.Parallel()
	s, err := schema.Parse(strings.NewReader(doc(`<EntityType Name="item"><Key><PropertyRef Name="id" /></Key>` +
		`<Property Name="id" Type="Edm.Guid" Nullable="false"><Annotation Term="Core.Description" String="the key" /></Property>` +
		`<Property Name="name" Type="Edm.String"><Annotation Term="Org.OData.Core.V1.Description" /></Property>` +
		`<Annotation Term="Org.OData.Core.V1.Description" String="an item" /></EntityType>` +
		`<EnumType Name="blocked"><Member Name="All" Value="0" /><Annotation Term="Core.Description" String="who is blocked" /></EnumType>`)))
	require.NoError(t, err)
	item, _ := s.EntityType("item")
	require.Equal(t, "an item", item.Description)
	require.Equal(t, "the key", item.Properties[0].Description)
	require.Empty(t, item.Properties[1].Description)
	blocked, _ := s.EnumType("blocked")
	require.Equal(t, "who is blocked", blocked.Description)
}
