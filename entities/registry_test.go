package entities_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

func TestRegistryCounts(t *testing.T) {
	t.Parallel()
	s := entities.Schema
	require.Equal(t, "BC online API v2.0 $metadata, server build 26.0.30643", s.Source)
	require.Len(t, s.EntitySets, 87)
	require.Len(t, s.EntityTypes, 87)
	require.Len(t, s.EnumTypes, 35)
	require.Len(t, s.ComplexTypes, 4)
	names := entities.SetNames()
	require.Len(t, names, 87)
	require.IsNonDecreasing(t, names)
	require.Len(t, s.CompanySets(), 81)
}

func TestRegistrySalesInvoices(t *testing.T) {
	t.Parallel()
	set, ok := entities.Schema.EntitySet("salesInvoices")
	require.True(t, ok)
	require.Equal(t, schema.EntitySet{Name: "salesInvoices", EntityType: "salesInvoice", Insertable: true, Updatable: true, Deletable: true, Sortable: true}, *set)
	typ := entities.Schema.TypeOf(set)
	var actions []string
	for _, a := range typ.Actions {
		actions = append(actions, a.Name)
	}
	require.Equal(t, []string{"cancel", "cancelAndSend", "makeCorrectiveCreditMemo", "post", "postAndSend", "send"}, actions)
	for name, readOnly := range map[string]bool{"id": true, "number": true, "totalAmountIncludingTax": true, "status": true, "dueDate": false, "customerId": false} {
		p, ok := typ.Property(name)
		require.True(t, ok, name)
		require.Equal(t, readOnly, p.ReadOnly, name)
	}
}

// TestEveryEntitySetHasAModel checks each of the 87 sets against its model:
// NewModel knows the set, and the struct has one field per property and
// navigation whose JSON name and bc flags agree with the registry.
func TestEveryEntitySetHasAModel(t *testing.T) {
	t.Parallel()
	for _, set := range entities.Schema.EntitySets {
		t.Run(set.Name, func(t *testing.T) {
			t.Parallel()
			model, ok := entities.NewModel(set.Name)
			require.True(t, ok)
			rt := reflect.TypeOf(model)
			require.Equal(t, reflect.Pointer, rt.Kind())
			rt = rt.Elem()
			typ := entities.Schema.TypeOf(&set)
			require.NotNil(t, typ)

			fields := map[string]reflect.StructField{}
			for i := range rt.NumField() {
				f := rt.Field(i)
				fields[strings.Split(f.Tag.Get("json"), ",")[0]] = f
			}
			etag := fields["@odata.etag"]
			require.Equal(t, "ETag", etag.Name)
			require.Equal(t, "readonly", etag.Tag.Get("bc"))
			require.Equal(t, 0, etag.Index[0], "ETag comes first")

			for _, p := range typ.Properties {
				if p.IsStream() {
					f, ok := fields[p.Name+"@odata.mediaReadLink"]
					require.True(t, ok, p.Name)
					require.Equal(t, "readonly,media", f.Tag.Get("bc"))
					continue
				}
				f, ok := fields[p.Name]
				require.True(t, ok, "no field for %s", p.Name)
				flags := "," + f.Tag.Get("bc") + ","
				require.Equal(t, p.Key, strings.Contains(flags, ",key,"), p.Name)
				require.Equal(t, p.ReadOnly, strings.Contains(flags, ",readonly,"), p.Name)
				require.Equal(t, p.Type == "Edm.Guid", strings.Contains(flags, ",guid,"), p.Name)
				require.Equal(t, p.IsEnum(), f.Type.Kind() == reflect.String && f.Type.PkgPath() != "", p.Name)
			}
			for _, n := range typ.Navigation {
				f, ok := fields[n.Name]
				require.True(t, ok, "no field for navigation %s", n.Name)
				require.Equal(t, "nav", f.Tag.Get("bc"))
				if n.Collection {
					require.Equal(t, reflect.Slice, f.Type.Kind(), n.Name)
				} else {
					require.Equal(t, reflect.Pointer, f.Type.Kind(), n.Name)
				}
			}
			require.Len(t, fields, 2+len(typ.Properties)+len(typ.Navigation), "ETag, Record, the properties and the navigation")
		})
	}
	_, ok := entities.NewModel("nope")
	require.False(t, ok)
}

func TestRegistryRoundTripsThroughEDMX(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, entities.Schema.WriteEDMX(&buf))
	back, err := schema.Parse(&buf)
	require.NoError(t, err)
	require.Equal(t, entities.Schema, back)
}

func TestEnums(t *testing.T) {
	t.Parallel()
	require.Equal(t, []entities.GLAccountType{
		entities.GLAccountTypePosting, entities.GLAccountTypeHeading, entities.GLAccountTypeTotal,
		entities.GLAccountTypeBeginTotal, entities.GLAccountTypeEndTotal,
	}, entities.GLAccountTypeValues())
	require.Equal(t, entities.GLAccountType("Begin_x002D_Total"), entities.GLAccountTypeBeginTotal)
	require.Equal(t, "Begin-Total", entities.GLAccountTypeBeginTotal.Label())
	require.Equal(t, "Credit Memo", entities.GenJournalDocumentTypeCreditMemo.Label())
	require.Equal(t, entities.GenJournalDocumentType("_x0020_"), entities.GenJournalDocumentTypeBlank)
	require.Equal(t, "None (Processing only)", entities.JobQueueReportOutputTypeNoneProcessingOnly.Label())
	require.Equal(t, "Expired", entities.SalesQuoteEntityBufferStatusExpired.Label())
	require.True(t, entities.GenJournalAccountTypeGLAccount.Valid())
	require.False(t, entities.GenJournalDocumentType("Credit Memo").Valid(), "labels are not wire values")

	// Every registry enum has its values in the package, in order.
	for _, e := range entities.Schema.EnumTypes {
		require.NotEmpty(t, e.Members, e.Name)
	}
	var wires []string
	for _, v := range entities.GenJournalDocumentTypeValues() {
		wires = append(wires, string(v))
	}
	e, _ := entities.Schema.EnumType("genJournalDocumentType")
	var want []string
	for _, m := range e.Members {
		want = append(want, m.Name)
	}
	require.Equal(t, want, wires)
}
