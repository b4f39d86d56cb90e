package bc

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

// encodeJSON is the one encoder of every request body: single requests,
// batch operations, deep inserts and action parameters. It follows
// encoding/json's rules (struct tags, omitempty, embedded structs,
// json.Marshaler) with one exception: decimals are written as JSON numbers
// (12.5), as BC sends and expects Edm.Decimal, never as the quoted strings
// shopspring/decimal produces by default, which an OData service refuses
// unless IEEE754Compatible=true was negotiated.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := appendJSON(&buf, reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var (
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	nullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	textType        = reflect.TypeFor[encoding.TextMarshaler]()
)

func appendJSON(buf *bytes.Buffer, rv reflect.Value) error {
	if !rv.IsValid() {
		buf.WriteString("null")
		return nil
	}
	switch rv.Type() {
	case decimalType:
		d := rv.Interface().(decimal.Decimal)
		buf.WriteString(d.String())
		return nil
	case nullDecimalType:
		d := rv.Interface().(decimal.NullDecimal)
		if !d.Valid {
			buf.WriteString("null")
			return nil
		}
		buf.WriteString(d.Decimal.String())
		return nil
	case rawMessageType:
		if rv.Len() == 0 {
			buf.WriteString("null")
			return nil
		}
		buf.Write(rv.Bytes())
		return nil
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			buf.WriteString("null")
			return nil
		}
		if rv.Kind() == reflect.Pointer && rv.Type().Implements(marshalerType) && !rv.Type().Elem().Implements(marshalerType) {
			return appendLeaf(buf, rv) // MarshalJSON on the pointer receiver
		}
		return appendJSON(buf, rv.Elem())
	}
	if rv.Type().Implements(marshalerType) || rv.Type().Implements(textType) {
		return appendLeaf(buf, rv)
	}
	switch rv.Kind() {
	case reflect.Struct:
		return appendStruct(buf, rv)
	case reflect.Map:
		return appendMap(buf, rv)
	case reflect.Slice:
		if rv.IsNil() {
			buf.WriteString("null")
			return nil
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return appendLeaf(buf, rv) // []byte is base64
		}
		fallthrough
	case reflect.Array:
		buf.WriteByte('[')
		for i := range rv.Len() {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := appendJSON(buf, rv.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return appendLeaf(buf, rv)
}

// appendLeaf encodes a value that holds no decimal with encoding/json,
// without HTML escaping (BC takes "<" and "&" as they are).
func appendLeaf(buf *bytes.Buffer, rv reflect.Value) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rv.Interface()); err != nil {
		return err
	}
	buf.Write(bytes.TrimRight(b.Bytes(), "\n"))
	return nil
}

func appendMap(buf *bytes.Buffer, rv reflect.Value) error {
	if rv.IsNil() {
		buf.WriteString("null")
		return nil
	}
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		k, err := mapKey(it.Key())
		if err != nil {
			return err
		}
		entries = append(entries, entry{k, it.Value()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	buf.WriteByte('{')
	for i, e := range entries {
		if i > 0 {
			buf.WriteByte(',')
		}
		appendName(buf, e.key)
		if err := appendJSON(buf, e.val); err != nil {
			return fmt.Errorf("%s: %w", e.key, err)
		}
	}
	buf.WriteByte('}')
	return nil
}

func mapKey(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		b, err := tm.MarshalText()
		return string(b), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
	return "", fmt.Errorf("bc: cannot encode a map keyed by %s", k.Type())
}

func appendName(buf *bytes.Buffer, name string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(name)
	buf.Write(bytes.TrimRight(b.Bytes(), "\n"))
	buf.WriteByte(':')
}

func appendStruct(buf *bytes.Buffer, rv reflect.Value) error {
	buf.WriteByte('{')
	first := true
	for _, f := range jsonFieldsOf(rv.Type()) {
		fv, ok := fieldByIndex(rv, f.index)
		if !ok || f.omitEmpty && isEmptyJSON(fv) {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		appendName(buf, f.name)
		if f.quoted && isScalar(fv.Kind()) {
			var b bytes.Buffer
			if err := appendJSON(&b, fv); err != nil {
				return err
			}
			appendQuoted(buf, b.String(), fv.Kind())
			continue
		}
		if err := appendJSON(buf, fv); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	buf.WriteByte('}')
	return nil
}

func appendQuoted(buf *bytes.Buffer, s string, k reflect.Kind) {
	if k == reflect.String {
		appendName(buf, s)
		buf.Truncate(buf.Len() - 1) // drop the ':' appendName adds
		return
	}
	buf.WriteString(`"` + s + `"`)
}

func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// fieldByIndex follows an embedded path; ok is false through a nil pointer,
// where encoding/json leaves the field out too.
func fieldByIndex(rv reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return rv, false
			}
			rv = rv.Elem()
		}
		rv = rv.Field(x)
	}
	return rv, true
}

// isEmptyJSON is encoding/json's omitempty test.
func isEmptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

type jsonField struct {
	name      string
	index     []int
	omitEmpty bool
	quoted    bool
	tagged    bool
}

var jsonFieldCache sync.Map // reflect.Type → []jsonField

// jsonFieldsOf lists the fields encoding/json would encode, in its order and
// with its rules for embedded structs: a shallower field hides a deeper one
// of the same name, a tagged one wins among equals, and remaining ties are
// left out.
func jsonFieldsOf(t reflect.Type) []jsonField {
	if fs, ok := jsonFieldCache.Load(t); ok {
		return fs.([]jsonField)
	}
	var all []jsonField
	collectFields(t, nil, &all, map[reflect.Type]bool{})
	byName := map[string][]int{}
	for i, f := range all {
		byName[f.name] = append(byName[f.name], i)
	}
	var out []jsonField
	for i, f := range all {
		if winner(all, byName[f.name]) == i {
			out = append(out, f)
		}
	}
	actual, _ := jsonFieldCache.LoadOrStore(t, out)
	return actual.([]jsonField)
}

func winner(all []jsonField, idx []int) int {
	best := -1
	tie := false
	for _, i := range idx {
		switch {
		case best < 0 || len(all[i].index) < len(all[best].index):
			best, tie = i, false
		case len(all[i].index) == len(all[best].index):
			switch {
			case all[i].tagged && !all[best].tagged:
				best, tie = i, false
			case all[i].tagged == all[best].tagged:
				tie = true
			}
		}
	}
	if tie {
		return -1
	}
	return best
}

func collectFields(t reflect.Type, prefix []int, out *[]jsonField, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		index := append(slices.Clone(prefix), i)
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectFields(ft, index, out, seen)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		f := jsonField{name: name, index: index, tagged: name != ""}
		if name == "" {
			f.name = sf.Name
		}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "string":
				f.quoted = true
			}
		}
		*out = append(*out, f)
	}
}
