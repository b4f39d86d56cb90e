package lite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Conn is one SQLite connection used at the driver level: database/sql's
// per-call argument conversion and context watchers cost more than the
// insert itself, and the store is used by one writer anyway. Both the SQLite
// store and the JSONL store's staging index are built on it.
type Conn struct {
	where string // "sqlite:PATH", for error messages
	conn  interface {
		driver.Conn
		driver.ExecerContext
		driver.QueryerContext
		driver.ConnPrepareContext
	}
	stmts map[string]driver.Stmt
	// binders are the statements run through SQLite's C API (Binder).
	binders map[string]*Binder
	// lock is the database file, flocked while the connection is open so a
	// second writer is refused at once instead of waiting on SQLite's locks
	// and failing with SQLITE_BUSY. SQLite's own locks are fcntl locks,
	// which flock does not touch; the file is closed after the connection,
	// since closing it earlier would drop SQLite's locks too.
	lock *os.File
}

// SQLite's primary result codes the store explains.
const (
	liteCodeCorrupt = 11 // SQLITE_CORRUPT
	liteCodeNotADB  = 26 // SQLITE_NOTADB
)

func (l *Conn) Close() error {
	var errs []error
	for _, b := range l.binders {
		errs = append(errs, b.Close())
	}
	l.binders = nil
	for _, s := range l.stmts {
		errs = append(errs, s.Close())
	}
	l.stmts = nil
	errs = append(errs, l.conn.Close())
	errs = append(errs, l.lock.Close()) // releases the flock
	return errors.Join(errs...)
}

func Named(args []any) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

// Exec runs one statement and returns the number of rows it changed.
func (l *Conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	r, err := l.conn.ExecContext(ctx, q, Named(args))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// Query runs q and calls fn for each row; row is reused between calls.
func (l *Conn) Query(ctx context.Context, q string, args []any, fn func(row []driver.Value) error) error {
	rows, err := l.conn.QueryContext(ctx, q, Named(args))
	if err != nil {
		return err
	}
	return eachRow(rows, fn)
}

// Count runs q, a query of one integer (a count(*)), and returns it.
func (l *Conn) Count(ctx context.Context, q string, args ...any) (int64, error) {
	var n int64
	err := l.Query(ctx, q, args, func(row []driver.Value) error {
		v, ok := row[0].(int64)
		if !ok {
			return fmt.Errorf("%s: not a count: %T", q, row[0])
		}
		n = v
		return nil
	})
	return n, err
}

func eachRow(rows driver.Rows, fn func(row []driver.Value) error) error {
	row := make([]driver.Value, len(rows.Columns()))
	for {
		err := rows.Next(row)
		if err == nil {
			err = fn(row)
		} else if err == io.EOF {
			err = nil
			break
		}
		if err != nil {
			rows.Close()
			return err
		}
	}
	return rows.Close()
}

// Stmt returns the prepared statement for q, preparing it once.
func (l *Conn) Stmt(ctx context.Context, q string) (driver.Stmt, error) {
	if s, ok := l.stmts[q]; ok {
		return s, nil
	}
	s, err := l.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	l.stmts[q] = s
	return s, nil
}

// Forget closes the cached statements whose text contains any of names
// (quoted identifiers), after their table changed.
func (l *Conn) Forget(names ...string) {
	for q, s := range l.stmts {
		for _, n := range names {
			if strings.Contains(q, n) {
				s.Close()
				delete(l.stmts, q)
				break
			}
		}
	}
	for q, b := range l.binders {
		for _, n := range names {
			if strings.Contains(q, n) {
				b.Close()
				delete(l.binders, q)
				break
			}
		}
	}
}

// Ordinals returns n arguments numbered from 1, to be reused for every row.
func Ordinals(n int) []driver.NamedValue {
	a := make([]driver.NamedValue, n)
	for i := range a {
		a[i].Ordinal = i + 1
	}
	return a
}

// Prepare prepares q outside the statement cache; the caller closes it.
func (l *Conn) Prepare(ctx context.Context, q string) (driver.Stmt, error) {
	return l.conn.PrepareContext(ctx, q)
}

// RunStmt executes a prepared statement on the hot path. The background context
// keeps the driver from starting a watcher per call; callers check their own
// context between rows.
func RunStmt(s driver.Stmt, args []driver.NamedValue) (int64, error) {
	r, err := s.(driver.StmtExecContext).ExecContext(context.Background(), args)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// QueryStmt runs a prepared query and calls fn for each row.
func QueryStmt(ctx context.Context, s driver.Stmt, args []driver.NamedValue, fn func(row []driver.Value) error) error {
	rows, err := s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return err
	}
	return eachRow(rows, fn)
}

// Tx runs fn in one write transaction.
func (l *Conn) Tx(ctx context.Context, fn func() error) (err error) {
	if _, err := l.Exec(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if _, rerr := l.Exec(context.Background(), "ROLLBACK"); rerr != nil && !strings.Contains(rerr.Error(), "no transaction") {
				err = errors.Join(err, rerr)
			}
		}
	}()
	if err := fn(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = l.Exec(ctx, "COMMIT")
	return err
}

// Ident quotes an SQLite identifier.
func Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Columns returns the columns of table (nil if it does not exist), with
// their declared types and primary-key positions.
func (l *Conn) Columns(ctx context.Context, schema, table string) (names []string, types []string, pk []string, err error) {
	type col struct {
		name, typ string
		pk        int64
	}
	var cols []col
	q := "SELECT name, type, pk FROM pragma_table_info(?, ?)"
	err = l.Query(ctx, q, []any{table, schema}, func(row []driver.Value) error {
		c := col{name: AsString(row[0]), typ: AsString(row[1])}
		c.pk, _ = row[2].(int64)
		cols = append(cols, c)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	pks := make([]string, len(cols))
	n := 0
	for _, c := range cols {
		names = append(names, c.name)
		types = append(types, c.typ)
		if c.pk > 0 && int(c.pk) <= len(pks) {
			pks[c.pk-1] = c.name
			n++
		}
	}
	return names, types, pks[:n], nil
}

func AsString(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// UnwrapPath drops the *PathError prefix that repeats the path.
func UnwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return fmt.Errorf("%s %s: %w", pe.Op, pe.Path, pe.Err)
	}
	return err
}
