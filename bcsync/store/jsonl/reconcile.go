package jsonl

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

// Reconcile loads keys into a temporary table of state.db and deletes (or
// marks) the company's indexed rows missing from it; the files change at
// the next merge.
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

func (s *Store) reconcile(ctx context.Context, t *store.Table, companyID string, keys func(yield func(key []string) bool), opts store.ReconcileOptions, tally *store.Tally) (int64, error) {
	mark := opts.Mark
	rt, err := layout.Resolve(t)
	if err != nil {
		return 0, err
	}
	jt, ok := s.tables[t.Name]
	if !ok {
		return 0, layout.ErrNotEnsured
	}
	if mark && !jt.hasColumn(layout.DeletedCol) {
		if err := s.addColumns(ctx, jt, []store.Column{{Name: layout.DeletedCol, Type: store.DateTime}}); err != nil {
			return 0, err
		}
	}
	kc := jsonlKeyCols(len(jt.key))
	const rk = `temp."_reconcile"`
	var total int64
	err = s.db.Conn.Tx(ctx, func() error {
		if _, err := s.db.Conn.Exec(ctx, "DROP TABLE IF EXISTS "+rk); err != nil {
			return err
		}
		if _, err := s.db.Conn.Exec(ctx, "CREATE TABLE "+rk+" ("+strings.Join(kc, " TEXT, ")+" TEXT, PRIMARY KEY ("+strings.Join(kc, ", ")+")) WITHOUT ROWID"); err != nil {
			return err
		}
		defer s.db.Conn.Exec(context.Background(), "DROP TABLE IF EXISTS "+rk)
		ins, err := s.db.Conn.Prepare(ctx, "INSERT OR IGNORE INTO "+rk+" VALUES ("+strings.TrimSuffix(strings.Repeat("?, ", len(kc)), ", ")+")")
		if err != nil {
			return err
		}
		defer ins.Close()
		args := lite.Ordinals(len(kc))
		var kerr error
		n := 0
		for key := range keys {
			if n++; n&1023 == 0 {
				if kerr = ctx.Err(); kerr != nil {
					break
				}
			}
			if kerr = rt.CheckKey(key); kerr != nil {
				break
			}
			for j, i := range rt.KeyIdx {
				args[j].Value = decode.Stored(t.Columns[i].Type, key[j])
			}
			if _, kerr = lite.RunStmt(ins, args); kerr != nil {
				break
			}
		}
		if kerr != nil {
			return kerr
		}
		idx := jsonlIndex(jt)
		scope, scopeArgs := "h IS NOT NULL", []any(nil)
		if rt.CompanyIdx >= 0 {
			for j, k := range jt.key {
				if k == layout.CompanyIDCol {
					scope += " AND i.k" + strconv.Itoa(j) + " = ?"
					scopeArgs = append(scopeArgs, decode.Stored(t.Columns[rt.CompanyIdx].Type, companyID))
				}
			}
		}
		match := make([]string, len(kc))
		for j, k := range kc {
			match[j] = "r." + k + " = i." + k
		}
		present := "EXISTS (SELECT 1 FROM " + rk + " AS r WHERE " + strings.Join(match, " AND ") + ")"
		live := scope
		if mark {
			live += " AND m IS NULL"
		}
		var stored int64
		if opts.MaxFraction > 0 {
			if stored, err = s.db.Conn.Count(ctx, "SELECT count(*) FROM "+idx+" AS i WHERE "+live, scopeArgs...); err != nil {
				return err
			}
		}
		if !mark {
			total, err = s.db.Conn.Exec(ctx, "UPDATE "+idx+" AS i SET p = NULL, h = NULL, st = NULL, n = NULL, m = NULL, mm = 0 WHERE "+scope+" AND NOT "+present, scopeArgs...)
		} else {
			at := s.now().UTC().Format(time.RFC3339Nano)
			total, err = s.db.Conn.Exec(ctx, "UPDATE "+idx+" AS i SET m = ?, mm = 1 WHERE "+live+" AND NOT "+present, append([]any{at}, scopeArgs...)...)
		}
		if err == nil {
			err = opts.Check(total, stored)
		}
		if err == nil && mark {
			_, err = s.db.Conn.Exec(ctx, "UPDATE "+idx+" AS i SET m = NULL, mm = 1 WHERE "+scope+" AND m IS NOT NULL AND "+present, scopeArgs...)
		}
		if err != nil {
			return err
		}
		if err := s.db.Keeper.AddTallies(ctx, layout.Reconciled(tally, total)); err != nil {
			return err
		}
		return s.saveMeta(ctx, jt, jt.staged, true)
	})
	if err != nil {
		return 0, err
	}
	jt.dirty = true
	return total, nil
}

func (t *tableState) hasColumn(name string) bool {
	for _, c := range t.cols {
		if c.Name == name {
			return true
		}
	}
	return false
}
