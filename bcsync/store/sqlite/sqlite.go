// Package sqlite is the store of one SQLite file (destination sqlite:PATH), in
// the layout of package store.
package sqlite

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

// Store writes to one SQLite file (modernc.org/sqlite, pure Go) in WAL
// mode with synchronous=NORMAL: a killed process loses nothing committed; a
// power cut may lose the last transactions, which the next run re-reads
// from its checkpoints.
type Store struct {
	lite.Bookkeeping
	db     lite.DB
	path   string
	now    func() time.Time
	tables map[string]*liteTable
	// staging is what the store knows of the staging tables of first
	// loads, by name (stagingName).
	staging map[string]*stagingTable
	// pre is the file checked by Precheck, for Open to take over.
	pre *lite.Checked
	// beforePublishCommit, when set (tests), runs when a Publish has done
	// all its work, just before the commit.
	beforePublishCommit func()
}

// liteTable is what the store knows of an output table in the database.
type liteTable struct {
	cols       []string // present in the database
	hasDeleted bool
	statements map[string]*statements // by layout.Resolved.Sig
}

// New returns the store of the SQLite file at path, created with its
// directory if missing. It does no I/O; Open checks the file.
func New(path string) *Store {
	s := &Store{db: lite.DB{Where: "sqlite:" + path}, path: path, now: time.Now, tables: map[string]*liteTable{}, staging: map[string]*stagingTable{}}
	s.Bookkeeping = s.db.Bookkeeping()
	return s
}

// Location implements store.Locator: the file's absolute path.
func (s *Store) Location() string { return lite.Absolute(s.path) + " (SQLite)" }

func init() {
	store.Register(store.KindSQLite, func(path string) (store.Store, error) { return New(path), nil })
}

// Open opens (creating it if needed) and locks the file, checks it, and
// creates the bookkeeping tables.
func (s *Store) Open(ctx context.Context) error {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if s.db.Conn != nil {
		return fmt.Errorf("%s: already open", s.db.Where)
	}
	pre := s.pre
	s.pre = nil
	l, err := lite.OpenChecked(ctx, s.db.Where, s.path, "NORMAL", pre)
	if err != nil {
		return err
	}
	if err := lite.NewBookkeeper(l).Ensure(ctx); err != nil {
		l.Close()
		return err
	}
	s.db.Attach(l)
	return nil
}

// Precheck opens, locks and checks an existing file ahead of Open, writing
// nothing, so that SQLite's check of every page overlaps the engine's
// planning requests; Open reports what it found and takes the connection
// over, or Close releases it. A missing or empty file is left to Open.
func (s *Store) Precheck(ctx context.Context) {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if s.db.Conn != nil || s.pre != nil {
		return
	}
	s.pre = lite.Precheck(ctx, s.db.Where, s.path)
}

// Close closes the file and releases its lock.
func (s *Store) Close() error {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	s.pre.Release()
	s.pre = nil
	if s.db.Conn == nil {
		return nil
	}
	err := s.db.Conn.Close()
	s.db.Conn = nil
	s.tables = map[string]*liteTable{}
	s.staging = map[string]*stagingTable{}
	return err
}

// EnsureTable creates t, or adds the columns it lacks. An existing table
// with another primary key is an error: its rows could not be upserted.
func (s *Store) EnsureTable(ctx context.Context, t *store.Table) error {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return err
	}
	if _, err := layout.Resolve(t); err != nil {
		return err
	}
	err := s.ensure(ctx, t)
	if err != nil {
		return fmt.Errorf("%s: table %q: %w", s.db.Where, t.Name, err)
	}
	return nil
}

func (s *Store) ensure(ctx context.Context, t *store.Table) error {
	have, _, pk, err := s.db.Conn.Columns(ctx, "main", t.Name)
	if err != nil {
		return err
	}
	var ddl []string
	if have == nil {
		ddl = append(ddl, lite.Create("", t, false))
	} else {
		if !slices.Equal(pk, t.Key) {
			return fmt.Errorf("exists with primary key (%s) but the sync needs (%s): drop the table or use another file", lite.List(pk), lite.List(t.Key))
		}
		for _, c := range t.Columns {
			if !layout.Contains(have, c.Name) {
				ddl = append(ddl, "ALTER TABLE "+lite.Ident(t.Name)+" ADD COLUMN "+lite.Ident(c.Name)+" "+lite.Type(c.Type))
			}
		}
	}
	if t.Parent != "" {
		cols := []string{t.Parent}
		if layout.Contains(t.Key, layout.CompanyIDCol) {
			cols = []string{layout.CompanyIDCol, t.Parent}
		}
		ddl = append(ddl, "CREATE INDEX IF NOT EXISTS "+lite.Ident(t.Name+"/parent")+" ON "+lite.Ident(t.Name)+" ("+lite.List(cols)+")")
	}
	if len(ddl) > 0 {
		err := s.db.Conn.Tx(ctx, func() error {
			for _, q := range ddl {
				if _, err := s.db.Conn.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return s.load(ctx, t.Name)
}

// load (re)reads the columns of table and drops its cached statements.
func (s *Store) load(ctx context.Context, table string) error {
	have, _, _, err := s.db.Conn.Columns(ctx, "main", table)
	if err != nil {
		return err
	}
	s.db.Conn.Forget(lite.Ident(table))
	s.tables[table] = &liteTable{cols: have, hasDeleted: layout.Contains(have, layout.DeletedCol), statements: map[string]*statements{}}
	return nil
}

// Apply writes batches and checkpoints in one transaction.
func (s *Store) Apply(ctx context.Context, batches []store.Batch, checkpoints []store.Checkpoint) (store.Counts, error) {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return store.Counts{}, err
	}
	var total store.Counts
	err := s.db.Conn.Tx(ctx, func() error {
		for i := range batches {
			c, err := s.applyBatch(ctx, &batches[i])
			if err != nil {
				return err
			}
			batches[i].Counts = c
			total.Add(c)
		}
		if err := s.db.Keeper.AddTallies(ctx, layout.Tallies(batches)); err != nil {
			return err
		}
		return s.db.Keeper.SaveCheckpoints(ctx, checkpoints)
	})
	if err != nil {
		s.forgetStaging()
		return store.Counts{}, fmt.Errorf("%s: %w", s.db.Where, err)
	}
	return total, nil
}

// Reconcile deletes or marks the rows of companyID that keys lacks. Keys go
// to a temporary table, so memory stays flat however many there are; rows
// marked earlier that keys has again lose their mark.
func (s *Store) Reconcile(ctx context.Context, t *store.Table, companyID string, keys func(yield func(key []string) bool), opts store.ReconcileOptions, tally *store.Tally) (int64, error) {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return 0, err
	}
	n, err := s.reconcile(ctx, t, companyID, keys, opts, tally)
	if err != nil {
		return 0, fmt.Errorf("%s: reconciling %q: %w", s.db.Where, t.Name, err)
	}
	return n, nil
}
