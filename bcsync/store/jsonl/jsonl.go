// Package jsonl is the store of JSON Lines files (destination jsonl:DIR): one
// DIR/<table>.jsonl per table, in the layout of package store, sorted by
// key and replaced whole.
package jsonl

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

// Store writes DIR/<table>.jsonl files that readers only ever see
// whole. Applied rows are appended to per-table staging files under
// DIR/.sync and indexed in DIR/.sync/state.db (SQLite), whose commit is the
// commit point of every Apply: it records the staging files' committed
// lengths with the checkpoints, so a staging file is cut back to that length
// on reopen. Close (and Open, for an interrupted run) merges each changed
// table's previous file with its staged rows into a temporary file, fsyncs
// and renames it over the old one. Files are sorted by key, so the merge
// streams the old file and the changed keys side by side in flat memory.
//
// The index holds, per key, a hash of the row's values, which makes the
// inserted/updated/unchanged counts exact while memory stays bounded: it
// lives on disk, not in the process.
type Store struct {
	lite.Bookkeeping
	db  lite.DB
	dir string
	now func() time.Time
	// beforeCommit, when set (tests), runs after the staging files are
	// written and before the commit; an error aborts the Apply.
	beforeCommit func() error

	lock   *os.File
	tables map[string]*tableState
}

// tableState is the state of one output table.
type tableState struct {
	name   string
	id     int64
	cols   []store.Column // every column the table has had, in file order
	key    []string
	parent string
	// published is how many of cols the published file has; lines written
	// before a column was added lack it until the next merge adds null.
	published int
	staged    int64 // committed length of the staging file
	dirty     bool  // the index has changes not yet published
	f         *os.File
	pending   []byte // lines of the Apply in progress
	flushed   int64  // bytes of them already written past staged
}

const jsonlMeta = "jsonl_tables"

// New returns the store of the directory dir, created if missing. It does
// no I/O; Open checks the directory.
func New(dir string) *Store {
	s := &Store{db: lite.DB{Where: "jsonl:" + dir}, dir: dir, now: time.Now, tables: map[string]*tableState{}}
	s.Bookkeeping = s.db.Bookkeeping()
	return s
}

// Location implements store.Locator: the directory's absolute path.
func (s *Store) Location() string {
	return lite.Absolute(s.dir) + " (JSON Lines, a <table>.jsonl each)"
}

func init() {
	store.Register(store.KindJSONL, func(dir string) (store.Store, error) { return New(dir), nil })
}

func (s *Store) syncDir() string { return filepath.Join(s.dir, ".sync") }

func (s *Store) Open(ctx context.Context) (err error) {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if s.db.Conn != nil {
		return fmt.Errorf("%s: already open", s.db.Where)
	}
	if err := lite.MakeDir(s.db.Where, s.syncDir()); err != nil {
		return err
	}
	probe, err := os.CreateTemp(s.dir, ".bcsync-probe-*")
	if err != nil {
		return fmt.Errorf("%s: the directory is not writable: %v", s.db.Where, lite.UnwrapPath(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	lock, err := os.OpenFile(filepath.Join(s.syncDir(), "lock"), os.O_RDWR|os.O_CREATE, lite.FileMode)
	if err != nil {
		return fmt.Errorf("%s: %v", s.db.Where, lite.UnwrapPath(err))
	}
	if err := lite.LockFile(lock); err != nil {
		lock.Close()
		return layout.Locked(s.db.Where)
	}
	s.lock = lock
	defer func() {
		if err != nil {
			s.closeAll(false)
		}
	}()
	where := s.db.Where + " (state " + filepath.Join(s.syncDir(), "state.db") + ")"
	l, err := lite.Open(ctx, where, filepath.Join(s.syncDir(), "state.db"), "NORMAL")
	if err != nil {
		return err
	}
	s.db.Attach(l)
	if err := s.db.Keeper.Ensure(ctx); err != nil {
		return err
	}
	if err := s.loadMeta(ctx); err != nil {
		return fmt.Errorf("%s: %w; remove %s to start over", where, err, s.syncDir())
	}
	// Publish what an interrupted run committed.
	return s.finalize(ctx)
}

func (s *Store) loadMeta(ctx context.Context) error {
	_, err := s.db.Conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+jsonlMeta+` (name TEXT PRIMARY KEY, id INTEGER NOT NULL,
		columns TEXT NOT NULL, key TEXT NOT NULL, parent TEXT NOT NULL, published INTEGER NOT NULL, staged INTEGER NOT NULL, dirty INTEGER NOT NULL)`)
	if err != nil {
		return err
	}
	if err := s.createStaged(ctx); err != nil {
		return err
	}
	var ts []*tableState
	err = s.db.Conn.Query(ctx, `SELECT name, id, columns, key, parent, published, staged, dirty FROM `+jsonlMeta, nil, func(row []driver.Value) error {
		t := &tableState{name: lite.AsString(row[0]), parent: lite.AsString(row[4])}
		t.id, _ = row[1].(int64)
		if err := json.Unmarshal([]byte(lite.AsString(row[2])), &t.cols); err != nil {
			return fmt.Errorf("table %q: bad columns: %w", t.name, err)
		}
		if err := json.Unmarshal([]byte(lite.AsString(row[3])), &t.key); err != nil {
			return fmt.Errorf("table %q: bad key: %w", t.name, err)
		}
		published, _ := row[5].(int64)
		t.published = int(published)
		t.staged, _ = row[6].(int64)
		dirty, _ := row[7].(int64)
		t.dirty = dirty != 0
		ts = append(ts, t)
		return nil
	})
	if err != nil {
		return err
	}
	for _, t := range ts {
		// A staging file longer than its committed length holds the
		// lines of an Apply that never committed: cut them off.
		if t.f, err = os.OpenFile(s.stagePath(t), os.O_RDWR|os.O_CREATE, lite.FileMode); err != nil {
			return err
		}
		if err := t.f.Truncate(t.staged); err != nil {
			return err
		}
		s.tables[t.name] = t
	}
	return nil
}

func (s *Store) stagePath(t *tableState) string {
	return filepath.Join(s.syncDir(), strconv.FormatInt(t.id, 10)+".stage")
}

func (s *Store) filePath(name string) string {
	return filepath.Join(s.dir, name+".jsonl")
}

// saveMeta records t's state inside the caller's transaction.
func (s *Store) saveMeta(ctx context.Context, t *tableState, staged int64, dirty bool) error {
	cols, _ := json.Marshal(t.cols)
	key, _ := json.Marshal(t.key)
	d := int64(0)
	if dirty {
		d = 1
	}
	_, err := s.db.Conn.Exec(ctx, `INSERT INTO `+jsonlMeta+` (name, id, columns, key, parent, published, staged, dirty) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET columns = excluded.columns, published = excluded.published, staged = excluded.staged, dirty = excluded.dirty`,
		t.name, t.id, string(cols), string(key), t.parent, int64(t.published), staged, d)
	return err
}

func (s *Store) Close() error {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if s.db.Conn == nil {
		return nil
	}
	err := s.finalize(context.Background())
	if cerr := s.closeAll(err == nil); err == nil {
		err = cerr
	}
	return err
}

// closeAll closes the files, state.db and, last, the lock. When everything
// was published, the emptied staging files are removed first, under the
// lock (Open creates them again).
func (s *Store) closeAll(published bool) error {
	var errs []error
	for _, t := range s.tables {
		if t.f == nil {
			continue
		}
		t.f.Close()
		if published && t.staged == 0 {
			errs = append(errs, os.Remove(s.stagePath(t)))
		}
	}
	s.tables = map[string]*tableState{}
	if s.db.Conn != nil {
		errs = append(errs, s.db.Conn.Close())
		s.db.Conn = nil
	}
	if s.lock != nil {
		s.lock.Close() // releases the flock
		s.lock = nil
	}
	return errors.Join(errs...)
}

// EnsureTable records t; new columns first publish the table's pending
// changes, so staged lines always have every column.
func (s *Store) EnsureTable(ctx context.Context, t *store.Table) error {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return err
	}
	if _, err := layout.Resolve(t); err != nil {
		return err
	}
	if err := s.ensure(ctx, t); err != nil {
		return fmt.Errorf("%s: table %q: %w", s.db.Where, t.Name, err)
	}
	return nil
}

func (s *Store) ensure(ctx context.Context, t *store.Table) error {
	if strings.ContainsAny(t.Name, `/\`) || strings.HasPrefix(t.Name, ".") {
		return fmt.Errorf("the name cannot be a file name")
	}
	jt, ok := s.tables[t.Name]
	if !ok {
		return s.create(ctx, t)
	}
	if !slices.Equal(jt.key, t.Key) {
		return fmt.Errorf("exists with key (%s) but the sync needs (%s): use another directory", strings.Join(jt.key, ", "), strings.Join(t.Key, ", "))
	}
	if jt.parent != t.Parent {
		return fmt.Errorf("exists with parent column %q but the sync needs %q: use another directory", jt.parent, t.Parent)
	}
	var add []store.Column
	for _, c := range t.Columns {
		if !slices.ContainsFunc(jt.cols, func(x store.Column) bool { return x.Name == c.Name }) {
			add = append(add, c)
		}
	}
	return s.addColumns(ctx, jt, add)
}

func (s *Store) addColumns(ctx context.Context, jt *tableState, add []store.Column) error {
	if len(add) == 0 {
		return nil
	}
	if err := s.publish(ctx, jt); err != nil {
		return err
	}
	jt.cols = append(jt.cols, add...)
	return s.db.Conn.Tx(ctx, func() error { return s.saveMeta(ctx, jt, jt.staged, jt.dirty) })
}

func (s *Store) create(ctx context.Context, t *store.Table) error {
	jt := &tableState{name: t.Name, cols: slices.Clone(t.Columns), key: slices.Clone(t.Key), parent: t.Parent}
	err := s.db.Conn.Query(ctx, `SELECT coalesce(max(id), 0) + 1 FROM `+jsonlMeta, nil, func(row []driver.Value) error {
		jt.id, _ = row[0].(int64)
		return nil
	})
	if err != nil {
		return err
	}
	idx := jsonlIndex(jt)
	keys := make([]string, len(t.Key))
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
	}
	k := strings.Join(keys, ", ")
	err = s.db.Conn.Tx(ctx, func() error {
		for _, q := range []string{
			// p: the row's parent scope; h: hash of its values (NULL: deleted
			// in this run); st, n: offset and length of its staged line; m:
			// its _deleted mark; mm: the mark is not yet published.
			"CREATE TABLE " + idx + " (" + strings.Join(keys, " TEXT NOT NULL, ") + " TEXT NOT NULL, p TEXT, h BLOB, st INTEGER, n INTEGER, m TEXT, mm INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (" + k + ")) WITHOUT ROWID",
			"CREATE INDEX " + lite.Ident(idx+"p") + " ON " + idx + " (p) WHERE p IS NOT NULL",
			// The changed keys, in key order, for the merge.
			"CREATE INDEX " + lite.Ident(idx+"c") + " ON " + idx + " (" + k + ") WHERE " + jsonlChanged,
		} {
			if _, err := s.db.Conn.Exec(ctx, q); err != nil {
				return err
			}
		}
		return s.saveMeta(ctx, jt, 0, false)
	})
	if err != nil {
		return err
	}
	if jt.f, err = os.OpenFile(s.stagePath(jt), os.O_RDWR|os.O_CREATE|os.O_TRUNC, lite.FileMode); err != nil {
		return err
	}
	s.tables[t.Name] = jt
	return nil
}

// jsonlChanged selects the index rows a merge must look at: staged, deleted
// or with a new mark. Queries repeat it so SQLite uses the partial index.
const jsonlChanged = "(st IS NOT NULL OR h IS NULL OR mm = 1)"

// jsonlIndex names t's index table in state.db.
func jsonlIndex(t *tableState) string { return `"i` + strconv.FormatInt(t.id, 10) + `"` }
