package lite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"modernc.org/sqlite"
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

// Open opens (creating if needed) the SQLite database at path in WAL mode
// and checks it is writable, with one clear error if not.
func Open(ctx context.Context, where, path string, sync string) (*Conn, error) {
	if strings.ContainsRune(path, '?') {
		return nil, store.Misconfigured(fmt.Errorf("%s: the path must not contain '?'", where))
	}
	if err := checkWritable(where, path); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, FileMode)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", where, UnwrapPath(err))
	}
	if err := LockFile(lock); err != nil {
		lock.Close()
		return nil, layout.Locked(where)
	}
	dc, err := (&sqlite.Driver{}).Open(path)
	if err != nil {
		lock.Close()
		return nil, OpenError(where, err)
	}
	c, ok := dc.(interface {
		driver.Conn
		driver.ExecerContext
		driver.QueryerContext
		driver.ConnPrepareContext
	})
	if !ok {
		dc.Close()
		lock.Close()
		return nil, fmt.Errorf("%s: unexpected SQLite driver connection %T", where, dc)
	}
	l := &Conn{where: where, conn: c, stmts: map[string]driver.Stmt{}, binders: map[string]*Binder{}, lock: lock}
	if err := l.setup(ctx, sync, isEmpty(lock, path)); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// walBytes is how large the WAL grows before SQLite checkpoints it.
const walBytes = 200 << 20

// isEmpty reports whether the database at path (whose file is f) holds
// nothing yet: its file and its WAL are empty or missing.
func isEmpty(f *os.File, path string) bool {
	fi, err := f.Stat()
	if err != nil || fi.Size() != 0 {
		return false
	}
	wi, err := os.Stat(path + "-wal")
	return errors.Is(err, os.ErrNotExist) || err == nil && wi.Size() == 0
}

// setup sets the connection's pragmas; fresh says the file is new and empty.
// An existing file is checked before anything could be written to it.
func (l *Conn) setup(ctx context.Context, sync string, fresh bool) error {
	if _, err := l.Exec(ctx, "PRAGMA busy_timeout = 5000"); err != nil {
		return OpenError(l.where, err)
	}
	if fresh {
		// A new file gets 64 KiB pages: SQLite writes a WAL frame, a sorter
		// run and a checkpoint copy with a system call or two per page, and
		// system calls are most of what the first load's append and move
		// cost at 4 KiB. An existing file keeps the pages it has.
		if _, err := l.Exec(ctx, "PRAGMA page_size = 65536"); err != nil {
			return OpenError(l.where, err)
		}
	} else if err := l.checkIntact(ctx); err != nil {
		return err
	}
	var mode string
	err := l.Query(ctx, "PRAGMA journal_mode = WAL", nil, func(row []driver.Value) error {
		mode, _ = row[0].(string)
		return nil
	})
	if err != nil {
		return OpenError(l.where, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("%s: cannot switch the database to WAL mode (got %q); is the file or its directory read-only?", l.where, mode)
	}
	// A larger WAL between checkpoints (about 200 MB, in pages of the
	// file's size) copies a page rewritten by several transactions once,
	// which matters when random GUID keys spread rows over the whole key
	// index. The page cache is kept small
	// (8 MiB, which costs about twice that in resident memory): once the key
	// index outgrows it, a bigger cache saved no measurable CPU, the sync's
	// memory must not grow with the tables, and the OS caches the file anyway.
	// Temporary b-trees (sorting for an index) spill to files, not memory.
	pageSize, err := l.Count(ctx, "PRAGMA page_size")
	if err != nil {
		return OpenError(l.where, err)
	}
	walPages := max(walBytes/max(pageSize, 512), 1)
	for _, p := range []string{"PRAGMA synchronous = " + sync, "PRAGMA temp_store = FILE", "PRAGMA cache_size = -8192",
		fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walPages), "PRAGMA journal_size_limit = 67108864"} {
		if _, err := l.Exec(ctx, p); err != nil {
			return OpenError(l.where, err)
		}
	}
	if ro, ok := l.conn.(interface{ IsReadOnly(string) (bool, error) }); ok {
		if r, err := ro.IsReadOnly("main"); err == nil && r {
			return fmt.Errorf("%s: the database is read-only; make the file writable or choose another path", l.where)
		}
	}
	return nil
}

// checkIntact runs SQLite's quick_check before anything is written: a
// damaged file would otherwise fail mid-run with "database disk image is
// malformed" after the run was recorded in it. quick_check reads every
// page (about 0.7 s for a 270 MB file of 1 M G/L entries) but skips
// comparing indexes with their tables, which integrity_check does at 15
// times the cost.
func (l *Conn) checkIntact(ctx context.Context) error {
	verdict := ""
	err := l.Query(ctx, "PRAGMA quick_check(1)", nil, func(row []driver.Value) error {
		verdict = AsString(row[0])
		return nil
	})
	if err != nil {
		return OpenError(l.where, err)
	}
	if verdict != "ok" {
		return liteDamaged(l.where)
	}
	return nil
}

func liteDamaged(where string) error {
	return fmt.Errorf("%s: the database file is damaged (SQLite's quick_check failed) and was not written to: restore it from a backup, or move it aside to sync afresh", where)
}

// checkWritable creates the directory of path when it is missing, as the
// JSONL store does for its directory, and explains the common reasons
// SQLite cannot write path before SQLite reports them as "unable to open
// database file".
func checkWritable(where, path string) error {
	dir := filepath.Dir(path)
	if err := MakeDir(where, dir); err != nil {
		return err
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrNotExist) {
		return store.Misconfigured(fmt.Errorf("%s: cannot write %s (%v): make it writable or choose another path", where, path, errors.Unwrap(err)))
	}
	// WAL needs to create PATH-wal and PATH-shm beside the file.
	probe, err := os.CreateTemp(dir, ".bcsync-probe-*")
	if err != nil {
		return store.Misconfigured(fmt.Errorf("%s: directory %s is not writable: choose another path", where, dir))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// FileMode and DirMode are the modes the stores create their files and
// directories with: the rows are a company's business data, readable by
// the owner only. SQLite gives PATH-wal and PATH-shm the mode of PATH.
const (
	FileMode os.FileMode = 0o600
	DirMode  os.FileMode = 0o700
)

// MakeDir creates dir and its missing parents: --out names a destination,
// and a sync into out/bc.db or out/jsonl should not fail for want of out/.
func MakeDir(where, dir string) error {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return store.Misconfigured(fmt.Errorf("%s: cannot create the directory: %v", where, UnwrapPath(err)))
	}
	return nil
}

func OpenError(where string, err error) error {
	var se *sqlite.Error
	switch {
	case errors.As(err, &se) && se.Code()&0xff == liteCodeNotADB:
		return store.Misconfigured(fmt.Errorf("%s: the file is not an SQLite database (or is damaged): choose another path", where))
	case errors.As(err, &se) && se.Code()&0xff == liteCodeCorrupt:
		return liteDamaged(where)
	}
	return fmt.Errorf("%s: %w", where, err)
}

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
