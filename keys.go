package bc

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/bcsdk/bc/odata"
)

// KeySegment renders an entity key for a URL path, escaped for the path. BC
// wants GUIDs bare and other strings single-quoted with embedded quotes doubled:
//
//	customers(5d115c9c-44e3-ea11-bb43-000d3a2feca1)
//	subscriptions('O''Brien')
func KeySegment(key string) string {
	if IsGUID(key) {
		return "(" + strings.ToLower(key) + ")"
	}
	return "(" + url.PathEscape(quoteKey(key)) + ")"
}

// StringKeySegment renders a key that is a string even if it looks like a GUID
// (e.g. a webhook subscriptionId).
func StringKeySegment(key string) string { return "(" + url.PathEscape(quoteKey(key)) + ")" }

func quoteKey(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// entityKey reads the key of a model as the id its set's methods take (one
// value, or "a='x',b=1" for a composite key) and its @odata.etag.
func entityKey(v any) (key, etag string, err error) {
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
	var pairs []any
	for _, k := range mi.keys {
		f := mi.fields[k]
		val := rv.Field(f.index).Interface()
		if f.guid {
			val = odata.GUID(rv.Field(f.index).String())
		}
		pairs = append(pairs, f.name, val)
	}
	key, err = Key(pairs...)
	return key, etag, err
}

// Key renders a composite key, given as property names and values in key
// order, as the id that Get, Patch, Delete, Action, Entity and Media of a set
// whose model has several `bc:"key"` fields take:
//
//	bc.Key("Document_Type", "Order", "Document_No", "101001", "Line_No", 10000)
//	// Document_Type='Order',Document_No='101001',Line_No=10000
//
// Each value is a typed literal, as in filters: strings and enums quoted,
// numbers bare, odata.GUID bare.
func Key(namesAndValues ...any) (string, error) {
	if len(namesAndValues) < 4 || len(namesAndValues)%2 != 0 {
		return "", errors.New("bc: Key takes pairs of property name and value, at least two pairs")
	}
	parts := make([]string, 0, len(namesAndValues)/2)
	for i := 0; i < len(namesAndValues); i += 2 {
		name, ok := namesAndValues[i].(string)
		if !ok || validName("key property", name) != nil {
			return "", fmt.Errorf("bc: Key: %v is not a property name", namesAndValues[i])
		}
		lit, err := odata.FormatLiteral(namesAndValues[i+1])
		if err != nil {
			return "", fmt.Errorf("bc: Key: %s: %w", name, err)
		}
		parts = append(parts, name+"="+lit)
	}
	return strings.Join(parts, ","), nil
}

// compositeSegment renders a composite key made by Key as a path segment,
// escaping what a path cannot hold but keeping the ',' and '=' BC reads.
func compositeSegment(key string) string {
	esc := url.PathEscape(key)
	return "(" + strings.NewReplacer("%2C", ",", "%3D", "=").Replace(esc) + ")"
}
