package sqlite

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

// Chunked inserts: rows per statement, and SQLite's limit on parameters.
const (
	liteChunk     = 32
	liteMaxParams = 32766
)

// rowsInsert is one prepared INSERT of a fixed number of rows: a Binder
// when the driver's handle is in reach, else a driver statement with its
// reusable arguments.
type rowsInsert struct {
	fast *lite.Binder
	st   driver.Stmt
	args []driver.NamedValue
	rows int
}

// rowsInsert prepares "insert (cols) VALUES" with as many rows as fit
// liteChunk and SQLite's parameter limit; nil when that is one row.
func (s *Store) rowsInsert(ctx context.Context, insert string, cols []string) (*rowsInsert, error) {
	n := min(liteChunk, liteMaxParams/len(cols))
	if n <= 1 {
		return nil, nil
	}
	return s.prepareRows(ctx, insert, cols, n)
}

// prepareRows prepares "insert (cols) VALUES" with n rows.
func (s *Store) prepareRows(ctx context.Context, insert string, cols []string, n int) (*rowsInsert, error) {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	q := insert + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	fast, err := s.db.Conn.Binder(q)
	if err != nil {
		return nil, err
	}
	if fast != nil {
		return &rowsInsert{fast: fast, rows: n}, nil
	}
	st, err := s.db.Conn.Stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return &rowsInsert{st: st, args: lite.Ordinals(n * len(cols)), rows: n}, nil
}

// A cell is a value as SQLite stores it: NULL, an integer (integers and
// booleans), a float, or text.
type cell struct {
	kind byte // 0 NULL, 'i', 'f', 't'
	n    int64
	f    float64
	s    string
}

// liteCell converts column i's value v to what SQLite stores.
func liteCell(rt *layout.Resolved, i int, v store.Value) (cell, error) {
	if !v.Valid {
		return cell{}, nil
	}
	c := rt.Table.Columns[i]
	switch c.Type {
	case store.Int:
		n, err := strconv.ParseInt(v.Text, 10, 64)
		if err != nil {
			return cell{}, decode.Check(rt.Table.Name, c.Name, c.Type, v.Text)
		}
		return cell{kind: 'i', n: n}, nil
	case store.Bool:
		b, ok := decode.ParseBool(v.Text)
		if !ok {
			return cell{}, decode.Check(rt.Table.Name, c.Name, c.Type, v.Text)
		}
		if b {
			return cell{kind: 'i', n: 1}, nil
		}
		return cell{kind: 'i'}, nil
	case store.Float:
		f, err := strconv.ParseFloat(v.Text, 64)
		if err != nil {
			return cell{}, decode.Check(rt.Table.Name, c.Name, c.Type, v.Text)
		}
		return cell{kind: 'f', f: f}, nil
	case store.Decimal:
		if !decode.IsNumber(v.Text) {
			return cell{}, decode.Check(rt.Table.Name, c.Name, c.Type, v.Text)
		}
	}
	return cell{kind: 't', s: decode.Stored(c.Type, v.Text)}, nil
}

// liteValue is liteCell as a driver value.
func liteValue(rt *layout.Resolved, i int, v store.Value) (driver.Value, error) {
	c, err := liteCell(rt, i, v)
	switch c.kind {
	case 'i':
		return c.n, err
	case 'f':
		return c.f, err
	case 't':
		return c.s, err
	}
	return nil, err
}

// run inserts rows, exactly ri.rows of them, in one statement and returns
// how many it inserted.
func (ri *rowsInsert) run(rt *layout.Resolved, rows []store.Row) (int64, error) {
	if ri.fast != nil {
		return ri.runFast(rt, rows)
	}
	nc := len(rt.Table.Columns)
	for j, r := range rows {
		if err := rt.CheckRow(r); err != nil {
			return 0, err
		}
		for i := range r {
			a := &ri.args[j*nc+i]
			prev := &ri.args[max(j-1, 0)*nc+i]
			if j == 0 {
				prev = a // the same slot in the previous chunk
			}
			// A text equal to the row before's reuses its boxed value:
			// company ids, dates, account numbers repeat a lot.
			if x, ok := prev.Value.(string); ok && r[i].Valid && x == r[i].Text && lite.Type(rt.Table.Columns[i].Type) == "TEXT" {
				a.Value = prev.Value
				continue
			}
			var err error
			if a.Value, err = liteValue(rt, i, r[i]); err != nil {
				return 0, err
			}
		}
	}
	n, err := lite.RunStmt(ri.st, ri.args)
	if err != nil {
		return 0, fmt.Errorf("table %q: %w", rt.Table.Name, err)
	}
	return n, nil
}

// fixedSlack is what a text may grow by on its way to the store: a
// datetime gains up to four bytes of milliseconds (".000").
const fixedSlack = 4

// runFast is run through the Binder: nothing is boxed or allocated.
func (ri *rowsInsert) runFast(rt *layout.Resolved, rows []store.Row) (int64, error) {
	text := 0
	for _, r := range rows {
		if err := rt.CheckRow(r); err != nil {
			return 0, err
		}
		for i := range r {
			text += len(r[i].Text) + fixedSlack
		}
	}
	b := ri.fast
	if err := b.Reserve(text); err != nil {
		return 0, err
	}
	nc := len(rt.Table.Columns)
	for j, r := range rows {
		for i := range r {
			c, err := liteCell(rt, i, r[i])
			if err == nil {
				p := j*nc + i + 1
				switch c.kind {
				case 'i':
					err = b.Int(p, c.n)
				case 'f':
					err = b.Float(p, c.f)
				case 't':
					err = b.Text(p, c.s)
				default:
					err = b.Null(p)
				}
			}
			if err != nil {
				b.Clear()
				return 0, fmt.Errorf("table %q: %w", rt.Table.Name, err)
			}
		}
	}
	n, err := b.Exec()
	if err != nil {
		return 0, fmt.Errorf("table %q: %w", rt.Table.Name, err)
	}
	return n, nil
}
