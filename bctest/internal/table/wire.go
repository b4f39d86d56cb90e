package table

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/internal/jsontext"
	"github.com/shopspring/decimal"
)

// ETag renders a row version as BC does: a weak ETag over base64 of
// "'<digits>;<version>;00;'".
func ETag(version int64) string {
	v := strconv.FormatInt(version, 10)
	raw := "'" + strconv.Itoa(len(v)+16) + ";" + v + "0000000000000000;00;'"
	return `W/"` + base64.StdEncoding.EncodeToString([]byte(raw)) + `"`
}

// AppendRow writes one entity as JSON: the ETag, then the selected columns
// (all when sel is nil) in property order.
func (t *Table) AppendRow(b []byte, r *Row, sel []int) []byte {
	b = append(b, `{"@odata.etag":`...)
	b = jsontext.AppendString(b, ETag(r.Version))
	write := func(i int) {
		c := t.Cols[i]
		b = append(b, ',', '"')
		b = append(b, c.Name...)
		b = append(b, '"', ':')
		if c.Quoted {
			b = jsontext.AppendString(b, r.Vals[i])
		} else {
			b = append(b, r.Vals[i]...)
		}
	}
	if sel == nil {
		for i := range t.Cols {
			write(i)
		}
	} else {
		for _, i := range sel {
			write(i)
		}
	}
	return b
}

// compareDecimalText orders two decimal texts by value.
func compareDecimalText(a, b string) int {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	return x.Cmp(y)
}

// CompareDateTimeText orders two datetime texts by instant.
func CompareDateTimeText(a, b string) int {
	x, err1 := time.Parse(time.RFC3339Nano, a)
	y, err2 := time.Parse(time.RFC3339Nano, b)
	if err1 != nil || err2 != nil {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	return x.Compare(y)
}

// KeySegment renders the key of vals as BC does in a Location header:
// (id) or (Document_Type='Order',Document_No='101001',Line_No=10000).
func (t *Table) KeySegment(vals []string) string {
	if len(t.Keys) < 2 {
		return "(" + vals[t.Key] + ")"
	}
	parts := make([]string, len(t.Keys))
	for i, c := range t.Keys {
		v := vals[c]
		if t.Cols[c].Quoted && t.Cols[c].Kind != filter.GUID {
			v = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		parts[i] = t.Cols[c].Name + "=" + v
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// CompositeKey joins the values of a composite key into the table's index key.
func CompositeKey(values []string) string {
	for i, v := range values {
		values[i] = FoldKey(v)
	}
	return strings.Join(values, "\x1f")
}

// Record renders a row as property → wire text.
func (t *Table) Record(r *Row) map[string]string {
	m := make(map[string]string, len(t.Cols)+1)
	for i, c := range t.Cols {
		m[c.Name] = r.Vals[i]
	}
	m["@odata.etag"] = ETag(r.Version)
	return m
}

// CompareWire orders two wire-text values of a column kind.
func CompareWire(k filter.Kind, a, b string) int {
	switch k {
	case filter.Int:
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case filter.Decimal:
		return compareDecimalText(a, b)
	case filter.DateTime:
		return CompareDateTimeText(a, b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// FormatDateTime writes a time as BC does: UTC, milliseconds with trailing
// zeros dropped (0–3 fraction digits).
func FormatDateTime(t time.Time) string {
	return t.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.999Z07:00")
}

// TruncateRunes cuts s to at most n characters (n ≤ 0: no limit), as BC
// cuts text to a field's length.
func TruncateRunes(s string, n int) string {
	if n <= 0 {
		return s
	}
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// WireText renders a Go value as the wire text of column c: strings as
// they are (wire text already), numbers, bools, decimals, dates and times
// as BC writes them, nil as the column's empty value.
func WireText(c Column, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return c.EmptyValue(), nil
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case decimal.Decimal:
		return x.String(), nil
	case entities.Date:
		return x.String(), nil
	case time.Time:
		if c.Kind == filter.Date {
			return x.Format(time.DateOnly), nil
		}
		return FormatDateTime(x), nil
	case fmt.Stringer:
		return x.String(), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'f', -1, 64), nil
	case reflect.String:
		return rv.String(), nil
	}
	return "", fmt.Errorf("unsupported value type %T", v)
}
