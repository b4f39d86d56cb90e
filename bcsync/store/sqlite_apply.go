package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// litePlan holds the prepared statements and reusable argument slices for
// one table and column set, so upserting a row allocates nothing of its own.
type litePlan struct {
	sh *shape
	// ins inserts a row unless its key exists; upd then updates it only if
	// a column differs. changes() of each tells inserted/updated/unchanged.
	ins, upd         driver.Stmt
	insArgs, updArgs []driver.NamedValue
	nonKey           []int
	// many inserts chunk rows at once, for batches of new rows: one
	// statement per chunk instead of per row.
	many     driver.Stmt
	manyArgs []driver.NamedValue
	chunk    int
	// keep records the keys of a batch that replaces parents' children.
	keep     driver.Stmt
	keepArgs []driver.NamedValue
	keepName string
}

func ordinals(n int) []driver.NamedValue {
	a := make([]driver.NamedValue, n)
	for i := range a {
		a[i].Ordinal = i + 1
	}
	return a
}

// release drops the values of reused arguments so they can be collected.
func release(a []driver.NamedValue) {
	for i := range a {
		a[i].Value = nil
	}
}

func (s *sqliteStore) plan(ctx context.Context, t *Table) (*litePlan, error) {
	lt, ok := s.tables[t.Name]
	if !ok {
		return nil, fmt.Errorf("table %q: %w", t.Name, errNotEnsured)
	}
	sh, err := resolve(t)
	if err != nil {
		return nil, err
	}
	if p, ok := lt.plans[sh.sig]; ok {
		p.sh = sh
		return p, nil
	}
	for _, c := range t.Columns {
		if !contains(lt.cols, c.Name) {
			return nil, fmt.Errorf("table %q: column %q: %w", t.Name, c.Name, errNotEnsured)
		}
	}
	p := &litePlan{sh: sh}
	name := liteIdent(t.Name)
	var cols, set, differ, where []string
	for i, c := range t.Columns {
		q := liteIdent(c.Name)
		cols = append(cols, q)
		if !sh.isKey(i) {
			p.nonKey = append(p.nonKey, i)
			set = append(set, q+" = ?")
			differ = append(differ, q+" IS NOT ?")
		}
	}
	for _, k := range t.Key {
		where = append(where, liteIdent(k)+" = ?")
	}
	if lt.hasDeleted {
		// Upserting a row marked deleted brings it back.
		set = append(set, liteIdent(deletedCol)+" = NULL")
		differ = append(differ, liteIdent(deletedCol)+" IS NOT NULL")
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	insert := "INSERT INTO " + name + " (" + strings.Join(cols, ", ") + ") VALUES "
	if p.ins, err = s.l.stmt(ctx, insert+row+" ON CONFLICT DO NOTHING"); err != nil {
		return nil, err
	}
	p.insArgs = ordinals(len(cols))
	p.chunk = min(liteChunk, liteMaxParams/len(cols))
	if p.chunk > 1 {
		// OR IGNORE rather than ON CONFLICT DO NOTHING: the same for rows
		// whose keys are checked not NULL, but a statement that cannot
		// abort half-way needs no statement journal, which SQLite would
		// otherwise write for every page the chunk touches.
		q := "INSERT OR IGNORE" + strings.TrimPrefix(insert, "INSERT") + strings.TrimSuffix(strings.Repeat(row+", ", p.chunk), ", ")
		if p.many, err = s.l.stmt(ctx, q); err != nil {
			return nil, err
		}
		p.manyArgs = ordinals(p.chunk * len(cols))
	}
	if len(set) > 0 {
		q := "UPDATE " + name + " SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(where, " AND ") +
			" AND (" + strings.Join(differ, " OR ") + ")"
		if p.upd, err = s.l.stmt(ctx, q); err != nil {
			return nil, err
		}
		p.updArgs = ordinals(2*len(p.nonKey) + len(sh.keyIdx))
	}
	lt.plans[sh.sig] = p
	return p, nil
}

// Chunked inserts: rows per statement, and SQLite's limit on parameters.
const (
	liteChunk     = 32
	liteMaxParams = 32766
)

// liteValue converts a cell to what SQLite stores: int64 for integers and
// booleans, float64 for floats, text for the rest.
func liteValue(sh *shape, i int, v Value) (driver.Value, error) {
	if !v.Valid {
		return nil, nil
	}
	c := sh.t.Columns[i]
	switch c.Type {
	case Int:
		n, err := strconv.ParseInt(v.Text, 10, 64)
		if err != nil {
			return nil, checkValue(sh.t.Name, c.Name, c.Type, v.Text)
		}
		return n, nil
	case Bool:
		b, ok := parseBool(v.Text)
		if !ok {
			return nil, checkValue(sh.t.Name, c.Name, c.Type, v.Text)
		}
		if b {
			return int64(1), nil
		}
		return int64(0), nil
	case Float:
		f, err := strconv.ParseFloat(v.Text, 64)
		if err != nil {
			return nil, checkValue(sh.t.Name, c.Name, c.Type, v.Text)
		}
		return f, nil
	case Decimal:
		if !isNumber(v.Text) {
			return nil, checkValue(sh.t.Name, c.Name, c.Type, v.Text)
		}
	}
	return norm(c.Type, v.Text), nil
}

func (s *sqliteStore) applyBatch(ctx context.Context, b *Batch) (Counts, error) {
	var c Counts
	if b.Table == nil {
		return c, fmt.Errorf("batch without a table")
	}
	p, err := s.plan(ctx, b.Table)
	if err != nil {
		return c, err
	}
	sh := p.sh
	replacing := len(b.ReplaceParents) > 0
	if replacing && p.many != nil {
		// Parents without children yet (a first load) have nothing to
		// replace: their children are new rows, inserted in chunks.
		has, err := s.hasChildren(ctx, sh, b)
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
		if chunked && len(rows)-n >= p.chunk {
			chunk := rows[n : n+p.chunk]
			ins, err := s.insertChunk(p, chunk)
			if err != nil {
				return c, fmt.Errorf("rows %d-%d: %w", n, n+p.chunk-1, err)
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
			n += p.chunk
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
		n, err := s.deleteKeys(ctx, sh, b.Deletes)
		if err != nil {
			return c, err
		}
		c.Deleted += n
	}
	release(p.insArgs)
	release(p.updArgs)
	release(p.manyArgs)
	return c, nil
}

// insertChunk inserts the rows of a full chunk whose keys are new in one
// statement and returns how many it inserted.
func (s *sqliteStore) insertChunk(p *litePlan, rows []Row) (int64, error) {
	nc := len(p.sh.t.Columns)
	for j, r := range rows {
		if err := p.sh.checkRow(r); err != nil {
			return 0, err
		}
		for i := range r {
			a := &p.manyArgs[j*nc+i]
			prev := &p.manyArgs[max(j-1, 0)*nc+i]
			if j == 0 {
				prev = a // the same slot in the previous chunk
			}
			// A text equal to the row before's reuses its boxed value:
			// company ids, dates, account numbers repeat a lot.
			if x, ok := prev.Value.(string); ok && r[i].Valid && x == r[i].Text && liteType(p.sh.t.Columns[i].Type) == "TEXT" {
				a.Value = prev.Value
				continue
			}
			var err error
			if a.Value, err = liteValue(p.sh, i, r[i]); err != nil {
				return 0, err
			}
		}
	}
	n, err := run(p.many, p.manyArgs)
	if err != nil {
		return 0, fmt.Errorf("table %q: %w", p.sh.t.Name, err)
	}
	return n, nil
}

// bindRow sets the insert's arguments to r.
func (p *litePlan) bindRow(r Row) error {
	sh := p.sh
	if err := sh.checkRow(r); err != nil {
		return err
	}
	for i := range r {
		a := &p.insArgs[i]
		if x, ok := a.Value.(string); ok && r[i].Valid && x == r[i].Text && liteType(sh.t.Columns[i].Type) == "TEXT" {
			continue // as the row before
		}
		var err error
		if a.Value, err = liteValue(sh, i, r[i]); err != nil {
			return err
		}
	}
	return nil
}

// update updates the row with the key of the bound row if a column differs,
// and reports whether it did.
func (s *sqliteStore) update(p *litePlan) (bool, error) {
	if p.upd == nil {
		return false, nil
	}
	// SET the non-key columns, WHERE the key, AND one of them differs.
	sh := p.sh
	a, nk := p.updArgs, len(p.nonKey)
	for j, i := range p.nonKey {
		a[j].Value = p.insArgs[i].Value
		a[nk+len(sh.keyIdx)+j].Value = p.insArgs[i].Value
	}
	for j, i := range sh.keyIdx {
		a[nk+j].Value = p.insArgs[i].Value
	}
	ch, err := run(p.upd, a)
	if err != nil {
		return false, fmt.Errorf("table %q: %w", sh.t.Name, err)
	}
	return ch > 0, nil
}

// updateRow updates the row with r's key to r if a column differs.
func (s *sqliteStore) updateRow(p *litePlan, r Row) (bool, error) {
	if err := p.bindRow(r); err != nil {
		return false, err
	}
	return s.update(p)
}

// upsertRow inserts r, or updates the row with its key if it differs.
func (s *sqliteStore) upsertRow(p *litePlan, r Row, replacing bool, c *Counts) error {
	sh := p.sh
	if err := p.bindRow(r); err != nil {
		return err
	}
	ch, err := run(p.ins, p.insArgs)
	if err != nil {
		return fmt.Errorf("table %q: %w", sh.t.Name, err)
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
		for j, i := range sh.keyIdx {
			p.keepArgs[j].Value = p.insArgs[i].Value
		}
		if _, err := run(p.keep, p.keepArgs); err != nil {
			return err
		}
	}
	return nil
}
