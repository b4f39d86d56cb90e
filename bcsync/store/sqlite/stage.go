package sqlite

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

// A first load is appended to a staging table of its own, one per table ×
// company, with the table's columns and no key index, so each row costs an
// append instead of an insert at a random leaf of the key index (BC's ids
// are random GUIDs). Publish then inserts the rows in key order, which
// fills the key index page by page.

// stagingName is the table that holds the first load of table for
// companyID until it is published.
func stagingName(table, companyID string) string { return "_staged/" + table + "/" + companyID }

// stagingTable is what the store knows of a staging table. Its DDL runs in
// the transaction of an Apply, so a failed Apply forgets them all
// (forgetStaging).
type stagingTable struct {
	cols    []string               // present in the database
	inserts map[string]*stagedRows // by layout.Resolved.Sig
}

// stagedRows appends rows of one column set to a staging table: chunks of
// rows in one statement, the rest one by one.
type stagedRows struct {
	many, one *rowsInsert
}

// stage appends the upserts of b to its staging table, creating it or
// adding the columns it lacks first.
func (s *Store) stage(ctx context.Context, b *store.Batch) error {
	_, ensured := s.tables[b.Table.Name]
	rt, err := layout.ResolveStaged(b, ensured)
	if err != nil {
		return err
	}
	ins, err := s.stagedRows(ctx, rt, stagingName(b.Table.Name, b.CompanyID))
	if err != nil {
		return err
	}
	rows := b.Upserts
	for n := 0; n < len(rows); {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := ins.one
		if ins.many != nil && len(rows)-n >= ins.many.rows {
			chunk = ins.many
		}
		if _, err := chunk.run(rt, rows[n:n+chunk.rows]); err != nil {
			return fmt.Errorf("rows %d-%d: %w", n, n+chunk.rows-1, err)
		}
		n += chunk.rows
	}
	release(ins.one.args)
	if ins.many != nil {
		release(ins.many.args)
	}
	return nil
}

// stagedRows returns the inserts of rt's column set into the staging table
// name, creating the table or adding the columns it lacks first.
func (s *Store) stagedRows(ctx context.Context, rt *layout.Resolved, name string) (*stagedRows, error) {
	st, ok := s.staging[name]
	if !ok {
		have, _, _, err := s.db.Conn.Columns(ctx, "main", name)
		if err != nil {
			return nil, err
		}
		st = &stagingTable{cols: have, inserts: map[string]*stagedRows{}}
		s.staging[name] = st
	}
	if ins, ok := st.inserts[rt.Sig]; ok {
		return ins, nil
	}
	var ddl []string
	if st.cols == nil {
		var defs []string
		for _, c := range rt.Table.Columns {
			defs = append(defs, lite.Ident(c.Name)+" "+lite.Type(c.Type))
		}
		ddl = append(ddl, "CREATE TABLE "+lite.Ident(name)+" ("+strings.Join(defs, ", ")+")")
	} else {
		for _, c := range rt.Table.Columns {
			if !layout.Contains(st.cols, c.Name) {
				ddl = append(ddl, "ALTER TABLE "+lite.Ident(name)+" ADD COLUMN "+lite.Ident(c.Name)+" "+lite.Type(c.Type))
			}
		}
	}
	for _, q := range ddl {
		if _, err := s.db.Conn.Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	for _, c := range rt.Table.Columns {
		if !layout.Contains(st.cols, c.Name) {
			st.cols = append(st.cols, c.Name)
		}
	}
	cols := make([]string, len(rt.Table.Columns))
	for i, c := range rt.Table.Columns {
		cols[i] = lite.Ident(c.Name)
	}
	insert := "INSERT INTO " + lite.Ident(name)
	many, err := s.rowsInsert(ctx, insert, cols)
	if err != nil {
		return nil, err
	}
	one, err := s.prepareRows(ctx, insert, cols, 1)
	if err != nil {
		return nil, err
	}
	ins := &stagedRows{many: many, one: one}
	st.inserts[rt.Sig] = ins
	return ins, nil
}

// Publish moves the rows staged for t and companyID into t in key order,
// and saves w and checkpoints, in one transaction.
func (s *Store) Publish(ctx context.Context, t *store.Table, companyID string, w *store.Watermark, checkpoints []store.Checkpoint, tally *store.Tally) (store.Counts, error) {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return store.Counts{}, err
	}
	// The move's sort takes its memory while the heap the load's pages
	// left still counts as resident: handing that back to the OS first
	// keeps the two from adding up to the run's peak.
	debug.FreeOSMemory()
	var c store.Counts
	err := s.db.Conn.Tx(ctx, func() (err error) {
		if c, err = s.move(ctx, t, companyID); err != nil {
			return err
		}
		if w != nil {
			if err := s.db.Keeper.SaveWatermark(ctx, *w); err != nil {
				return err
			}
		}
		if tally != nil {
			if err := s.db.Keeper.AddTallies(ctx, []layout.TallyRow{{Tally: *tally, Counts: c}}); err != nil {
				return err
			}
		}
		if err := s.db.Keeper.SaveCheckpoints(ctx, checkpoints); err != nil {
			return err
		}
		if s.beforePublishCommit != nil {
			s.beforePublishCommit()
		}
		return nil
	})
	// The staging table is gone, or still there after a rollback: either
	// way its cached state is stale.
	s.db.Conn.Forget(lite.Ident(stagingName(t.Name, companyID)))
	delete(s.staging, stagingName(t.Name, companyID))
	if err != nil {
		return store.Counts{}, fmt.Errorf("%s: publishing %q: %w", s.db.Where, t.Name, err)
	}
	return c, nil
}

// move inserts the staged rows into t, newest of each key only, in key
// order, updating the rows t has with a staged key when they differ, and
// drops the staging table. The counts: inserted are the keys t lacked,
// updated the rows that differed, unchanged the rest of the staged keys.
func (s *Store) move(ctx context.Context, t *store.Table, companyID string) (store.Counts, error) {
	var c store.Counts
	rt, err := layout.Resolve(t)
	if err != nil {
		return c, err
	}
	lt, ok := s.tables[t.Name]
	if !ok {
		return c, fmt.Errorf("table %q: %w", t.Name, layout.ErrNotEnsured)
	}
	name := stagingName(t.Name, companyID)
	staged, _, _, err := s.db.Conn.Columns(ctx, "main", name)
	if err != nil || staged == nil {
		return c, err // nothing staged: an empty first load
	}
	for _, col := range staged {
		if !layout.Contains(lt.cols, col) {
			return c, fmt.Errorf("staged column %q: %w", col, layout.ErrNotEnsured)
		}
	}
	scope, args := "", []any(nil)
	if rt.CompanyIdx >= 0 {
		scope, args = " WHERE "+lite.Ident(layout.CompanyIDCol)+" = ?", []any{decode.Stored(t.Columns[rt.CompanyIdx].Type, companyID)}
	}
	count := "SELECT count(*) FROM " + lite.Ident(t.Name) + scope
	before, err := s.db.Conn.Count(ctx, count, args...)
	if err != nil {
		return c, err
	}
	changed, err := s.db.Conn.Exec(ctx, moveSQL(t, lt, staged, name, before == 0))
	if err != nil {
		return c, err
	}
	after := before + changed
	if before > 0 {
		if after, err = s.db.Conn.Count(ctx, count, args...); err != nil {
			return c, err
		}
	}
	c.Inserted = after - before
	c.Updated = changed - c.Inserted
	if before > 0 {
		keys, err := s.db.Conn.Count(ctx, "SELECT count(*) FROM (SELECT 1 FROM "+lite.Ident(name)+" GROUP BY "+lite.List(t.Key)+")")
		if err != nil {
			return c, err
		}
		c.Unchanged = keys - changed
	}
	_, err = s.db.Conn.Exec(ctx, "DROP TABLE "+lite.Ident(name))
	return c, err
}

// moveSQL is the INSERT … SELECT of a move: of each key the staged row with
// the newest lastModifiedDateTime, then the one staged last (the highest
// rowid), in key order; a key t has already is updated when a column
// differs, and loses its delete mark.
//
// Into a table that holds none of the company's rows (empty, the usual
// first load), the rows go in sorted by key and then newest first, and
// every row after the first of its key is dropped as a conflict: one sort,
// and no window. Otherwise a window picks each key's newest (it sorts the
// rows by key once; an ORDER BY around it would sort them all again, for
// the order they already come in), so that only that row is compared with
// the stored one.
//
// A staging table holds one company's rows, so the sort leaves companyId
// out of the key: SQLite's sorter decides most comparisons on the first
// column alone when it is text, and companyId never decides one.
func moveSQL(t *store.Table, lt *liteTable, staged []string, name string, empty bool) string {
	newest := "rowid DESC"
	if layout.Contains(staged, store.ModifiedCol) {
		newest = lite.Ident(store.ModifiedCol) + " DESC, " + newest
	}
	sortKey := t.Key
	if k := slices.DeleteFunc(slices.Clone(t.Key), func(c string) bool { return c == layout.CompanyIDCol }); len(k) > 0 {
		sortKey = k
	}
	cols := lite.List(staged)
	if empty {
		return "INSERT INTO " + lite.Ident(t.Name) + " (" + cols + ") SELECT " + cols + " FROM " + lite.Ident(name) +
			" WHERE true ORDER BY " + lite.List(sortKey) + ", " + newest + " ON CONFLICT (" + lite.List(t.Key) + ") DO NOTHING"
	}
	var set, differ []string
	for _, col := range staged {
		if layout.Contains(t.Key, col) {
			continue
		}
		q := lite.Ident(col)
		set = append(set, q+" = excluded."+q)
		differ = append(differ, lite.Ident(t.Name)+"."+q+" IS NOT excluded."+q)
	}
	if lt.hasDeleted {
		set = append(set, lite.Ident(layout.DeletedCol)+" = NULL")
		differ = append(differ, lite.Ident(t.Name)+"."+lite.Ident(layout.DeletedCol)+" IS NOT NULL")
	}
	q := "INSERT INTO " + lite.Ident(t.Name) + " (" + cols + ") SELECT " + cols + " FROM (SELECT " + cols +
		", row_number() OVER (PARTITION BY " + lite.List(sortKey) + " ORDER BY " + newest + ") AS \"_n\" FROM " + lite.Ident(name) +
		") WHERE \"_n\" = 1 ON CONFLICT (" + lite.List(t.Key) + ") DO "
	if len(set) == 0 {
		return q + "NOTHING"
	}
	return q + "UPDATE SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(differ, " OR ")
}

// DiscardStaged drops what a first load of t for companyID staged.
func (s *Store) DiscardStaged(ctx context.Context, t *store.Table, companyID string) error {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return err
	}
	name := stagingName(t.Name, companyID)
	s.db.Conn.Forget(lite.Ident(name))
	delete(s.staging, name)
	err := s.db.Conn.Tx(ctx, func() error {
		_, err := s.db.Conn.Exec(ctx, "DROP TABLE IF EXISTS "+lite.Ident(name))
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: discarding the staged rows of %q: %w", s.db.Where, t.Name, err)
	}
	return nil
}

// forgetStaging drops what the store knows of staging tables, after a
// transaction that may have created or changed some was rolled back.
func (s *Store) forgetStaging() {
	s.db.Conn.Forget(`"_staged/`)
	s.staging = map[string]*stagingTable{}
}
