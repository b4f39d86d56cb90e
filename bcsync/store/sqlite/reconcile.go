package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

func (s *Store) reconcile(ctx context.Context, t *store.Table, companyID string, keys func(yield func(key []string) bool), opts store.ReconcileOptions, tally *store.Tally) (int64, error) {
	mark := opts.Mark
	rt, err := layout.Resolve(t)
	if err != nil {
		return 0, err
	}
	lt, ok := s.tables[t.Name]
	if !ok {
		return 0, layout.ErrNotEnsured
	}
	if mark && !lt.hasDeleted {
		q := "ALTER TABLE " + lite.Ident(t.Name) + " ADD COLUMN " + lite.Ident(layout.DeletedCol) + " TEXT"
		if _, err := s.db.Conn.Exec(ctx, q); err != nil {
			return 0, err
		}
		if err := s.load(ctx, t.Name); err != nil {
			return 0, err
		}
	}
	const rk = `temp."_reconcile"`
	kt := &store.Table{Name: "_reconcile", Key: t.Key}
	for _, i := range rt.KeyIdx {
		kt.Columns = append(kt.Columns, t.Columns[i])
	}
	var total int64
	err = s.db.Conn.Tx(ctx, func() error {
		if _, err := s.db.Conn.Exec(ctx, "DROP TABLE IF EXISTS "+rk); err != nil {
			return err
		}
		if _, err := s.db.Conn.Exec(ctx, lite.Create("temp", kt, true)); err != nil {
			return err
		}
		defer s.db.Conn.Exec(context.Background(), "DROP TABLE IF EXISTS "+rk)
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(kt.Columns)), ", ")
		ins, err := s.db.Conn.Prepare(ctx, "INSERT OR IGNORE INTO "+rk+" VALUES ("+marks+")")
		if err != nil {
			return err
		}
		defer ins.Close()
		args := lite.Ordinals(len(kt.Columns))
		var kerr error
		n := 0
		for key := range keys {
			if n++; n&1023 == 0 {
				if kerr = ctx.Err(); kerr != nil {
					break
				}
			}
			if kerr = s.keyArgs(rt, key, args); kerr != nil {
				break
			}
			if _, kerr = lite.RunStmt(ins, args); kerr != nil {
				break
			}
		}
		if kerr != nil {
			return kerr
		}
		scope, scopeArgs := "1", []any(nil)
		if rt.CompanyIdx >= 0 {
			scope = "t." + lite.Ident(layout.CompanyIDCol) + " = ?"
			scopeArgs = []any{decode.Stored(t.Columns[rt.CompanyIdx].Type, companyID)}
		}
		present := "EXISTS (SELECT 1 FROM " + rk + " AS k WHERE " + keyMatch(t.Key, "k", "t") + ")"
		name := lite.Ident(t.Name)
		del := lite.Ident(layout.DeletedCol)
		live := scope
		if mark {
			live += " AND t." + del + " IS NULL"
		}
		var stored int64
		if opts.MaxFraction > 0 {
			if stored, err = s.db.Conn.Count(ctx, "SELECT count(*) FROM "+name+" AS t WHERE "+live, scopeArgs...); err != nil {
				return err
			}
		}
		if !mark {
			if total, err = s.db.Conn.Exec(ctx, "DELETE FROM "+name+" AS t WHERE "+scope+" AND NOT "+present, scopeArgs...); err != nil {
				return err
			}
			if err := opts.Check(total, stored); err != nil {
				return err
			}
			return s.db.Keeper.AddTallies(ctx, layout.Reconciled(tally, total))
		}
		at := s.now().UTC().Format(time.RFC3339Nano)
		total, err = s.db.Conn.Exec(ctx, "UPDATE "+name+" AS t SET "+del+" = ? WHERE "+live+" AND NOT "+present,
			append([]any{at}, scopeArgs...)...)
		if err != nil {
			return err
		}
		if err := opts.Check(total, stored); err != nil {
			return err
		}
		if _, err = s.db.Conn.Exec(ctx, "UPDATE "+name+" AS t SET "+del+" = NULL WHERE "+scope+" AND t."+del+" IS NOT NULL AND "+present, scopeArgs...); err != nil {
			return err
		}
		return s.db.Keeper.AddTallies(ctx, layout.Reconciled(tally, total))
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}
