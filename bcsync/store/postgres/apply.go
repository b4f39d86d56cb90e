package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/jackc/pgx/v5"
)

// statements holds the SQL for one table and column set.
type statements struct {
	rt    *layout.Resolved
	stage string // session-local staging table, all TEXT columns
	cols  []string
	// create makes the staging table; rows are dropped at each commit.
	create string
	// upsert merges the staging table into the table and returns how many
	// rows it inserted and updated; the rest were unchanged.
	upsert string
	// others deletes the children of parents $1 (of company $2) that the
	// staged batch lacks.
	others string
	// del deletes the keys given as one text array per key column.
	del string
	// conflict is the upsert's ON CONFLICT action: update a row that
	// differs, bringing back a row marked deleted.
	conflict string
}

// pgCast is the expression converting staged text x to column type t.
func pgCast(x string, t store.ColType) string {
	if t == store.Text {
		return x
	}
	return x + "::" + pgType(t)
}

// pgKeyMatch is "row t0 has the key of staged row x", casting x's text.
func pgKeyMatch(rt *layout.Resolved, x string, xcol func(j int) string) string {
	parts := make([]string, len(rt.KeyIdx))
	for j, i := range rt.KeyIdx {
		c := rt.Table.Columns[i]
		parts[j] = "t0." + pgIdent(c.Name) + " = " + pgCast(x+"."+xcol(j), c.Type)
	}
	return strings.Join(parts, " AND ")
}

// statements returns the SQL of t's column set, building it once.
func (s *Store) statements(t *store.Table) (*statements, error) {
	pt, ok := s.tables[t.Name]
	if !ok {
		return nil, fmt.Errorf("table %q: %w", t.Name, layout.ErrNotEnsured)
	}
	rt, err := layout.Resolve(t)
	if err != nil {
		return nil, err
	}
	if p, ok := pt.statements[rt.Sig]; ok {
		p.rt = rt
		return p, nil
	}
	for _, c := range t.Columns {
		if !layout.Contains(pt.cols, c.Name) {
			return nil, fmt.Errorf("table %q: column %q: %w", t.Name, c.Name, layout.ErrNotEnsured)
		}
	}
	s.stages++
	p := &statements{rt: rt, stage: "_bcsync_stage_" + strconv.Itoa(s.stages), cols: layout.ColumnNames(t)}
	name := pgIdent(t.Name)
	var defs, casts, set, old, new []string
	for i, c := range t.Columns {
		q := pgIdent(c.Name)
		defs = append(defs, q+" TEXT")
		casts = append(casts, pgCast("s."+q, c.Type))
		if rt.IsKey(i) {
			continue
		}
		set = append(set, q+" = EXCLUDED."+q)
		if c.Type == store.Decimal {
			// 1000.0 and 1000.00 are equal numbers but not the same text.
			old, new = append(old, "t0."+q+"::text"), append(new, "EXCLUDED."+q+"::text")
		} else {
			old, new = append(old, "t0."+q), append(new, "EXCLUDED."+q)
		}
	}
	p.create = "CREATE TEMP TABLE IF NOT EXISTS " + pgIdent(p.stage) + " (" + strings.Join(defs, ", ") + ") ON COMMIT DELETE ROWS"
	conflict := "DO NOTHING"
	if len(set) > 0 || pt.hasDeleted {
		differ := []string{}
		if len(set) > 0 {
			differ = append(differ, "ROW("+strings.Join(old, ", ")+") IS DISTINCT FROM ROW("+strings.Join(new, ", ")+")")
		}
		if pt.hasDeleted {
			// Upserting a row marked deleted brings it back.
			set = append(set, pgIdent(layout.DeletedCol)+" = NULL")
			differ = append(differ, "t0."+pgIdent(layout.DeletedCol)+" IS NOT NULL")
		}
		conflict = "DO UPDATE SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(differ, " OR ")
	}
	p.conflict = conflict
	p.upsert = "WITH up AS (INSERT INTO " + name + " AS t0 (" + pgList(p.cols) + ") SELECT " + strings.Join(casts, ", ") +
		" FROM " + pgIdent(p.stage) + " AS s ON CONFLICT (" + pgList(t.Key) + ") " + conflict +
		" RETURNING (t0.xmax = 0) AS ins) SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM up"
	keyCol := func(j int) string { return pgIdent(t.Columns[rt.KeyIdx[j]].Name) }
	if rt.ParentIdx >= 0 {
		pc := t.Columns[rt.ParentIdx]
		parents := "$1::text[]"
		if pc.Type != store.Text {
			parents += "::" + pgType(pc.Type) + "[]"
		}
		q := "DELETE FROM " + name + " AS t0 WHERE t0." + pgIdent(pc.Name) + " = ANY(" + parents + ")"
		if rt.CompanyIdx >= 0 {
			q += " AND t0." + pgIdent(layout.CompanyIDCol) + " = " + pgCast("$2::text", t.Columns[rt.CompanyIdx].Type)
		}
		p.others = q + " AND NOT EXISTS (SELECT 1 FROM " + pgIdent(p.stage) + " AS s WHERE " + pgKeyMatch(rt, "s", keyCol) + ")"
	}
	arrays, names := make([]string, len(rt.KeyIdx)), make([]string, len(rt.KeyIdx))
	for j := range rt.KeyIdx {
		arrays[j] = "$" + strconv.Itoa(j+1) + "::text[]"
		names[j] = "c" + strconv.Itoa(j)
	}
	p.del = "DELETE FROM " + name + " AS t0 USING unnest(" + strings.Join(arrays, ", ") + ") AS d(" + strings.Join(names, ", ") + ") WHERE " +
		pgKeyMatch(rt, "d", func(j int) string { return names[j] })
	pt.statements[rt.Sig] = p
	return p, nil
}

func (s *Store) Apply(ctx context.Context, batches []store.Batch, checkpoints []store.Checkpoint) (store.Counts, error) {
	var total store.Counts
	err := s.locked(ctx, "applying", func() error {
		used := map[*statements]bool{}
		return pgx.BeginFunc(ctx, s.conn, func(tx pgx.Tx) error {
			for i := range batches {
				if batches[i].Stage {
					if err := s.stage(ctx, tx, &batches[i]); err != nil {
						return err
					}
					continue
				}
				c, err := s.applyBatch(ctx, tx, &batches[i], used)
				if err != nil {
					return err
				}
				batches[i].Counts = c
				total.Add(c)
			}
			if err := pgAddTallies(ctx, tx, layout.Tallies(batches)); err != nil {
				return err
			}
			return pgSaveCheckpoints(ctx, tx, checkpoints)
		})
	})
	if err != nil {
		return store.Counts{}, err
	}
	return total, nil
}

// dedupe keeps the last row of each key, counting an earlier duplicate as
// updated or unchanged against the row that follows it, as if applied in
// order (the database cannot upsert one key twice in a statement).
func dedupe(rt *layout.Resolved, rows []store.Row, c *store.Counts) ([]store.Row, error) {
	if err := checkRows(rt, rows); err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return rows, nil
	}
	seen := make(map[string]int, len(rows))
	out := make([]store.Row, 0, len(rows))
	var kb []byte
	for _, r := range rows {
		kb = kb[:0]
		for _, i := range rt.KeyIdx {
			kb = layout.AppendKey(kb, decode.Stored(rt.Table.Columns[i].Type, r[i].Text))
		}
		if j, dup := seen[string(kb)]; dup {
			if sameRow(out[j], r) {
				c.Unchanged++
			} else {
				c.Updated++
			}
			out[j] = r
			continue
		}
		seen[string(kb)] = len(out)
		out = append(out, r)
	}
	return out, nil
}

// checkRows checks rows and their values before PostgreSQL sees them, so
// a bad value fails with the column it is in.
func checkRows(rt *layout.Resolved, rows []store.Row) error {
	for _, r := range rows {
		if err := rt.CheckRow(r); err != nil {
			return err
		}
		for i, v := range r {
			if v.Valid {
				col := rt.Table.Columns[i]
				if err := decode.Check(rt.Table.Name, col.Name, col.Type, v.Text); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func sameRow(a, b store.Row) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (s *Store) applyBatch(ctx context.Context, tx pgx.Tx, b *store.Batch, used map[*statements]bool) (store.Counts, error) {
	var c store.Counts
	if b.Table == nil {
		return c, fmt.Errorf("batch without a table")
	}
	p, err := s.statements(b.Table)
	if err != nil {
		return c, err
	}
	rt := p.rt
	rows, err := dedupe(rt, b.Upserts, &c)
	if err != nil {
		return c, err
	}
	if len(rows) > 0 || len(b.ReplaceParents) > 0 {
		if used[p] {
			_, err = tx.Exec(ctx, "DELETE FROM "+pgIdent(p.stage))
		} else {
			_, err = tx.Exec(ctx, p.create)
		}
		if err != nil {
			return c, err
		}
		used[p] = true
	}
	if len(rows) > 0 {
		vals := make([]any, len(rt.Table.Columns))
		n := 0
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if n == len(rows) {
				return nil, nil
			}
			for i, v := range rows[n] {
				if v.Valid {
					vals[i] = decode.Stored(rt.Table.Columns[i].Type, v.Text)
				} else {
					vals[i] = nil
				}
			}
			n++
			return vals, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{p.stage}, p.cols, src); err != nil {
			return c, fmt.Errorf("table %q: staging rows: %w", rt.Table.Name, err)
		}
		var ins, upd int64
		if err := tx.QueryRow(ctx, p.upsert).Scan(&ins, &upd); err != nil {
			return c, fmt.Errorf("table %q: %w", rt.Table.Name, err)
		}
		c.Inserted += ins
		c.Updated += upd
		c.Unchanged += int64(len(rows)) - ins - upd
	}
	if len(b.ReplaceParents) > 0 {
		args := []any{b.ReplaceParents}
		if rt.CompanyIdx >= 0 {
			args = append(args, b.CompanyID)
		}
		tag, err := tx.Exec(ctx, p.others, args...)
		if err != nil {
			return c, fmt.Errorf("table %q: replacing children: %w", rt.Table.Name, err)
		}
		c.Deleted += tag.RowsAffected()
	}
	if len(b.Deletes) > 0 {
		cols := make([]any, len(rt.KeyIdx))
		for j := range cols {
			vals := make([]string, len(b.Deletes))
			for k, key := range b.Deletes {
				if err := rt.CheckKey(key); err != nil {
					return c, err
				}
				vals[k] = key[j]
			}
			cols[j] = vals
		}
		tag, err := tx.Exec(ctx, p.del, cols...)
		if err != nil {
			return c, fmt.Errorf("table %q: deleting: %w", rt.Table.Name, err)
		}
		c.Deleted += tag.RowsAffected()
	}
	return c, nil
}

// Reconcile copies keys into a temporary table, then deletes or marks the
// company's rows missing from it, in one transaction.
func (s *Store) Reconcile(ctx context.Context, t *store.Table, companyID string, keys func(yield func(key []string) bool), opts store.ReconcileOptions, tally *store.Tally) (int64, error) {
	mark := opts.Mark
	var total int64
	var refused *store.DeleteLimitError // kept out of locked, which flattens errors to text
	err := s.locked(ctx, "reconciling "+strconv.Quote(t.Name), func() error {
		rt, err := layout.Resolve(t)
		if err != nil {
			return err
		}
		if _, ok := s.tables[t.Name]; !ok {
			return layout.ErrNotEnsured
		}
		defer s.load(context.Background(), t.Name) // the column may have been added
		err = pgx.BeginFunc(ctx, s.conn, func(tx pgx.Tx) error {
			names, defs := make([]string, len(rt.KeyIdx)), make([]string, len(rt.KeyIdx))
			for j := range names {
				names[j] = "c" + strconv.Itoa(j)
				defs[j] = names[j] + " TEXT"
			}
			if _, err := tx.Exec(ctx, `CREATE TEMP TABLE "_bcsync_keys" (`+strings.Join(defs, ", ")+`) ON COMMIT DROP`); err != nil {
				return err
			}
			next, stop := iter.Pull(iter.Seq[[]string](keys))
			defer stop()
			vals := make([]any, len(names))
			src := pgx.CopyFromFunc(func() ([]any, error) {
				key, ok := next()
				if !ok {
					return nil, nil
				}
				if err := rt.CheckKey(key); err != nil {
					return nil, err
				}
				for j, i := range rt.KeyIdx {
					vals[j] = decode.Stored(t.Columns[i].Type, key[j])
				}
				return vals, nil
			})
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"_bcsync_keys"}, names, src); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `ANALYZE "_bcsync_keys"`); err != nil {
				return err
			}
			scope, args := "TRUE", []any{}
			if rt.CompanyIdx >= 0 {
				scope = "t0." + pgIdent(layout.CompanyIDCol) + " = " + pgCast("$1::text", t.Columns[rt.CompanyIdx].Type)
				args = append(args, companyID)
			}
			present := `EXISTS (SELECT 1 FROM "_bcsync_keys" AS k WHERE ` + pgKeyMatch(rt, "k", func(j int) string { return names[j] }) + ")"
			name := pgIdent(t.Name)
			del := pgIdent(layout.DeletedCol)
			live := scope
			if mark {
				if _, err := tx.Exec(ctx, "ALTER TABLE "+name+" ADD COLUMN IF NOT EXISTS "+del+" TIMESTAMPTZ"); err != nil {
					return err
				}
				live += " AND t0." + del + " IS NULL"
			}
			var stored int64
			if opts.MaxFraction > 0 {
				if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+name+" AS t0 WHERE "+live, args...).Scan(&stored); err != nil {
					return err
				}
			}
			if !mark {
				tag, err := tx.Exec(ctx, "DELETE FROM "+name+" AS t0 WHERE "+scope+" AND NOT "+present, args...)
				if err != nil {
					return err
				}
				total = tag.RowsAffected()
				if err := opts.Check(total, stored); err != nil {
					return err
				}
				return pgAddTallies(ctx, tx, layout.Reconciled(tally, total))
			}
			at := "$" + strconv.Itoa(len(args)+1)
			tag, err := tx.Exec(ctx, "UPDATE "+name+" AS t0 SET "+del+" = "+at+" WHERE "+live+" AND NOT "+present,
				append(args, s.now().UTC())...)
			if err != nil {
				return err
			}
			total = tag.RowsAffected()
			if err := opts.Check(total, stored); err != nil {
				return err
			}
			if _, err = tx.Exec(ctx, "UPDATE "+name+" AS t0 SET "+del+" = NULL WHERE "+scope+" AND t0."+del+" IS NOT NULL AND "+present, args...); err != nil {
				return err
			}
			return pgAddTallies(ctx, tx, layout.Reconciled(tally, total))
		})
		if errors.As(err, &refused) {
			return nil
		}
		return err
	})
	if refused != nil {
		return 0, fmt.Errorf("%s: reconciling %q: %w", s.where, t.Name, refused)
	}
	if err != nil {
		return 0, err
	}
	return total, nil
}
