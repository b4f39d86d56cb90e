package sqlite

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"strings"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
)

// prepareKeep empties (creating it first) the temporary table that records
// the keys a batch upserts, with the key columns' types so values compare
// as they are stored.
func (s *Store) prepareKeep(ctx context.Context, p *statements) error {
	if p.keep == nil {
		rt := p.rt
		p.keepName = lite.Ident(rt.Table.Name + "/keep")
		kt := &store.Table{Name: rt.Table.Name + "/keep", Key: rt.Table.Key}
		for _, i := range rt.KeyIdx {
			kt.Columns = append(kt.Columns, rt.Table.Columns[i])
		}
		if _, err := s.db.Conn.Exec(ctx, "DROP TABLE IF EXISTS temp."+p.keepName); err != nil {
			return err
		}
		if _, err := s.db.Conn.Exec(ctx, lite.Create("temp", kt, true)); err != nil {
			return err
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(kt.Columns)), ", ")
		st, err := s.db.Conn.Stmt(ctx, "INSERT OR IGNORE INTO temp."+p.keepName+" VALUES ("+marks+")")
		if err != nil {
			return err
		}
		p.keep, p.keepArgs = st, lite.Ordinals(len(kt.Columns))
	}
	_, err := s.db.Conn.Exec(ctx, "DELETE FROM temp."+p.keepName)
	return err
}

// hasChildren reports whether any of b's parents has rows in b's table, in
// one statement: the parents go in as a JSON array. A table without rows
// of b's company (a first load's children, or a set without any) is seen
// first with one probe of its key index.
func (s *Store) hasChildren(ctx context.Context, rt *layout.Resolved, b *store.Batch) (bool, error) {
	if lite.Type(rt.Table.Columns[rt.ParentIdx].Type) != "TEXT" {
		return true, nil // not worth the special case: assume so
	}
	if some, err := s.anyRows(ctx, rt, b.CompanyID); err != nil || !some {
		return some, err
	}
	parents := make([]string, len(b.ReplaceParents))
	for i, p := range b.ReplaceParents {
		parents[i] = decode.Stored(rt.Table.Columns[rt.ParentIdx].Type, p)
	}
	list, err := json.Marshal(parents)
	if err != nil {
		return false, err
	}
	q := "SELECT 1 FROM " + lite.Ident(rt.Table.Name) + " WHERE " + lite.Ident(rt.Table.Parent) + " IN (SELECT value FROM json_each(?))"
	args := []any{string(list)}
	if rt.CompanyIdx >= 0 {
		q += " AND " + lite.Ident(layout.CompanyIDCol) + " = ?"
		args = append(args, decode.Stored(rt.Table.Columns[rt.CompanyIdx].Type, b.CompanyID))
	}
	return s.exists(ctx, q, args)
}

// anyRows reports whether rt's table has a row of companyID (of any
// company in a table without companyId).
func (s *Store) anyRows(ctx context.Context, rt *layout.Resolved, companyID string) (bool, error) {
	q, args := "SELECT 1 FROM "+lite.Ident(rt.Table.Name), []any(nil)
	if rt.CompanyIdx >= 0 {
		q += " WHERE " + lite.Ident(layout.CompanyIDCol) + " = ?"
		args = append(args, decode.Stored(rt.Table.Columns[rt.CompanyIdx].Type, companyID))
	}
	return s.exists(ctx, q, args)
}

// exists reports whether the query q (SELECT 1 FROM … WHERE …) finds a
// row; it stops at the first.
func (s *Store) exists(ctx context.Context, q string, args []any) (bool, error) {
	st, err := s.db.Conn.Stmt(ctx, q+" LIMIT 1")
	if err != nil {
		return false, err
	}
	found := false
	err = lite.QueryStmt(ctx, st, lite.Named(args), func([]driver.Value) error {
		found = true
		return nil
	})
	return found, err
}

// keyMatch is the condition "row alias a has the key of row alias b".
func keyMatch(key []string, a, b string) string {
	parts := make([]string, len(key))
	for i, k := range key {
		parts[i] = a + "." + lite.Ident(k) + " = " + b + "." + lite.Ident(k)
	}
	return strings.Join(parts, " AND ")
}

// dropOthers deletes the children of b's parents that the batch did not
// upsert: the end state of "delete the children, then upsert", with rows
// upserted unchanged counted as unchanged rather than deleted and inserted.
func (s *Store) dropOthers(ctx context.Context, p *statements, b *store.Batch) (int64, error) {
	rt := p.rt
	name := lite.Ident(rt.Table.Name)
	q := "DELETE FROM " + name + " AS t WHERE " + lite.Ident(rt.Table.Parent) + " = ?"
	if rt.CompanyIdx >= 0 {
		q += " AND " + lite.Ident(layout.CompanyIDCol) + " = ?"
	}
	q += " AND NOT EXISTS (SELECT 1 FROM temp." + p.keepName + " AS k WHERE " + keyMatch(rt.Table.Key, "k", "t") + ")"
	st, err := s.db.Conn.Stmt(ctx, q)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, parent := range b.ReplaceParents {
		v, err := liteValue(rt, rt.ParentIdx, store.Value{Text: parent, Valid: true})
		if err != nil {
			return 0, err
		}
		args := []any{v}
		if rt.CompanyIdx >= 0 {
			args = append(args, decode.Stored(rt.Table.Columns[rt.CompanyIdx].Type, b.CompanyID))
		}
		n, err := lite.RunStmt(st, lite.Named(args))
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

func (s *Store) deleteKeys(ctx context.Context, rt *layout.Resolved, keys [][]string) (int64, error) {
	where := make([]string, len(rt.Table.Key))
	for i, k := range rt.Table.Key {
		where[i] = lite.Ident(k) + " = ?"
	}
	st, err := s.db.Conn.Stmt(ctx, "DELETE FROM "+lite.Ident(rt.Table.Name)+" WHERE "+strings.Join(where, " AND "))
	if err != nil {
		return 0, err
	}
	args := lite.Ordinals(len(rt.KeyIdx))
	var total int64
	for _, key := range keys {
		if err := s.keyArgs(rt, key, args); err != nil {
			return 0, err
		}
		n, err := lite.RunStmt(st, args)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// keyArgs converts a key given as text to the stored values.
func (s *Store) keyArgs(rt *layout.Resolved, key []string, args []driver.NamedValue) error {
	if err := rt.CheckKey(key); err != nil {
		return err
	}
	for j, i := range rt.KeyIdx {
		v, err := liteValue(rt, i, store.Value{Text: key[j], Valid: true})
		if err != nil {
			return err
		}
		args[j].Value = v
	}
	return nil
}
