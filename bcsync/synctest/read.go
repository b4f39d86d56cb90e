package synctest

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the SQLite store's driver
)

// ErrNoTable is a table that is not in the store (or a SQLite file that does
// not exist), as when the first run was killed before creating it. Readers
// of such a store truthfully see no table; a checker decides whether that is
// acceptable at that point.
var ErrNoTable = errors.New("no such table")

// Actual reads the given tables from a destination (the --out value).
func Actual(ctx context.Context, dest string, tables []*store.Table) (map[string]Table, error) {
	out := map[string]Table{}
	for _, t := range tables {
		var rows []string
		var err error
		switch {
		case strings.HasPrefix(dest, "sqlite:"):
			rows, err = sqliteRows(ctx, strings.TrimPrefix(dest, "sqlite:"), t)
		case strings.HasPrefix(dest, "postgres://"), strings.HasPrefix(dest, "postgresql://"):
			rows, err = postgresRows(ctx, dest, t)
		case strings.HasPrefix(dest, "jsonl:"):
			rows, err = jsonlRows(strings.TrimPrefix(dest, "jsonl:"), t)
		default:
			return nil, fmt.Errorf("synccheck: unknown destination %q", dest)
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", t.Name, err)
		}
		out[t.Name] = Table{Name: t.Name, Rows: rows}
	}
	return out, nil
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func selectList(t *store.Table, cast string) string {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quote(c.Name) + cast
	}
	return strings.Join(cols, ", ")
}

func sqliteRows(ctx context.Context, path string, t *store.Table) ([]string, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s does not exist", ErrNoTable, path)
	}
	// A URI filename: '%', '?' and '#' in the path must be escaped.
	uri := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	db, err := sql.Open("sqlite", "file:"+uri+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", t.Name).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, ErrNoTable
	}
	rs, err := db.QueryContext(ctx, "SELECT "+selectList(t, "")+" FROM "+quote(t.Name))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, canonical(t, func(name string) (string, bool) {
			for i, c := range t.Columns {
				if c.Name == name {
					return sqlText(vals[i])
				}
			}
			return "", false
		}))
	}
	return out, rs.Err()
}

func sqlText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case []byte:
		return string(x), true
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return fmt.Sprint(v), true
}

func postgresRows(ctx context.Context, dsn string, t *store.Table) ([]string, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rs, err := conn.Query(ctx, "SELECT "+selectList(t, "::text")+" FROM "+quote(t.Name))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		vals := make([]*string, len(t.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, canonical(t, func(name string) (string, bool) {
			for i, c := range t.Columns {
				if c.Name == name && vals[i] != nil {
					return *vals[i], true
				}
			}
			return "", false
		}))
	}
	return out, rs.Err()
}

func jsonlRows(dir string, t *store.Table) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, t.Name+".jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("line %q: %w", sc.Text(), err)
		}
		out = append(out, canonical(t, func(name string) (string, bool) {
			switch v := m[name].(type) {
			case nil:
				return "", false
			case json.Number:
				return v.String(), true
			case bool:
				return strconv.FormatBool(v), true
			case string:
				return v, true
			default:
				return fmt.Sprint(v), true
			}
		}))
	}
	return out, sc.Err()
}
