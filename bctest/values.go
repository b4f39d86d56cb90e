package bctest

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"time"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/entities"
	"github.com/shopspring/decimal"
)

// buildRow converts values onto base (or empty values) for table t.
func (tn *Tenant) buildRow(t *table.Table, base []string, values map[string]any) ([]string, error) {
	vals := make([]string, len(t.Cols))
	if base != nil {
		copy(vals, base)
	} else {
		for i, c := range t.Cols {
			vals[i] = c.EmptyValue()
		}
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		i, ok := t.ColIdx[name]
		if !ok {
			return nil, fmt.Errorf("bctest: %s has no property %q", t.Set.Name, name)
		}
		w, err := wireText(t.Cols[i], values[name])
		if err != nil {
			return nil, fmt.Errorf("bctest: %s.%s: %w", t.Set.Name, name, err)
		}
		vals[i] = w
	}
	if base == nil && t.Key >= 0 && t.Cols[t.Key].Kind == filter.GUID && (vals[t.Key] == "" || vals[t.Key] == table.ZeroGUID) {
		vals[t.Key] = tn.newGUID()
	}
	if i, ok := t.ColIdx["lastModifiedDateTime"]; ok && t.Cols[i].Kind == filter.DateTime {
		if _, given := values["lastModifiedDateTime"]; !given {
			vals[i] = table.FormatDateTime(tn.now())
		}
	}
	return vals, nil
}

func (tn *Tenant) newGUID() string {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := tn.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return protocol.GUID(b[:])
}

// wireText renders a Go value as the wire text of a column.
func wireText(c table.Column, v any) (string, error) {
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
		return table.FormatDateTime(x), nil
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
