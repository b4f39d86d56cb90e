package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"strings"
)

// prepareKeep empties (creating it first) the temporary table that records
// the keys a batch upserts, with the key columns' types so values compare
// as they are stored.
func (s *sqliteStore) prepareKeep(ctx context.Context, p *litePlan) error {
	if p.keep == nil {
		sh := p.sh
		p.keepName = liteIdent(sh.t.Name + "/keep")
		kt := &Table{Name: sh.t.Name + "/keep", Key: sh.t.Key}
		for _, i := range sh.keyIdx {
			kt.Columns = append(kt.Columns, sh.t.Columns[i])
		}
		if _, err := s.l.exec(ctx, "DROP TABLE IF EXISTS temp."+p.keepName); err != nil {
			return err
		}
		if _, err := s.l.exec(ctx, liteCreate("temp", kt, true)); err != nil {
			return err
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(kt.Columns)), ", ")
		st, err := s.l.stmt(ctx, "INSERT OR IGNORE INTO temp."+p.keepName+" VALUES ("+marks+")")
		if err != nil {
			return err
		}
		p.keep, p.keepArgs = st, ordinals(len(kt.Columns))
	}
	_, err := s.l.exec(ctx, "DELETE FROM temp."+p.keepName)
	return err
}

// hasChildren reports whether any of b's parents has rows in b's table, in
// one statement: the parents go in as a JSON array.
func (s *sqliteStore) hasChildren(ctx context.Context, sh *shape, b *Batch) (bool, error) {
	if liteType(sh.t.Columns[sh.parentIdx].Type) != "TEXT" {
		return true, nil // not worth the special case: assume so
	}
	parents := make([]string, len(b.ReplaceParents))
	for i, p := range b.ReplaceParents {
		parents[i] = norm(sh.t.Columns[sh.parentIdx].Type, p)
	}
	list, err := json.Marshal(parents)
	if err != nil {
		return false, err
	}
	q := "SELECT 1 FROM " + liteIdent(sh.t.Name) + " WHERE " + liteIdent(sh.t.Parent) + " IN (SELECT value FROM json_each(?))"
	args := []any{string(list)}
	if sh.companyIdx >= 0 {
		q += " AND " + liteIdent(companyIDCol) + " = ?"
		args = append(args, norm(sh.t.Columns[sh.companyIdx].Type, b.CompanyID))
	}
	st, err := s.l.stmt(ctx, q+" LIMIT 1")
	if err != nil {
		return false, err
	}
	found := false
	err = queryStmt(ctx, st, named(args), func([]driver.Value) error {
		found = true
		return nil
	})
	return found, err
}

// keyMatch is the condition "row alias a has the key of row alias b".
func keyMatch(key []string, a, b string) string {
	parts := make([]string, len(key))
	for i, k := range key {
		parts[i] = a + "." + liteIdent(k) + " = " + b + "." + liteIdent(k)
	}
	return strings.Join(parts, " AND ")
}

// dropOthers deletes the children of b's parents that the batch did not
// upsert: the end state of "delete the children, then upsert", with rows
// upserted unchanged counted as unchanged rather than deleted and inserted.
func (s *sqliteStore) dropOthers(ctx context.Context, p *litePlan, b *Batch) (int64, error) {
	sh := p.sh
	name := liteIdent(sh.t.Name)
	q := "DELETE FROM " + name + " AS t WHERE " + liteIdent(sh.t.Parent) + " = ?"
	if sh.companyIdx >= 0 {
		q += " AND " + liteIdent(companyIDCol) + " = ?"
	}
	q += " AND NOT EXISTS (SELECT 1 FROM temp." + p.keepName + " AS k WHERE " + keyMatch(sh.t.Key, "k", "t") + ")"
	st, err := s.l.stmt(ctx, q)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, parent := range b.ReplaceParents {
		v, err := liteValue(sh, sh.parentIdx, Value{Text: parent, Valid: true})
		if err != nil {
			return 0, err
		}
		args := []any{v}
		if sh.companyIdx >= 0 {
			args = append(args, norm(sh.t.Columns[sh.companyIdx].Type, b.CompanyID))
		}
		n, err := run(st, named(args))
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

func (s *sqliteStore) deleteKeys(ctx context.Context, sh *shape, keys [][]string) (int64, error) {
	where := make([]string, len(sh.t.Key))
	for i, k := range sh.t.Key {
		where[i] = liteIdent(k) + " = ?"
	}
	st, err := s.l.stmt(ctx, "DELETE FROM "+liteIdent(sh.t.Name)+" WHERE "+strings.Join(where, " AND "))
	if err != nil {
		return 0, err
	}
	args := ordinals(len(sh.keyIdx))
	var total int64
	for _, key := range keys {
		if err := s.keyArgs(sh, key, args); err != nil {
			return 0, err
		}
		n, err := run(st, args)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// keyArgs converts a key given as text to the stored values.
func (s *sqliteStore) keyArgs(sh *shape, key []string, args []driver.NamedValue) error {
	if err := sh.checkKey(key); err != nil {
		return err
	}
	for j, i := range sh.keyIdx {
		v, err := liteValue(sh, i, Value{Text: key[j], Valid: true})
		if err != nil {
			return err
		}
		args[j].Value = v
	}
	return nil
}
