package bc

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

// TestEveryModelRoundTripsABCShapedEntity builds, for each of the 87 entity
// sets, an entity the way BC sends it — every property of the type present,
// each with a value of its EDM type in BC's wire form (decimals as JSON
// numbers with a fraction, GUIDs lower-case, dates and the 0001-01-01 blank,
// enum members with their _x0020_ escapes, complex values as objects) — and
// checks that decoding it into the set's model and encoding the model with
// the client's request encoder gives back exactly the same properties and
// values. A field of the wrong Go type,
// a wrong JSON name, or a value the model cannot carry fails here.
func TestEveryModelRoundTripsABCShapedEntity(t *testing.T) {
	t.Parallel()
	s := entities.Schema
	for _, set := range s.EntitySets {
		t.Run(set.Name, func(t *testing.T) {
			t.Parallel()
			typ := s.TypeOf(&set)
			entity := sampleObject(t, s, typ.Properties)
			wire, err := json.Marshal(entity)
			require.NoError(t, err)

			model, ok := entities.NewModel(set.Name)
			require.True(t, ok)
			require.NoError(t, json.Unmarshal(wire, model), "decoding %s", wire)
			back, err := encodeJSON(model)
			require.NoError(t, err)

			var got map[string]any
			require.NoError(t, json.Unmarshal(back, &got))
			var want map[string]any
			require.NoError(t, json.Unmarshal(wire, &want))
			for name := range got {
				if _, sent := want[name]; !sent && isZero(got[name]) {
					delete(got, name) // a navigation or a media link the entity did not carry
				}
			}
			require.Equal(t, want, got, "%s: model %T", set.Name, model)
		})
	}
}

// sampleObject gives each property a value in BC's wire form. Values vary with
// the property's position so that two fields swapped in the model would show.
func sampleObject(t *testing.T, s *schema.Service, props []schema.Property) map[string]any {
	t.Helper()
	obj := make(map[string]any, len(props))
	for i, p := range props {
		if p.IsStream() {
			obj[p.Name+"@odata.mediaReadLink"] = fmt.Sprintf("https://api.businesscentral.dynamics.com/v2.0/production/api/v2.0/companies(1)/x(2)/%s", p.Name)
			continue
		}
		v := sampleValue(t, s, p, i)
		if p.Collection {
			v = []any{v}
		}
		obj[p.Name] = v
	}
	return obj
}

func sampleValue(t *testing.T, s *schema.Service, p schema.Property, i int) any {
	t.Helper()
	local := p.Type[strings.LastIndex(p.Type, ".")+1:]
	switch {
	case p.IsEnum():
		enum, ok := s.EnumType(local)
		require.True(t, ok, "enum %s of %s", p.Type, p.Name)
		for _, m := range enum.Members {
			if strings.Contains(m.Name, "_x0020_") {
				return m.Name
			}
		}
		return enum.Members[len(enum.Members)-1].Name
	case p.IsComplex():
		ct, ok := s.ComplexType(local)
		require.True(t, ok, "complex type %s of %s", p.Type, p.Name)
		return sampleObject(t, s, ct.Properties)
	}
	switch p.Type {
	case "Edm.Guid":
		return fmt.Sprintf("33c285a5-f12b-f011-9a4a-%012x", 0x7c1e5275406f+i)
	case "Edm.String":
		return fmt.Sprintf("Piasta przednia <%d> & \"zażółć\"", i)
	case "Edm.Decimal", "Edm.Double", "Edm.Single":
		return json.Number(fmt.Sprintf("%d.25", 1000+i))
	case "Edm.Int32", "Edm.Int64", "Edm.Int16", "Edm.Byte":
		return json.Number(fmt.Sprint(10000 + i))
	case "Edm.Boolean":
		return i%2 == 0
	case "Edm.Date":
		if i%2 == 0 {
			return "0001-01-01" // BC's blank date
		}
		return fmt.Sprintf("2025-05-%02d", 1+i%28)
	case "Edm.DateTimeOffset":
		return fmt.Sprintf("2025-05-08T10:%02d:12.345Z", i%60)
	}
	t.Fatalf("%s: no sample for type %s", p.Name, p.Type)
	return nil
}

// isZero reports whether an encoded value carries nothing: what a model
// writes for a field the entity did not have.
func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}
