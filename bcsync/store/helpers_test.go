package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// kinds are the stores every contract test runs against.
var kinds = []string{"sqlite", "jsonl", "postgres"}

// newStore returns an unopened store of kind in a fresh place.
func newStore(t testing.TB, kind string) Store {
	t.Helper()
	switch kind {
	case "sqlite":
		return newSQLite(filepath.Join(t.TempDir(), "bc.db"))
	case "jsonl":
		return newJSONL(filepath.Join(t.TempDir(), "out"))
	}
	s, err := New(pgTestDSN(t))
	require.NoError(t, err)
	return s
}

// pgTestDSN returns a DSN writing to a schema of the test's own.
func pgTestDSN(t testing.TB) string { return storetest.PostgresDSN(t) }

// forEachStore runs fn against an open store of every kind.
func forEachStore(t *testing.T, fn func(t *testing.T, s Store)) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, kind)
			require.NoError(t, s.Open(t.Context()))
			t.Cleanup(func() { require.NoError(t, s.Close()) })
			fn(t, s)
		})
	}
}

// v is a non-NULL value; null is NULL.
func v(s string) Value { return Value{Text: s, Valid: true} }

var null = Value{}

// dump returns the rows of table, keyed by their key values joined with
// "|", each a map from column to text (nil for NULL) in the form the store
// was given: decimals and dates as written, booleans true/false.
func dump(t *testing.T, s Store, table *Table) map[string]map[string]*string {
	t.Helper()
	ctx := context.Background()
	out := map[string]map[string]*string{}
	add := func(row map[string]*string) {
		var key []string
		for _, k := range table.Key {
			require.NotNil(t, row[k], "key column %s is NULL", k)
			key = append(key, *row[k])
		}
		out[strings.Join(key, "|")] = row
	}
	types := map[string]ColType{deletedCol: DateTime}
	for _, c := range table.Columns {
		types[c.Name] = c.Type
	}
	switch s := s.(type) {
	case *sqliteStore:
		s.mu.Lock()
		defer s.mu.Unlock()
		cols, _, _, err := s.l.liteColumns(ctx, "main", table.Name)
		require.NoError(t, err)
		require.NoError(t, s.l.query(ctx, "SELECT "+liteList(cols)+" FROM "+liteIdent(table.Name), nil, func(r []driver.Value) error {
			row := map[string]*string{}
			for i, c := range cols {
				row[c] = liteText(types[c], r[i])
			}
			add(row)
			return nil
		}))
	case *jsonlStore:
		s.mu.Lock()
		require.NoError(t, s.finalize(ctx))
		s.mu.Unlock()
		data, err := os.ReadFile(s.filePath(table.Name))
		require.NoError(t, err)
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			d.UseNumber()
			var m map[string]any
			require.NoError(t, d.Decode(&m), "line %s", sc.Text())
			row := map[string]*string{}
			for k, x := range m {
				switch x := x.(type) {
				case nil:
					row[k] = nil
				case string:
					row[k] = &x
				case json.Number:
					s := x.String()
					row[k] = &s
				case bool:
					s := strconv.FormatBool(x)
					row[k] = &s
				default:
					t.Fatalf("unexpected JSON value %v", x)
				}
			}
			add(row)
		}
	case *pgStore:
		conn, err := pgx.ConnectConfig(ctx, s.cfg)
		require.NoError(t, err)
		defer conn.Close(ctx)
		cols, err := pgColumns(ctx, conn, table.Name)
		require.NoError(t, err)
		exprs := make([]string, len(cols))
		for i, c := range cols {
			exprs[i] = pgIdent(c) + "::text"
			if types[c] == DateTime {
				exprs[i] = "to_char(" + pgIdent(c) + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
			}
		}
		rows, err := conn.Query(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+pgIdent(table.Name))
		require.NoError(t, err)
		for rows.Next() {
			vals := make([]*string, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			row := map[string]*string{}
			for i, c := range cols {
				row[c] = vals[i]
			}
			add(row)
		}
		require.NoError(t, rows.Err())
	default:
		t.Fatalf("unknown store %T", s)
	}
	return out
}

func liteText(typ ColType, x driver.Value) *string {
	var s string
	switch x := x.(type) {
	case nil:
		return nil
	case int64:
		s = strconv.FormatInt(x, 10)
		if typ == Bool {
			s = strconv.FormatBool(x != 0)
		}
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		s = x
	case []byte:
		s = string(x)
	}
	return &s
}

// want builds the expected dump from rows of table.
func want(table *Table, rows ...Row) map[string]map[string]*string {
	out := map[string]map[string]*string{}
	for _, r := range rows {
		row := map[string]*string{}
		var key []string
		for i, c := range table.Columns {
			if r[i].Valid {
				s := norm(c.Type, r[i].Text)
				row[c.Name] = &s
			} else {
				row[c.Name] = nil
			}
		}
		for _, k := range table.Key {
			key = append(key, *row[k])
		}
		out[strings.Join(key, "|")] = row
	}
	return out
}

// without drops column col from every row of a dump.
func without(d map[string]map[string]*string, col string) map[string]map[string]*string {
	for _, row := range d {
		delete(row, col)
	}
	return d
}

// keysOf lists the keys of a dump, sorted.
func keysOf(d map[string]map[string]*string) []string {
	var k []string
	for key := range d {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

// keySeq streams keys to Reconcile.
func keySeq(keys ...[]string) func(yield func([]string) bool) {
	return func(yield func([]string) bool) {
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}
}

func ptr(s string) *string { return &s }

func r2ID(r Run) string { return strconv.FormatInt(r.ID, 10) }

// bookTable returns the description of a bookkeeping table.
func bookTable(name string) *Table {
	for _, t := range bookTables {
		if t.Name == name {
			return t
		}
	}
	panic("no bookkeeping table " + name)
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}

// modelApply applies b to model (rows by their second key column) and
// returns the counts a store must report.
func modelApply(model map[string]Row, b Batch) Counts {
	var c Counts
	for _, r := range b.Upserts {
		old, ok := model[r[1].Text]
		switch {
		case !ok:
			c.Inserted++
		case sameRow(old, r):
			c.Unchanged++
		default:
			c.Updated++
		}
		model[r[1].Text] = r
	}
	for _, k := range b.Deletes {
		if _, ok := model[k[1]]; ok {
			c.Deleted++
			delete(model, k[1])
		}
	}
	return c
}
