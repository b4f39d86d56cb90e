package store

import (
	"context"
	"strings"
	"time"
)

func (s *sqliteStore) reconcile(ctx context.Context, t *Table, companyID string, keys func(yield func(key []string) bool), mark bool, tally *Tally) (int64, error) {
	sh, err := resolve(t)
	if err != nil {
		return 0, err
	}
	lt, ok := s.tables[t.Name]
	if !ok {
		return 0, errNotEnsured
	}
	if mark && !lt.hasDeleted {
		q := "ALTER TABLE " + liteIdent(t.Name) + " ADD COLUMN " + liteIdent(deletedCol) + " TEXT"
		if _, err := s.l.exec(ctx, q); err != nil {
			return 0, err
		}
		if err := s.load(ctx, t.Name); err != nil {
			return 0, err
		}
	}
	const rk = `temp."_reconcile"`
	kt := &Table{Name: "_reconcile", Key: t.Key}
	for _, i := range sh.keyIdx {
		kt.Columns = append(kt.Columns, t.Columns[i])
	}
	var total int64
	err = s.l.tx(ctx, func() error {
		if _, err := s.l.exec(ctx, "DROP TABLE IF EXISTS "+rk); err != nil {
			return err
		}
		if _, err := s.l.exec(ctx, liteCreate("temp", kt, true)); err != nil {
			return err
		}
		defer s.l.exec(context.Background(), "DROP TABLE IF EXISTS "+rk)
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(kt.Columns)), ", ")
		ins, err := s.l.conn.PrepareContext(ctx, "INSERT OR IGNORE INTO "+rk+" VALUES ("+marks+")")
		if err != nil {
			return err
		}
		defer ins.Close()
		args := ordinals(len(kt.Columns))
		var kerr error
		n := 0
		for key := range keys {
			if n++; n&1023 == 0 {
				if kerr = ctx.Err(); kerr != nil {
					break
				}
			}
			if kerr = s.keyArgs(sh, key, args); kerr != nil {
				break
			}
			if _, kerr = run(ins, args); kerr != nil {
				break
			}
		}
		if kerr != nil {
			return kerr
		}
		scope, scopeArgs := "1", []any(nil)
		if sh.companyIdx >= 0 {
			scope = "t." + liteIdent(companyIDCol) + " = ?"
			scopeArgs = []any{norm(t.Columns[sh.companyIdx].Type, companyID)}
		}
		present := "EXISTS (SELECT 1 FROM " + rk + " AS k WHERE " + keyMatch(t.Key, "k", "t") + ")"
		name := liteIdent(t.Name)
		if !mark {
			if total, err = s.l.exec(ctx, "DELETE FROM "+name+" AS t WHERE "+scope+" AND NOT "+present, scopeArgs...); err != nil {
				return err
			}
			return s.book.addTallies(ctx, reconciled(tally, total))
		}
		del := liteIdent(deletedCol)
		at := s.now().UTC().Format(time.RFC3339Nano)
		total, err = s.l.exec(ctx, "UPDATE "+name+" AS t SET "+del+" = ? WHERE "+scope+" AND t."+del+" IS NULL AND NOT "+present,
			append([]any{at}, scopeArgs...)...)
		if err != nil {
			return err
		}
		if _, err = s.l.exec(ctx, "UPDATE "+name+" AS t SET "+del+" = NULL WHERE "+scope+" AND t."+del+" IS NOT NULL AND "+present, scopeArgs...); err != nil {
			return err
		}
		return s.book.addTallies(ctx, reconciled(tally, total))
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}
