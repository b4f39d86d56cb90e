package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// sqliteStore writes to one SQLite file (modernc.org/sqlite, pure Go) in WAL
// mode with synchronous=NORMAL: a killed process loses nothing committed; a
// power cut may lose the last transactions, which the next run re-reads
// from its checkpoints.
type sqliteStore struct {
	liteBase
	path   string
	now    func() time.Time
	tables map[string]*liteTable
}

// liteTable is what the store knows of an output table in the database.
type liteTable struct {
	cols       []string // present in the database
	hasDeleted bool
	plans      map[string]*litePlan // by shape.sig
}

func newSQLite(path string) *sqliteStore {
	return &sqliteStore{liteBase: liteBase{where: "sqlite:" + path}, path: path, now: time.Now, tables: map[string]*liteTable{}}
}

func (s *sqliteStore) Open(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.l != nil {
		return fmt.Errorf("%s: already open", s.where)
	}
	l, err := openLite(ctx, s.where, s.path, "NORMAL")
	if err != nil {
		return err
	}
	if err := (liteBook{l}).ensure(ctx); err != nil {
		l.close()
		return err
	}
	s.l, s.book = l, liteBook{l}
	return nil
}

func (s *sqliteStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.l == nil {
		return nil
	}
	err := s.l.close()
	s.l = nil
	s.tables = map[string]*liteTable{}
	return err
}

// EnsureTable creates t, or adds the columns it lacks. An existing table
// with another primary key is an error: its rows could not be upserted.
func (s *sqliteStore) EnsureTable(ctx context.Context, t *Table) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(); err != nil {
		return err
	}
	if _, err := resolve(t); err != nil {
		return err
	}
	err := s.ensure(ctx, t)
	if err != nil {
		return fmt.Errorf("%s: table %q: %w", s.where, t.Name, err)
	}
	return nil
}

func (s *sqliteStore) ensure(ctx context.Context, t *Table) error {
	have, _, pk, err := s.l.liteColumns(ctx, "main", t.Name)
	if err != nil {
		return err
	}
	var ddl []string
	if have == nil {
		ddl = append(ddl, liteCreate("", t, false))
	} else {
		if !slices.Equal(pk, t.Key) {
			return fmt.Errorf("exists with primary key (%s) but the sync needs (%s): drop the table or use another file", liteList(pk), liteList(t.Key))
		}
		for _, c := range t.Columns {
			if !contains(have, c.Name) {
				ddl = append(ddl, "ALTER TABLE "+liteIdent(t.Name)+" ADD COLUMN "+liteIdent(c.Name)+" "+liteType(c.Type))
			}
		}
	}
	if t.Parent != "" {
		cols := []string{t.Parent}
		if contains(t.Key, companyIDCol) {
			cols = []string{companyIDCol, t.Parent}
		}
		ddl = append(ddl, "CREATE INDEX IF NOT EXISTS "+liteIdent(t.Name+"/parent")+" ON "+liteIdent(t.Name)+" ("+liteList(cols)+")")
	}
	if len(ddl) > 0 {
		err := s.l.tx(ctx, func() error {
			for _, q := range ddl {
				if _, err := s.l.exec(ctx, q); err != nil {
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
func (s *sqliteStore) load(ctx context.Context, table string) error {
	have, _, _, err := s.l.liteColumns(ctx, "main", table)
	if err != nil {
		return err
	}
	s.l.forget(liteIdent(table))
	s.tables[table] = &liteTable{cols: have, hasDeleted: contains(have, deletedCol), plans: map[string]*litePlan{}}
	return nil
}

func (s *sqliteStore) Apply(ctx context.Context, batches []Batch, checkpoints []Checkpoint) (Counts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(); err != nil {
		return Counts{}, err
	}
	var total Counts
	err := s.l.tx(ctx, func() error {
		for i := range batches {
			c, err := s.applyBatch(ctx, &batches[i])
			if err != nil {
				return err
			}
			batches[i].Counts = c
			total.Add(c)
		}
		if err := s.book.addTallies(ctx, tallies(batches)); err != nil {
			return err
		}
		return s.book.saveCheckpoints(ctx, checkpoints)
	})
	if err != nil {
		return Counts{}, fmt.Errorf("%s: %w", s.where, err)
	}
	return total, nil
}

// Reconcile deletes or marks the rows of companyID that keys lacks. Keys go
// to a temporary table, so memory stays flat however many there are; rows
// marked earlier that keys has again lose their mark.
func (s *sqliteStore) Reconcile(ctx context.Context, t *Table, companyID string, keys func(yield func(key []string) bool), mark bool, tally *Tally) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(); err != nil {
		return 0, err
	}
	n, err := s.reconcile(ctx, t, companyID, keys, mark, tally)
	if err != nil {
		return 0, fmt.Errorf("%s: reconciling %q: %w", s.where, t.Name, err)
	}
	return n, nil
}

// errNotEnsured is returned for a table Apply or Reconcile meets before
// EnsureTable.
var errNotEnsured = errors.New("call EnsureTable first")
