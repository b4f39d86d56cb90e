package jsonl

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

// jsonlStaged holds the rows of first loads until Publish applies them to
// the index: one row each, as a JSON object of its columns, with its key
// (layout.AppendKey of the stored key values) and change time for the
// dedup.
const jsonlStaged = "jsonl_staged"

// publishChunk is how many staged rows Publish applies at a time.
const publishChunk = 1000

func (s *Store) createStaged(ctx context.Context) error {
	_, err := s.db.Conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+jsonlStaged+` (tbl TEXT NOT NULL, company TEXT NOT NULL,
		key BLOB NOT NULL, modified TEXT, row TEXT NOT NULL)`)
	if err == nil {
		_, err = s.db.Conn.Exec(ctx, `CREATE INDEX IF NOT EXISTS `+jsonlStaged+`_load ON `+jsonlStaged+` (tbl, company)`)
	}
	return err
}

// stage records the upserts of b in jsonlStaged.
func (s *Store) stage(ctx context.Context, b *store.Batch) error {
	_, ensured := s.tables[b.Table.Name]
	rt, err := layout.ResolveStaged(b, ensured)
	if err != nil {
		return err
	}
	ins, err := s.db.Conn.Stmt(ctx, `INSERT INTO `+jsonlStaged+` (tbl, company, key, modified, row) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	modified := rt.ModifiedIdx
	args := lite.Ordinals(5)
	args[0].Value, args[1].Value = b.Table.Name, b.CompanyID
	obj := make(map[string]*string, len(rt.Table.Columns))
	var key []byte
	for _, r := range b.Upserts {
		if err := rt.CheckRow(r); err != nil {
			return err
		}
		key = key[:0]
		for _, i := range rt.KeyIdx {
			key = layout.AppendKey(key, decode.Stored(rt.Table.Columns[i].Type, r[i].Text))
		}
		for i, c := range rt.Table.Columns {
			obj[c.Name] = nil
			if r[i].Valid {
				obj[c.Name] = &r[i].Text
			}
		}
		row, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		args[2].Value, args[3].Value, args[4].Value = append([]byte(nil), key...), nil, string(row)
		if modified >= 0 && r[modified].Valid {
			args[3].Value = decode.Stored(store.DateTime, r[modified].Text)
		}
		if _, err := lite.RunStmt(ins, args); err != nil {
			return err
		}
	}
	return nil
}

// Publish applies the rows staged for t and companyID to the index, newest
// of each key only, and saves w and checkpoints, in one transaction; Close
// then writes them to t's file with the rest.
func (s *Store) Publish(ctx context.Context, t *store.Table, companyID string, w *store.Watermark, checkpoints []store.Checkpoint, tally *store.Tally) (store.Counts, error) {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return store.Counts{}, err
	}
	var total store.Counts
	err := s.tx(ctx, func(touched map[*tableState]bool) error {
		var rows []store.Row
		apply := func() error {
			c, err := s.applyBatch(ctx, &store.Batch{Table: t, Upserts: rows}, touched)
			total.Add(c)
			rows = rows[:0]
			for jt := range touched {
				if err == nil {
					err = jt.flush()
				}
			}
			return err
		}
		q := `SELECT row FROM (SELECT row, row_number() OVER (PARTITION BY key ORDER BY modified DESC, rowid DESC) AS n
			FROM ` + jsonlStaged + ` WHERE tbl = ? AND company = ?) WHERE n = 1`
		err := s.db.Conn.Query(ctx, q, []any{t.Name, companyID}, func(v []driver.Value) error {
			var obj map[string]*string
			if err := json.Unmarshal([]byte(lite.AsString(v[0])), &obj); err != nil {
				return fmt.Errorf("a staged row of %q: %w", t.Name, err)
			}
			row := make(store.Row, len(t.Columns))
			for i, c := range t.Columns {
				if p := obj[c.Name]; p != nil {
					row[i] = store.Value{Text: *p, Valid: true}
				}
			}
			if rows = append(rows, row); len(rows) == publishChunk {
				return apply()
			}
			return nil
		})
		if err == nil && len(rows) > 0 {
			err = apply()
		}
		if err != nil {
			return err
		}
		if _, err := s.db.Conn.Exec(ctx, `DELETE FROM `+jsonlStaged+` WHERE tbl = ? AND company = ?`, t.Name, companyID); err != nil {
			return err
		}
		if w != nil {
			if err := s.db.Keeper.SaveWatermark(ctx, *w); err != nil {
				return err
			}
		}
		if tally != nil {
			if err := s.db.Keeper.AddTallies(ctx, []layout.TallyRow{{Tally: *tally, Counts: total}}); err != nil {
				return err
			}
		}
		return s.db.Keeper.SaveCheckpoints(ctx, checkpoints)
	})
	if err != nil {
		return store.Counts{}, fmt.Errorf("%s: publishing %q: %w", s.db.Where, t.Name, err)
	}
	return total, nil
}

// DiscardStaged drops the rows staged for t and companyID.
func (s *Store) DiscardStaged(ctx context.Context, t *store.Table, companyID string) error {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	if err := s.db.Ready(); err != nil {
		return err
	}
	err := s.db.Conn.Tx(ctx, func() error {
		_, err := s.db.Conn.Exec(ctx, `DELETE FROM `+jsonlStaged+` WHERE tbl = ? AND company = ?`, t.Name, companyID)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: discarding the staged rows of %q: %w", s.db.Where, t.Name, err)
	}
	return nil
}
