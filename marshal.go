package bc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/bcsdk/bc/entities"
)

// Entity models carry their wire rules in struct tags, written by the
// generator (and by hand for custom types):
//
//	json:"<property>"              the JSON property
//	bc:"key"                       part of the entity key: in the URL of an update, in the body of a create
//	bc:"readonly"                  computed or assigned by BC; never written
//	bc:"guid"                      an Edm.Guid held in a string
//	bc:"nav"                       a navigation property; only collections, on create (deep insert)
//	bc:"media"                     a media link annotation; never written
//
// An embedded entities.Record holds the entity as read and the properties
// the model does not declare (Extra). writableJSON and entityKey read all of
// this through a per-type cache.

const zeroGUID = "00000000-0000-0000-0000-000000000000"

var (
	stringType = reflect.TypeFor[string]()
	recordType = reflect.TypeFor[entities.Record]()
)

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
	etag   int  // -1 if none
	record int  // index of the embedded entities.Record, -1 if none
	tagged bool // some field carries a bc tag: the struct is an entity model
}

var modelCache sync.Map // reflect.Type → *modelInfo

func modelOf(t reflect.Type) *modelInfo {
	if mi, ok := modelCache.Load(t); ok {
		return mi.(*modelInfo)
	}
	mi := &modelInfo{byName: map[string]int{}, etag: -1, record: -1}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Type == recordType && sf.Anonymous {
			mi.record, mi.tagged = i, true
			continue
		}
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
		if sf.Tag.Get("bc") != "" {
			mi.tagged = true
		}
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

// writeMode says which request a body is for.
type writeMode int

const (
	// writeCreate (POST): keys the client supplies, non-empty properties,
	// collection navigations with items (deep insert).
	writeCreate writeMode = iota
	// writeUpdate (PATCH of a model): the properties that differ from the
	// entity as it was read — or, for a model not read from BC, the non-empty
	// ones — or exactly the Fields named.
	writeUpdate
	// writePatch (PATCH of a value given as is): a model's non-empty writable
	// properties; anything else encoded unchanged.
	writePatch
)

// writableJSON encodes what BC may be sent for v. Values that are not
// structs (maps, raw JSON) and, for Patch, structs that are not entity
// models are encoded unchanged.
func writableJSON(v any, mode writeMode, names []string) ([]byte, error) {
	rv, ok := structValue(v)
	if !ok {
		return encodeJSON(v)
	}
	mi := modelOf(rv.Type())
	if mode == writePatch && !mi.tagged {
		return encodeJSON(v)
	}
	w := modelWriter{rv: rv, mi: mi, mode: mode}
	if err := w.prepare(names); err != nil {
		return nil, err
	}
	return w.encode()
}

// modelWriter encodes one model.
type modelWriter struct {
	rv    reflect.Value
	mi    *modelInfo
	mode  writeMode
	only  map[string]bool            // the Fields named, nil for none
	extra map[string]json.RawMessage // the Record's undeclared properties
	read  map[string]json.RawMessage // the entity as read, for an update
}

func (w *modelWriter) typeName() string { return w.rv.Type().Name() }

func (w *modelWriter) prepare(names []string) error {
	if w.mi.record >= 0 {
		rec := w.rv.Field(w.mi.record).Interface().(entities.Record)
		w.extra = rec.Extra
		if w.mode == writeUpdate && len(rec.ReadJSON()) > 0 {
			if err := json.Unmarshal(rec.ReadJSON(), &w.read); err != nil {
				return fmt.Errorf("bc: %s: the entity as read is not a JSON object: %w", w.typeName(), err)
			}
		}
	}
	for name := range w.extra {
		if i, ok := w.mi.byName[name]; ok {
			return fmt.Errorf("bc: %s.Extra holds %q, which is the declared field %s: set the field instead", w.typeName(), name, w.rv.Type().Field(w.mi.fields[i].index).Name)
		}
		if w.isMedia(name) {
			return fmt.Errorf("bc: %s.Extra holds the media %q: BC takes media content as a stream; upload it with Media(…).Upload or CreateWithMedia", w.typeName(), name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	w.only = map[string]bool{}
	for _, n := range names {
		i, ok := w.mi.byName[n]
		switch {
		case !ok && w.extra[n] == nil:
			return fmt.Errorf("bc: %s has no property %q to update", w.typeName(), n)
		case ok && (w.mi.fields[i].key || w.mi.fields[i].readOnly || w.mi.fields[i].nav || w.mi.fields[i].media):
			return fmt.Errorf("bc: property %q of %s is read-only in BC", n, w.typeName())
		}
		w.only[n] = true
	}
	return nil
}

// isMedia reports whether name is a stream property the model holds the
// read link of ("attachmentContent" for "attachmentContent@odata.mediaReadLink").
func (w *modelWriter) isMedia(name string) bool {
	i, ok := w.mi.byName[name+"@odata.mediaReadLink"]
	return ok && w.mi.fields[i].media
}

func (w *modelWriter) encode() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	add := func(name string, b []byte) {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		appendName(&buf, name)
		buf.Write(b)
	}
	for _, f := range w.mi.fields {
		b, send, err := w.property(f)
		if err != nil {
			return nil, fmt.Errorf("bc: encoding %s.%s: %w", w.typeName(), f.name, err)
		}
		if send {
			add(f.name, b)
		}
	}
	for _, name := range sortedKeys(w.extra) {
		raw := w.extra[name]
		switch {
		case w.only != nil && !w.only[name]:
			continue
		case w.only == nil && w.mode == writeUpdate && w.read != nil && jsonEqual(raw, w.read[name]):
			continue // unchanged since read
		}
		add(name, raw)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// property decides whether one declared property is sent, and encodes it.
func (w *modelWriter) property(f fieldInfo) ([]byte, bool, error) {
	if f.readOnly || f.media || f.etag || f.key && w.mode != writeCreate {
		return nil, false, nil // keys are in the URL of an update
	}
	fv := w.rv.Field(f.index)
	if f.nav {
		if w.mode != writeCreate || fv.Kind() != reflect.Slice || fv.Len() == 0 {
			return nil, false, nil
		}
		items := make([]json.RawMessage, fv.Len())
		for i := range items {
			b, err := writableJSON(fv.Index(i).Interface(), writeCreate, nil)
			if err != nil {
				return nil, false, err
			}
			items[i] = b
		}
		b, err := encodeJSON(items)
		return b, true, err
	}
	val := fv.Interface()
	if f.guid && fv.Kind() == reflect.String && fv.Len() == 0 {
		val = zeroGUID // clearing a GUID field means the empty GUID
	}
	switch {
	case w.only != nil:
		if !w.only[f.name] {
			return nil, false, nil
		}
	case fv.Kind() == reflect.String && fv.Type() != stringType && fv.Len() == 0:
		return nil, false, nil // an enum left empty: "" is never a valid member
	case w.mode == writeUpdate && w.read != nil:
		b, err := encodeJSON(val)
		if err != nil {
			return nil, false, err
		}
		base, err := w.readValue(f, fv.Type())
		if err != nil || bytes.Equal(b, base) {
			return nil, false, err
		}
		return b, true, nil
	case fv.IsZero():
		return nil, false, nil
	}
	b, err := encodeJSON(val)
	return b, true, err
}

// readValue encodes the property's value as it was read, decoded into the
// field's type so that 1000.00 and 1000 compare equal; a property the read
// did not select counts as the zero value.
func (w *modelWriter) readValue(f fieldInfo, t reflect.Type) ([]byte, error) {
	p := reflect.New(t)
	if raw, ok := w.read[f.name]; ok {
		if err := json.Unmarshal(raw, p.Interface()); err != nil {
			return nil, fmt.Errorf("the value read, %s, does not decode: %w", raw, err)
		}
	}
	if f.guid && t.Kind() == reflect.String && p.Elem().Len() == 0 {
		return encodeJSON(zeroGUID)
	}
	return encodeJSON(p.Elem().Interface())
}

func jsonEqual(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// marshalValue encodes a body given as is (Patch, Action parameters): raw
// JSON unchanged, a model as its non-empty writable properties, anything
// else with encodeJSON.
func marshalValue(v any) ([]byte, error) {
	switch b := v.(type) {
	case json.RawMessage:
		return b, nil
	case []byte:
		return b, nil
	}
	return writableJSON(v, writePatch, nil)
}
