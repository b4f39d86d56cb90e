package tenant

import (
	"fmt"
	"sort"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// BuildRow converts values onto base (or, when base is nil, onto BC's empty
// values) for table t. Values may be Go values or wire text. A new row with
// a GUID key and no id gets a new one; lastModifiedDateTime is set to now
// unless given.
func (tn *Tenant) BuildRow(t *table.Table, base []string, values map[string]any) ([]string, error) {
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
		w, err := table.WireText(t.Cols[i], values[name])
		if err != nil {
			return nil, fmt.Errorf("bctest: %s.%s: %w", t.Set.Name, name, err)
		}
		vals[i] = w
	}
	if base == nil && t.Key >= 0 && t.Cols[t.Key].Kind == filter.GUID && (vals[t.Key] == "" || vals[t.Key] == table.ZeroGUID) {
		vals[t.Key] = tn.NewGUID()
	}
	if i, ok := t.ColIdx["lastModifiedDateTime"]; ok && t.Cols[i].Kind == filter.DateTime {
		if _, given := values["lastModifiedDateTime"]; !given {
			vals[i] = table.FormatDateTime(tn.now())
		}
	}
	return vals, nil
}

// Touch sets a row's lastModifiedDateTime to now.
func (tn *Tenant) Touch(t *table.Table, vals []string) {
	if i, ok := t.ColIdx["lastModifiedDateTime"]; ok && t.Cols[i].Kind == filter.DateTime {
		vals[i] = table.FormatDateTime(tn.now())
	}
}
