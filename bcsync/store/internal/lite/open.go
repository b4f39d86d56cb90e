package lite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"modernc.org/sqlite"
)

// Open opens (creating if needed) the SQLite database at path in WAL mode
// and checks it is writable, with one clear error if not.
func Open(ctx context.Context, where, path string, sync string) (*Conn, error) {
	return OpenChecked(ctx, where, path, sync, nil)
}

// Checked is an existing database file opened, locked and checked by
// Precheck ahead of OpenChecked, so that the check (which reads every page)
// overlaps other work. It holds the file's lock until OpenChecked takes it
// over or Release lets it go.
type Checked struct {
	conn *Conn
	err  error // the check's verdict, reported by OpenChecked
}

// Precheck opens, locks and checks (quick_check) the existing database at
// path, writing nothing. A missing or empty file, or one it cannot open for
// writing or lock, is left to OpenChecked, which reports what it finds; so
// Precheck returns nil then. A failed check is reported by OpenChecked.
func Precheck(ctx context.Context, where, path string) *Checked {
	if strings.ContainsRune(path, '?') {
		return nil
	}
	lock, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	if isEmpty(lock, path) || LockFile(lock) != nil {
		lock.Close()
		return nil
	}
	l, err := connect(where, path, lock)
	if err != nil {
		return &Checked{err: err}
	}
	if err := l.busyTimeout(ctx); err != nil {
		l.Close()
		return &Checked{err: err}
	}
	if err := l.checkIntact(ctx); err != nil {
		l.Close()
		return &Checked{err: err}
	}
	return &Checked{conn: l}
}

// Release closes the connection of a check OpenChecked did not take over,
// releasing the file's lock.
func (c *Checked) Release() {
	if c != nil && c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// OpenChecked is Open, taking over the connection pre checked (when not
// nil) instead of checking the file again.
func OpenChecked(ctx context.Context, where, path string, sync string, pre *Checked) (*Conn, error) {
	if strings.ContainsRune(path, '?') {
		pre.Release()
		return nil, store.Misconfigured(fmt.Errorf("%s: the path must not contain '?'", where))
	}
	if err := checkWritable(where, path); err != nil {
		pre.Release()
		return nil, err
	}
	if pre != nil {
		if pre.err != nil {
			return nil, pre.err
		}
		l := pre.conn
		pre.conn = nil
		if err := l.setup(ctx, sync, false, true); err != nil {
			l.Close()
			return nil, err
		}
		return l, nil
	}
	lock, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, FileMode)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", where, UnwrapPath(err))
	}
	if err := LockFile(lock); err != nil {
		lock.Close()
		return nil, layout.Locked(where)
	}
	fresh := isEmpty(lock, path)
	l, err := connect(where, path, lock)
	if err != nil {
		return nil, err
	}
	if err := l.busyTimeout(ctx); err != nil {
		l.Close()
		return nil, err
	}
	if err := l.setup(ctx, sync, fresh, false); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// connect opens the driver's connection to path, whose locked file is lock;
// it closes lock if it fails.
func connect(where, path string, lock *os.File) (*Conn, error) {
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
	return &Conn{where: where, conn: c, stmts: map[string]driver.Stmt{}, binders: map[string]*Binder{}, lock: lock}, nil
}

func (l *Conn) busyTimeout(ctx context.Context) error {
	if _, err := l.Exec(ctx, "PRAGMA busy_timeout = 5000"); err != nil {
		return OpenError(l.where, err)
	}
	return nil
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

// setup sets the connection's pragmas; fresh says the file is new and empty,
// checked that Precheck has checked it. An existing file is checked before
// anything could be written to it.
func (l *Conn) setup(ctx context.Context, sync string, fresh, checked bool) error {
	if fresh {
		// A new file gets 64 KiB pages: SQLite writes a WAL frame, a sorter
		// run and a checkpoint copy with a system call or two per page, and
		// system calls are most of what the first load's append and move
		// cost at 4 KiB. An existing file keeps the pages it has.
		if _, err := l.Exec(ctx, "PRAGMA page_size = 65536"); err != nil {
			return OpenError(l.where, err)
		}
	} else if !checked {
		if err := l.checkIntact(ctx); err != nil {
			return err
		}
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
