package sqlite

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

// statements holds the prepared statements and reusable argument slices for
// one table and column set, so upserting a row allocates nothing of its own.
type statements struct {
	rt *layout.Resolved
	// ins inserts a row unless its key exists; upd then updates it only if
	// a column differs. changes() of each tells inserted/updated/unchanged.
	ins, upd         driver.Stmt
	insArgs, updArgs []driver.NamedValue
	nonKey           []int
	// many inserts a chunk of rows at once, for batches of new rows: one
	// statement per chunk instead of per row; nil when a chunk would be one.
	many *rowsInsert
	// keep records the keys of a batch that replaces parents' children.
	keep     driver.Stmt
	keepArgs []driver.NamedValue
	keepName string
}

// release drops the values of reused arguments so they can be collected.
func release(a []driver.NamedValue) {
	for i := range a {
		a[i].Value = nil
	}
}

// statements returns the statements of t's column set, preparing them once.
func (s *Store) statements(ctx context.Context, t *store.Table) (*statements, error) {
	lt, ok := s.tables[t.Name]
	if !ok {
		return nil, fmt.Errorf("table %q: %w", t.Name, layout.ErrNotEnsured)
	}
	rt, err := layout.Resolve(t)
	if err != nil {
		return nil, err
	}
	if p, ok := lt.statements[rt.Sig]; ok {
		p.rt = rt
		return p, nil
	}
	for _, c := range t.Columns {
		if !layout.Contains(lt.cols, c.Name) {
			return nil, fmt.Errorf("table %q: column %q: %w", t.Name, c.Name, layout.ErrNotEnsured)
		}
	}
	p := &statements{rt: rt}
	name := lite.Ident(t.Name)
	var cols, set, differ, where []string
	for i, c := range t.Columns {
		q := lite.Ident(c.Name)
		cols = append(cols, q)
		if !rt.IsKey(i) {
			p.nonKey = append(p.nonKey, i)
			set = append(set, q+" = ?")
			differ = append(differ, q+" IS NOT ?")
		}
	}
	for _, k := range t.Key {
		where = append(where, lite.Ident(k)+" = ?")
	}
	if lt.hasDeleted {
		// Upserting a row marked deleted brings it back.
		set = append(set, lite.Ident(layout.DeletedCol)+" = NULL")
		differ = append(differ, lite.Ident(layout.DeletedCol)+" IS NOT NULL")
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	insert := "INSERT INTO " + name + " (" + strings.Join(cols, ", ") + ") VALUES "
	if p.ins, err = s.db.Conn.Stmt(ctx, insert+row+" ON CONFLICT DO NOTHING"); err != nil {
		return nil, err
	}
	p.insArgs = lite.Ordinals(len(cols))
	// OR IGNORE rather than ON CONFLICT DO NOTHING: the same for rows whose
	// keys are checked not NULL, but a statement that cannot abort half-way
	// needs no statement journal, which SQLite would otherwise write for
	// every page the chunk touches.
	if p.many, err = s.rowsInsert(ctx, "INSERT OR IGNORE INTO "+name, cols); err != nil {
		return nil, err
	}
	if len(set) > 0 {
		q := "UPDATE " + name + " SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(where, " AND ") +
			" AND (" + strings.Join(differ, " OR ") + ")"
		if p.upd, err = s.db.Conn.Stmt(ctx, q); err != nil {
			return nil, err
		}
		p.updArgs = lite.Ordinals(2*len(p.nonKey) + len(rt.KeyIdx))
	}
	lt.statements[rt.Sig] = p
	return p, nil
}

func (s *Store) applyBatch(ctx context.Context, b *store.Batch) (store.Counts, error) {
	var c store.Counts
	if b.Table == nil {
		return c, fmt.Errorf("batch without a table")
	}
	if b.Stage {
		return c, s.stage(ctx, b)
	}
	p, err := s.statements(ctx, b.Table)
	if err != nil {
		return c, err
	}
	rt := p.rt
	replacing := len(b.ReplaceParents) > 0
	if replacing && p.many != nil {
		// Parents without children yet (a first load) have nothing to
		// replace: their children are new rows, inserted in chunks.
		has, err := s.hasChildren(ctx, rt, b)
		if err != nil {
			return c, err
		}
		replacing = has
	}
	if replacing {
		if err := s.prepareKeep(ctx, p); err != nil {
			return c, err
		}
	}
	rows := b.Upserts
	// Full chunks of new rows go in one statement each. A chunk that meets
	// existing keys inserts the new rows only; its rows are then updated
	// one by one (those it just inserted compare equal and stay as they
	// are), and the rest of the batch is upserted row by row: it is not a
	// batch of new rows.
	chunked := p.many != nil && !replacing
	for n := 0; n < len(rows); {
		if err := ctx.Err(); err != nil {
			return c, err
		}
		if chunked && len(rows)-n >= p.many.rows {
			chunk := rows[n : n+p.many.rows]
			ins, err := p.many.run(rt, chunk)
			if err != nil {
				return c, fmt.Errorf("rows %d-%d: %w", n, n+len(chunk)-1, err)
			}
			c.Inserted += ins
			if ins < int64(len(chunk)) {
				chunked = false
				updated := int64(0)
				for j, r := range chunk {
					ok, err := s.updateRow(p, r)
					if err != nil {
						return c, fmt.Errorf("row %d: %w", n+j, err)
					}
					if ok {
						updated++
					}
				}
				c.Updated += updated
				c.Unchanged += int64(len(chunk)) - ins - updated
			}
			n += len(chunk)
			continue
		}
		for end := min(n+256, len(rows)); n < end; n++ {
			if err := s.upsertRow(p, rows[n], replacing, &c); err != nil {
				return c, fmt.Errorf("row %d: %w", n, err)
			}
		}
	}
	if replacing {
		n, err := s.dropOthers(ctx, p, b)
		if err != nil {
			return c, err
		}
		c.Deleted += n
	}
	if len(b.Deletes) > 0 {
		n, err := s.deleteKeys(ctx, rt, b.Deletes)
		if err != nil {
			return c, err
		}
		c.Deleted += n
	}
	release(p.insArgs)
	release(p.updArgs)
	if p.many != nil {
		release(p.many.args)
	}
	return c, nil
}

// bindRow sets the insert's arguments to r.
func (p *statements) bindRow(r store.Row) error {
	rt := p.rt
	if err := rt.CheckRow(r); err != nil {
		return err
	}
	for i := range r {
		a := &p.insArgs[i]
		if x, ok := a.Value.(string); ok && r[i].Valid && x == r[i].Text && lite.Type(rt.Table.Columns[i].Type) == "TEXT" {
			continue // as the row before
		}
		var err error
		if a.Value, err = liteValue(rt, i, r[i]); err != nil {
			return err
		}
	}
	return nil
}

// update updates the row with the key of the bound row if a column differs,
// and reports whether it did.
func (s *Store) update(p *statements) (bool, error) {
	if p.upd == nil {
		return false, nil
	}
	// SET the non-key columns, WHERE the key, AND one of them differs.
	rt := p.rt
	a, nk := p.updArgs, len(p.nonKey)
	for j, i := range p.nonKey {
		a[j].Value = p.insArgs[i].Value
		a[nk+len(rt.KeyIdx)+j].Value = p.insArgs[i].Value
	}
	for j, i := range rt.KeyIdx {
		a[nk+j].Value = p.insArgs[i].Value
	}
	ch, err := lite.RunStmt(p.upd, a)
	if err != nil {
		return false, fmt.Errorf("table %q: %w", rt.Table.Name, err)
	}
	return ch > 0, nil
}

// updateRow updates the row with r's key to r if a column differs.
func (s *Store) updateRow(p *statements, r store.Row) (bool, error) {
	if err := p.bindRow(r); err != nil {
		return false, err
	}
	return s.update(p)
}

// upsertRow inserts r, or updates the row with its key if it differs.
func (s *Store) upsertRow(p *statements, r store.Row, replacing bool, c *store.Counts) error {
	rt := p.rt
	if err := p.bindRow(r); err != nil {
		return err
	}
	ch, err := lite.RunStmt(p.ins, p.insArgs)
	if err != nil {
		return fmt.Errorf("table %q: %w", rt.Table.Name, err)
	}
	if ch > 0 {
		c.Inserted++
	} else if ok, err := s.update(p); err != nil {
		return err
	} else if ok {
		c.Updated++
	} else {
		c.Unchanged++
	}
	if replacing {
		for j, i := range rt.KeyIdx {
			p.keepArgs[j].Value = p.insArgs[i].Value
		}
		if _, err := lite.RunStmt(p.keep, p.keepArgs); err != nil {
			return err
		}
	}
	return nil
}
