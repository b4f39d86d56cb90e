// Package synctest compares a sync destination with a bctest tenant's data:
// per table, the row count and an order-independent checksum of canonical
// rows, plus the rows themselves for a readable diff. It reads the data on
// both sides on its own terms (the fake's wire text, the store's tables or
// files), so that it checks the sync rather than repeating it.
package synctest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

// Table is a table reduced to its rows in canonical form.
type Table struct {
	Name string
	// Rows are canonical rows: "col=value|col=value…", columns sorted, NULL
	// written as ∅.
	Rows []string
}

// Count is the number of rows.
func (t Table) Count() int { return len(t.Rows) }

// Sum is an order-independent checksum of the rows.
func (t Table) Sum() uint64 {
	var s uint64
	for _, r := range t.Rows {
		h := sha256.Sum256([]byte(r))
		s += binary.LittleEndian.Uint64(h[:8])
	}
	return s
}

const null = "∅"

// canonical writes a row from column → value (ok false: NULL).
func canonical(t *store.Table, get func(name string) (string, bool)) string {
	names := make([]string, 0, len(t.Columns))
	types := map[string]store.ColType{}
	for _, c := range t.Columns {
		names = append(names, c.Name)
		types[c.Name] = c.Type
	}
	sort.Strings(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte('|')
		}
		v, ok := get(n)
		b.WriteString(n + "=")
		if !ok {
			b.WriteString(null)
			continue
		}
		b.WriteString(normalize(types[n], v))
	}
	return b.String()
}

// normalize writes a value the way every store can be compared: datetimes
// as RFC 3339 UTC, booleans true/false, GUIDs lower case.
func normalize(t store.ColType, v string) string {
	switch t {
	case store.DateTime:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07", "2006-01-02 15:04:05.999999999-07:00"} {
			if tm, err := time.Parse(layout, v); err == nil {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
	case store.Bool:
		switch v {
		case "1", "t":
			return "true"
		case "0", "f":
			return "false"
		}
	case store.GUID:
		return strings.ToLower(v)
	case store.Date:
		if len(v) > 10 {
			return v[:10]
		}
	}
	return v
}

// Sets are the sets a run plans, built from the built-in schemas of the
// standard API and of bctest's job tasks API.
type Sets struct{ sets []*plan.Set }

// PlanSets plans the sets of profile and refs as a run against bctest
// does (see bcsync.Options for how they combine).
func PlanSets(profile string, refs ...bcsync.SetRef) (Sets, error) {
	schemas := map[string]*schema.Service{bc.StandardRoute: entities.Schema, bctest.JobTasksRoute: bctest.JobTasksAPI()}
	sets, err := plan.Build(profile, plan.RefsOf(refs), schemas)
	return Sets{sets}, err
}

// Tables lists the output tables of the sets.
func (s Sets) Tables() []*store.Table { return plan.Tables(s.sets) }

// Expected builds, from the fake's data, the tables the sets should
// produce for the companies (ids) given.
func Expected(srv *bctest.Server, sets Sets, companies []string) (map[string]Table, error) {
	out := map[string]Table{}
	for _, s := range sets.sets {
		for _, id := range companies {
			co, ok := srv.Tenant().Company(id)
			if !ok {
				return nil, fmt.Errorf("no company %s in the fake", id)
			}
			if s.Store {
				t := out[s.Table.Name]
				t.Name = s.Table.Name
				each := func(row map[string]string) bool {
					t.Rows = append(t.Rows, expectedRow(s.Table, s.Cols, co.ID, "", row))
					return true
				}
				if s.Route == bc.StandardRoute {
					co.Each(s.Name, each)
				} else if err := co.EachIn(s.Route, s.Name, each); err != nil {
					return nil, err
				}
				out[s.Table.Name] = t
			}
			for _, c := range s.Children {
				t := out[c.Table.Name]
				t.Name = c.Table.Name
				err := co.EachChild(s.Name, c.Nav, func(parent string, row map[string]string) bool {
					p := ""
					if c.Nested {
						p = parent
					}
					t.Rows = append(t.Rows, expectedRow(c.Table, c.Cols, co.ID, p, row))
					return true
				})
				if err != nil {
					return nil, err
				}
				out[c.Table.Name] = t
			}
		}
	}
	return out, nil
}

func expectedRow(t *store.Table, cols []plan.Column, companyID, parentID string, row map[string]string) string {
	byName := map[string]plan.Column{}
	for _, c := range cols {
		byName[c.Name] = c
	}
	return canonical(t, func(name string) (string, bool) {
		switch name {
		case "companyId":
			return strings.ToLower(companyID), true
		case "parentId":
			if parentID != "" {
				return strings.ToLower(parentID), true
			}
		}
		v, ok := row[name]
		c := byName[name]
		if !ok || decode.Sentinel(c.Type, c.Enum, v) {
			return "", false
		}
		return v, true
	})
}

// Diff describes the differences between want and got, or "" if none.
func Diff(want, got map[string]Table) string {
	var b strings.Builder
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, g := want[n], got[n]
		if w.Count() == g.Count() && w.Sum() == g.Sum() {
			continue
		}
		fmt.Fprintf(&b, "%s: want %d rows (sum %x), got %d (sum %x)\n", n, w.Count(), w.Sum(), g.Count(), g.Sum())
		missing, extra := setDiff(w.Rows, g.Rows)
		for i, r := range missing {
			if i == 3 {
				fmt.Fprintf(&b, "  … %d more missing\n", len(missing)-3)
				break
			}
			fmt.Fprintf(&b, "  missing %s\n", r)
		}
		for i, r := range extra {
			if i == 3 {
				fmt.Fprintf(&b, "  … %d more unexpected\n", len(extra)-3)
				break
			}
			fmt.Fprintf(&b, "  unexpected %s\n", r)
		}
	}
	return b.String()
}

func setDiff(want, got []string) (missing, extra []string) {
	count := map[string]int{}
	for _, r := range got {
		count[r]++
	}
	for _, r := range want {
		if count[r] > 0 {
			count[r]--
			continue
		}
		missing = append(missing, r)
	}
	for r, n := range count {
		for ; n > 0; n-- {
			extra = append(extra, r)
		}
	}
	sort.Strings(extra)
	return missing, extra
}

// DiffStore compares the store at dest with every company of srv for the
// sets of profile, as Diff does; "" means equal.
func DiffStore(ctx context.Context, srv *bctest.Server, profile, dest string) (string, error) {
	sets, err := PlanSets(profile)
	if err != nil {
		return "", err
	}
	var ids []string
	for _, co := range srv.Tenant().Companies() {
		ids = append(ids, co.ID)
	}
	want, err := Expected(srv, sets, ids)
	if err != nil {
		return "", err
	}
	got, err := Actual(ctx, dest, sets.Tables())
	if err != nil {
		return "", err
	}
	return Diff(want, got), nil
}
