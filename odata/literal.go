package odata

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Literal is implemented by values that know their own OData literal form;
// FormatLiteral renders them verbatim. The SDK's date type implements it so
// that a date filters as 2025-01-31, unquoted, as BC expects for Edm.Date.
type Literal interface {
	ODataLiteral() string
}

// GUID is an Edm.Guid value. BC wants GUIDs unquoted in filters
// (customerId eq 5d115c9c-44e3-ea11-bb43-000d3a2feca1), whereas a plain Go
// string would be quoted; FormatLiteral validates the 8-4-4-4-12 hex form and
// renders it in lower case.
type GUID string

// dateLiteral is the Edm.Date literal returned by DateOf.
type dateLiteral string

func (d dateLiteral) ODataLiteral() string { return string(d) }

// DateOf returns the Edm.Date literal (2006-01-02, unquoted) for the calendar
// date of t in t's own location. BC compares date fields such as postingDate
// against unquoted dates; a time.Time would render as a DateTimeOffset instead.
func DateOf(t time.Time) Literal {
	return dateLiteral(t.Format(time.DateOnly))
}

// dateTimeLayout is how BC writes Edm.DateTimeOffset values, always in UTC
// with milliseconds (2019-08-18T20:05:51.603Z).
const dateTimeLayout = "2006-01-02T15:04:05.000Z"

var (
	literalType = reflect.TypeFor[Literal]()
	timeType    = reflect.TypeFor[time.Time]()
	decimalType = reflect.TypeFor[decimal.Decimal]()
	guidType    = reflect.TypeFor[GUID]()
)

// FormatLiteral renders v as an OData literal the way BC's filter parser
// expects: strings and named string types (enum members such as
// Credit_x0020_Memo) single-quoted with ' doubled; GUID, time.Time (UTC,
// milliseconds), decimal.Decimal, integers, floats and booleans unquoted; nil
// and nil pointers as null; a Literal verbatim. Other pointers are
// dereferenced. Any other type, a non-finite float, an invalid GUID or a
// string that is not valid UTF-8 is an error.
func FormatLiteral(v any) (string, error) {
	s, err := formatLiteral(v)
	if err != nil {
		return "", fmt.Errorf("odata: %w", err)
	}
	return s, nil
}

// formatLiteral is FormatLiteral without the package prefix on errors, for
// callers that add their own context.
func formatLiteral(v any) (string, error) {
	return formatValue(reflect.ValueOf(v))
}

func formatValue(rv reflect.Value) (string, error) {
	if !rv.IsValid() {
		return "null", nil
	}
	t := rv.Type()
	if (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) && rv.IsNil() {
		return "null", nil
	}
	switch {
	case t.Implements(literalType):
		return rv.Interface().(Literal).ODataLiteral(), nil
	case t == guidType:
		return formatGUID(rv.String())
	case t == timeType:
		return rv.Interface().(time.Time).UTC().Format(dateTimeLayout), nil
	case t == decimalType:
		d := rv.Interface().(decimal.Decimal)
		// StringFixed never uses an exponent, whatever the package-level
		// decimal settings, and keeps the value's scale (1000.00).
		return d.StringFixed(max(0, -d.Exponent())), nil
	}
	switch rv.Kind() {
	case reflect.Pointer:
		return formatValue(rv.Elem())
	case reflect.Interface:
		return formatValue(rv.Elem())
	case reflect.String:
		return quoteString(rv.String())
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("cannot use %v as a literal: BC number fields cannot hold NaN or infinity", f)
		}
		return strconv.FormatFloat(f, 'f', -1, t.Bits()), nil
	}
	return "", fmt.Errorf("cannot use a value of type %s as a literal: use a string, number, bool, GUID, time.Time, decimal.Decimal or a Literal", t)
}

// quoteString single-quotes s and doubles each embedded quote, the OData
// rule for string literals:
//
//	O'Brien -> 'O''Brien'
//
// Invalid UTF-8 is refused because BC would decode it to something other
// than what the caller meant to match.
func quoteString(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("string literal %q is not valid UTF-8", s)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
}

func formatGUID(s string) (string, error) {
	if len(s) != 36 {
		return "", invalidGUID(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", invalidGUID(s)
			}
		default:
			if !isHex(c) {
				return "", invalidGUID(s)
			}
		}
	}
	return strings.ToLower(s), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func invalidGUID(s string) error {
	return fmt.Errorf("invalid GUID %q: want 8-4-4-4-12 hexadecimal digits such as 5d115c9c-44e3-ea11-bb43-000d3a2feca1", s)
}
