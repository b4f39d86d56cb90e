package entities

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Record is embedded in every entity model. It keeps what the declared
// properties cannot hold:
//
//   - Extra: the properties BC sent that the model does not declare — a
//     newer BC version's (purchaseInvoices' paymentTermsId after v26) or an
//     extension's. The SDK's Create, Update and Patch send them back, so a
//     user on a newer BC can read and write them before the models are
//     regenerated (see cmd/bcgen).
//   - the entity as it was read, so that bc's Update sends only the
//     properties changed since.
//
// A custom model gets the same by embedding Record with `json:"-"` and
// decoding through DecodeRecord in its UnmarshalJSON.
type Record struct {
	// Extra holds undeclared properties by wire name, as raw JSON.
	Extra map[string]json.RawMessage
	read  json.RawMessage
}

// ReadJSON returns the entity as BC sent it, or nil for a model built in code.
func (r Record) ReadJSON() json.RawMessage { return r.read }

// DecodeRecord decodes data into model — a pointer to the model's struct
// converted to a type without UnmarshalJSON, as generated:
//
//	func (m *Item) UnmarshalJSON(b []byte) error {
//		type plain Item
//		return entities.DecodeRecord(b, (*plain)(m), &m.Record)
//	}
//
// and keeps data and the undeclared properties in r. Instance annotations
// ("@odata.context", "x@odata.type") that the model does not declare are
// not kept: they are not properties and BC refuses them on write.
func DecodeRecord(data []byte, model any, r *Record) error {
	if err := json.Unmarshal(data, model); err != nil {
		return err
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil // null
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	known := jsonNames(reflect.TypeOf(model).Elem())
	r.Extra = nil
	for name, raw := range all {
		if known[name] || strings.Contains(name, "@") {
			continue
		}
		if r.Extra == nil {
			r.Extra = map[string]json.RawMessage{}
		}
		r.Extra[name] = raw
	}
	r.read = bytes.Clone(data)
	return nil
}

var namesCache sync.Map // reflect.Type → map[string]bool

// jsonNames returns the JSON names of t's fields, through embedded structs.
func jsonNames(t reflect.Type) map[string]bool {
	if n, ok := namesCache.Load(t); ok {
		return n.(map[string]bool)
	}
	names := map[string]bool{}
	addJSONNames(t, names)
	actual, _ := namesCache.LoadOrStore(t, names)
	return actual.(map[string]bool)
}

func addJSONNames(t reflect.Type, names map[string]bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			addJSONNames(sf.Type, names)
			continue
		}
		if name == "" {
			name = sf.Name
		}
		names[name] = true
	}
}
