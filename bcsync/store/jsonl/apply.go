package jsonl

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
	"github.com/bcsdk/bc/internal/jsontext"
)

// jsonlSQL is the SQL on one index table.
type jsonlSQL struct {
	ins, sel, upd, tomb, kids string
}

func jsonlStatements(t *tableState) jsonlSQL {
	idx := jsonlIndex(t)
	where := make([]string, len(t.key))
	for i := range where {
		where[i] = "k" + strconv.Itoa(i) + " = ?"
	}
	w := strings.Join(where, " AND ")
	keys := strings.Repeat("?, ", len(t.key))
	return jsonlSQL{
		ins:  "INSERT INTO " + idx + " VALUES (" + keys + "?, ?, ?, ?, NULL, 0) ON CONFLICT DO NOTHING",
		sel:  "SELECT h, m FROM " + idx + " WHERE " + w,
		upd:  "UPDATE " + idx + " SET p = ?, h = ?, st = ?, n = ?, m = NULL, mm = 0 WHERE " + w,
		tomb: "UPDATE " + idx + " SET p = NULL, h = NULL, st = NULL, n = NULL, m = NULL, mm = 0 WHERE " + w + " AND h IS NOT NULL",
		kids: "SELECT " + strings.Join(jsonlKeyCols(len(t.key)), ", ") + " FROM " + idx + " WHERE p = ? AND h IS NOT NULL",
	}
}

func jsonlKeyCols(n int) []string {
	k := make([]string, n)
	for i := range k {
		k[i] = "k" + strconv.Itoa(i)
	}
	return k
}

// jsonlScope is the parent scope of a row: company and parent id.
func jsonlScope(company, parent string) string { return company + "\x00" + parent }

func (s *Store) Apply(ctx context.Context, batches []store.Batch, checkpoints []store.Checkpoint) (store.Counts, error) {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return store.Counts{}, err
	}
	var total store.Counts
	err := s.tx(ctx, func(touched map[*tableState]bool) error {
		for i := range batches {
			if batches[i].Stage {
				if err := s.stage(ctx, &batches[i]); err != nil {
					return err
				}
				continue
			}
			c, err := s.applyBatch(ctx, &batches[i], touched)
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
		return store.Counts{}, fmt.Errorf("%s: %w", s.db.Where, err)
	}
	return total, nil
}

// tx runs fn in one transaction of the index, then appends the lines of
// the tables fn touched to their staging files and records the files'
// lengths in the same transaction; a failure cuts the files back.
func (s *Store) tx(ctx context.Context, fn func(touched map[*tableState]bool) error) error {
	touched := map[*tableState]bool{}
	defer func() {
		for t := range touched {
			t.pending, t.flushed = t.pending[:0], 0
		}
	}()
	err := s.db.Conn.Tx(ctx, func() error {
		if err := fn(touched); err != nil {
			return err
		}
		for t := range touched {
			if err := t.flush(); err != nil {
				return err
			}
			if err := t.f.Sync(); err != nil {
				return err
			}
			if err := s.saveMeta(ctx, t, t.staged+t.flushed, true); err != nil {
				return err
			}
		}
		if s.beforeCommit != nil {
			return s.beforeCommit()
		}
		return nil
	})
	if err != nil {
		for t := range touched {
			t.f.Truncate(t.staged) // best effort; Open cuts it back anyway
		}
		return err
	}
	for t := range touched {
		t.staged += t.flushed
		t.dirty = true
	}
	return nil
}

// flush appends t's pending lines to its staging file, past what the
// transaction in progress wrote before.
func (t *tableState) flush() error {
	if _, err := t.f.WriteAt(t.pending, t.staged+t.flushed); err != nil {
		return err
	}
	t.flushed += int64(len(t.pending))
	t.pending = t.pending[:0]
	return nil
}

// jsonlRow encodes rows of one batch's column set as lines of the table.
type jsonlRow struct {
	t     *tableState
	rt    *layout.Resolved
	src   []int    // for each table column, the batch column, or -1
	names [][]byte // each table column's name, quoted
	line  []byte
	hash  []byte // the non-null members, hashed to detect changes
	keys  []any
	kb    []byte
}

func newJSONLRow(t *tableState, rt *layout.Resolved) (*jsonlRow, error) {
	e := &jsonlRow{t: t, rt: rt, src: make([]int, len(t.cols)), names: make([][]byte, len(t.cols)), keys: make([]any, len(t.key))}
	pos := map[string]int{}
	for i, c := range rt.Table.Columns {
		pos[c.Name] = i
	}
	for u, c := range t.cols {
		e.names[u] = jsontext.AppendString(nil, c.Name)
		e.src[u] = -1
		if i, ok := pos[c.Name]; ok {
			e.src[u] = i
			delete(pos, c.Name)
		}
	}
	for name := range pos {
		return nil, fmt.Errorf("table %q: column %q: %w", t.name, name, layout.ErrNotEnsured)
	}
	return e, nil
}

// encode builds the line and hash of r and its key values.
func (e *jsonlRow) encode(r store.Row) error {
	e.line = append(e.line[:0], '{')
	e.hash = e.hash[:0]
	for u, c := range e.t.cols {
		if u > 0 {
			e.line = append(e.line, ',')
		}
		e.line = append(e.line, e.names[u]...)
		e.line = append(e.line, ':')
		i := e.src[u]
		if i < 0 || !r[i].Valid {
			e.line = append(e.line, "null"...)
			continue
		}
		if err := decode.Check(e.t.name, c.Name, c.Type, r[i].Text); err != nil {
			return err
		}
		start := len(e.line)
		e.line = appendJSONValue(e.line, c.Type, r[i])
		e.hash = append(e.hash, e.names[u]...)
		e.hash = append(e.hash, e.line[start:]...)
		e.hash = append(e.hash, 0)
	}
	e.line = append(e.line, '}', '\n')
	e.kb = e.kb[:0]
	for j, i := range e.rt.KeyIdx {
		k := decode.Stored(e.rt.Table.Columns[i].Type, r[i].Text)
		e.keys[j] = k
		e.kb = layout.AppendKey(e.kb, k)
	}
	return nil
}

func (s *Store) applyBatch(ctx context.Context, b *store.Batch, touched map[*tableState]bool) (store.Counts, error) {
	var c store.Counts
	if b.Table == nil {
		return c, fmt.Errorf("batch without a table")
	}
	t, ok := s.tables[b.Table.Name]
	if !ok {
		return c, fmt.Errorf("table %q: %w", b.Table.Name, layout.ErrNotEnsured)
	}
	rt, err := layout.Resolve(b.Table)
	if err != nil {
		return c, err
	}
	if len(b.Upserts) == 0 && len(b.Deletes) == 0 && len(b.ReplaceParents) == 0 {
		return c, nil // nothing to stage: the table stays unchanged, not republished
	}
	e, err := newJSONLRow(t, rt)
	if err != nil {
		return c, err
	}
	q := jsonlStatements(t)
	ins, err := s.db.Conn.Stmt(ctx, q.ins)
	if err != nil {
		return c, err
	}
	touched[t] = true
	var keep map[string]bool
	if len(b.ReplaceParents) > 0 {
		keep = make(map[string]bool, len(b.Upserts))
	}
	nk := len(t.key)
	args := lite.Ordinals(nk + 4)
	for n, r := range b.Upserts {
		if n&255 == 255 {
			if err := ctx.Err(); err != nil {
				return c, err
			}
		}
		if err := rt.CheckRow(r); err != nil {
			return c, err
		}
		if err := e.encode(r); err != nil {
			return c, fmt.Errorf("row %d: %w", n, err)
		}
		if keep != nil {
			keep[string(e.kb)] = true
		}
		sum := sha256.Sum256(e.hash)
		h := sum[:16]
		var scope any
		if rt.ParentIdx >= 0 {
			company := ""
			if rt.CompanyIdx >= 0 {
				company = decode.Stored(rt.Table.Columns[rt.CompanyIdx].Type, r[rt.CompanyIdx].Text)
			}
			scope = jsonlScope(company, decode.Stored(rt.Table.Columns[rt.ParentIdx].Type, r[rt.ParentIdx].Text))
		}
		at := t.staged + t.flushed + int64(len(t.pending))
		for j, k := range e.keys {
			args[j].Value = k
		}
		args[nk].Value, args[nk+1].Value, args[nk+2].Value, args[nk+3].Value = scope, h, at, int64(len(e.line))
		ch, err := lite.RunStmt(ins, args)
		if err != nil {
			return c, err
		}
		if ch > 0 {
			c.Inserted++
			t.pending = append(t.pending, e.line...)
			continue
		}
		var old []byte
		var marked, found bool
		err = s.queryCached(ctx, q.sel, e.keys, func(row []driver.Value) error {
			found = true
			old, _ = row[0].([]byte)
			marked = row[1] != nil
			return nil
		})
		if err != nil {
			return c, err
		}
		switch {
		case !found:
			return c, fmt.Errorf("table %q: index lost a key", t.name)
		case bytes.Equal(old, h) && !marked:
			c.Unchanged++
			continue
		case old == nil:
			c.Inserted++ // deleted earlier in this run
		default:
			c.Updated++
		}
		if _, err := s.execCached(ctx, q.upd, append([]any{scope, h, at, int64(len(e.line))}, e.keys...)...); err != nil {
			return c, err
		}
		t.pending = append(t.pending, e.line...)
	}
	if keep != nil {
		n, err := s.dropOthers(ctx, t, rt, q, b, keep)
		if err != nil {
			return c, err
		}
		c.Deleted += n
	}
	for _, key := range b.Deletes {
		if err := rt.CheckKey(key); err != nil {
			return c, err
		}
		args := make([]any, len(key))
		for j, i := range rt.KeyIdx {
			args[j] = decode.Stored(rt.Table.Columns[i].Type, key[j])
		}
		n, err := s.execCached(ctx, q.tomb, args...)
		if err != nil {
			return c, err
		}
		c.Deleted += n
	}
	return c, nil
}

func (s *Store) execCached(ctx context.Context, q string, args ...any) (int64, error) {
	st, err := s.db.Conn.Stmt(ctx, q)
	if err != nil {
		return 0, err
	}
	return lite.RunStmt(st, lite.Named(args))
}

func (s *Store) queryCached(ctx context.Context, q string, args []any, fn func(row []driver.Value) error) error {
	st, err := s.db.Conn.Stmt(ctx, q)
	if err != nil {
		return err
	}
	return lite.QueryStmt(ctx, st, lite.Named(args), fn)
}

// dropOthers deletes the children of b's parents the batch did not upsert.
func (s *Store) dropOthers(ctx context.Context, t *tableState, rt *layout.Resolved, q jsonlSQL, b *store.Batch, keep map[string]bool) (int64, error) {
	company := ""
	if rt.CompanyIdx >= 0 {
		company = decode.Stored(rt.Table.Columns[rt.CompanyIdx].Type, b.CompanyID)
	}
	var gone [][]any
	var kb []byte
	for _, parent := range b.ReplaceParents {
		scope := jsonlScope(company, decode.Stored(rt.Table.Columns[rt.ParentIdx].Type, parent))
		err := s.queryCached(ctx, q.kids, []any{scope}, func(row []driver.Value) error {
			kb = kb[:0]
			key := make([]any, len(row))
			for j, v := range row {
				key[j] = lite.AsString(v)
				kb = layout.AppendKey(kb, lite.AsString(v))
			}
			if !keep[string(kb)] {
				gone = append(gone, key)
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	var total int64
	for _, key := range gone {
		n, err := s.execCached(ctx, q.tomb, key...)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
