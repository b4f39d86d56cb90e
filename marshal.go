package bc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

// Entity models carry their wire rules in struct tags, written by the
// generator (and by hand for custom types):
//
//	json:"<property>"              the JSON property
//	bc:"key"                       part of the entity key; never written
//	bc:"readonly"                  computed by BC; never written
//	bc:"guid"                      an Edm.Guid held in a string
//	bc:"nav"                       a navigation property; only collections, on create (deep insert)
//	bc:"media"                     a media link annotation; never written
//
// writableJSON and entityKeyAndETag read them through a per-type cache.

const zeroGUID = "00000000-0000-0000-0000-000000000000"

var stringType = reflect.TypeFor[string]()

type fieldInfo struct {
	index    int
	name     string
	key      bool
	readOnly bool
	guid     bool
	nav      bool
	media    bool
	etag     bool
}

type modelInfo struct {
	fields []fieldInfo
	byName map[string]int
	keys   []int
	etag   int // -1 if none
}

var modelCache sync.Map // reflect.Type → *modelInfo

func modelOf(t reflect.Type) *modelInfo {
	if mi, ok := modelCache.Load(t); ok {
		return mi.(*modelInfo)
	}
	mi := &modelInfo{byName: map[string]int{}, etag: -1}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := fieldInfo{index: i, name: name, etag: name == "@odata.etag"}
		for _, flag := range strings.Split(sf.Tag.Get("bc"), ",") {
			switch strings.TrimSpace(flag) {
			case "key":
				f.key = true
			case "readonly":
				f.readOnly = true
			case "guid":
				f.guid = true
			case "nav":
				f.nav = true
			case "media":
				f.media = true
			}
		}
		if f.key {
			mi.keys = append(mi.keys, len(mi.fields))
		}
		if f.etag {
			mi.etag = len(mi.fields)
		}
		mi.byName[name] = len(mi.fields)
		mi.fields = append(mi.fields, f)
	}
	actual, _ := modelCache.LoadOrStore(t, mi)
	return actual.(*modelInfo)
}

func structValue(v any) (reflect.Value, bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return rv, false
		}
		rv = rv.Elem()
	}
	return rv, rv.Kind() == reflect.Struct
}

// writableJSON encodes what BC may be sent for v. Values that are not structs
// (maps, raw JSON) are encoded unchanged. For a create, empty values are left
// out so BC applies its defaults, and collection navigations with items are
// included (deep insert). For an update, only names is sent if given, else
// every writable property.
func writableJSON(v any, create bool, names []string) ([]byte, error) {
	rv, ok := structValue(v)
	if !ok {
		return json.Marshal(v)
	}
	mi := modelOf(rv.Type())
	var only map[string]bool
	if len(names) > 0 {
		only = map[string]bool{}
		for _, n := range names {
			i, ok := mi.byName[n]
			switch {
			case !ok:
				return nil, fmt.Errorf("bc: %s has no property %q to update", rv.Type().Name(), n)
			case mi.fields[i].key || mi.fields[i].readOnly || mi.fields[i].nav || mi.fields[i].media:
				return nil, fmt.Errorf("bc: property %q of %s is read-only in BC", n, rv.Type().Name())
			}
			only[n] = true
		}
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	for _, f := range mi.fields {
		if f.readOnly || f.media || f.etag || f.key && !create {
			continue // keys are in the URL of an update; a key that is not read-only is set on create
		}
		fv := rv.Field(f.index)
		var val any
		switch {
		case f.nav:
			if !create || fv.Kind() != reflect.Slice || fv.Len() == 0 {
				continue
			}
			items := make([]json.RawMessage, fv.Len())
			for i := range items {
				b, err := writableJSON(fv.Index(i).Interface(), true, nil)
				if err != nil {
					return nil, err
				}
				items[i] = b
			}
			val = items
		case only != nil:
			if !only[f.name] {
				continue
			}
			val = fv.Interface()
			if f.guid && fv.Kind() == reflect.String && fv.Len() == 0 {
				val = zeroGUID // clearing a GUID field means the empty GUID
			}
		case create:
			if fv.IsZero() {
				continue
			}
			val = fv.Interface()
		default:
			if fv.Kind() == reflect.String && fv.Type() != stringType && fv.Len() == 0 {
				continue // an enum left empty: "" is never a valid member
			}
			val = fv.Interface()
			if f.guid && fv.Kind() == reflect.String && fv.Len() == 0 {
				val = zeroGUID
			}
		}
		b, err := marshalValue(val)
		if err != nil {
			return nil, fmt.Errorf("bc: encoding %s.%s: %w", rv.Type().Name(), f.name, err)
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		nb, _ := json.Marshal(f.name)
		buf.Write(nb)
		buf.WriteByte(':')
		buf.Write(b)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// marshalValue encodes one property value. Decimals are written as JSON
// numbers, as BC sends and expects Edm.Decimal, never as quoted strings.
func marshalValue(v any) ([]byte, error) {
	if d, ok := v.(decimal.Decimal); ok {
		return []byte(d.String()), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// entityKeyAndETag reads the key (the `bc:"key"` fields; several make a
// composite key "a=…,b=…") and @odata.etag of a model.
func entityKeyAndETag(v any) (key, etag string, err error) {
	rv, ok := structValue(v)
	if !ok {
		return "", "", errors.New("bc: Update needs an entity struct with `bc:\"key\"` fields; use Patch for maps")
	}
	mi := modelOf(rv.Type())
	if len(mi.keys) == 0 {
		return "", "", fmt.Errorf("bc: %s has no field tagged `bc:\"key\"`; use Patch", rv.Type().Name())
	}
	if mi.etag >= 0 {
		etag = rv.Field(mi.fields[mi.etag].index).String()
	}
	if len(mi.keys) == 1 {
		f := mi.fields[mi.keys[0]]
		key = fmt.Sprint(rv.Field(f.index).Interface())
		if key == "" {
			return "", "", fmt.Errorf("bc: %s.%s (the key) is empty: read the entity first", rv.Type().Name(), f.name)
		}
		return key, etag, nil
	}
	return "", "", fmt.Errorf("bc: %s has a composite key; address it with Patch and a key segment", rv.Type().Name())
}
