package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// liteType is the SQLite column type of a ColType: exact text for decimals,
// dates and datetimes, 0/1 integers for booleans.
func liteType(t ColType) string {
	switch t {
	case Int, Bool:
		return "INTEGER"
	case Float:
		return "REAL"
	}
	return "TEXT"
}

// liteCreate returns the CREATE TABLE statement for t. Key columns are NOT
// NULL (SQLite would otherwise let NULL keys repeat). Output tables are
// ordinary rowid tables: rows are appended and only the key index takes
// the random inserts of GUID keys, which measured faster than WITHOUT ROWID.
func liteCreate(schema string, t *Table, withoutRowid bool) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	if schema != "" {
		b.WriteString(schema + ".")
	}
	b.WriteString(liteIdent(t.Name) + " (")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(liteIdent(c.Name) + " " + liteType(c.Type))
		if contains(t.Key, c.Name) {
			b.WriteString(" NOT NULL")
		}
	}
	b.WriteString(", PRIMARY KEY (" + liteList(t.Key) + "))")
	if withoutRowid {
		b.WriteString(" WITHOUT ROWID")
	}
	return b.String()
}

// liteList quotes and joins names.
func liteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = liteIdent(n)
	}
	return strings.Join(q, ", ")
}

// liteBook keeps the bookkeeping tables of the SQLite and JSONL stores.
type liteBook struct{ l *lite }

// ensure checks existing bookkeeping tables are the sync's own, then creates
// the missing ones; it changes nothing when a check fails.
func (b liteBook) ensure(ctx context.Context) error {
	var missing []*Table
	for _, t := range bookTables {
		have, _, _, err := b.l.liteColumns(ctx, "main", t.Name)
		if err != nil {
			return liteOpenError(b.l.where, err)
		}
		if have == nil {
			missing = append(missing, t)
			continue
		}
		if !sameColumns(have, t) {
			return foreignSchemaError(b.l.where, t.Name, have, t)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return b.l.tx(ctx, func() error {
		for _, t := range missing {
			q := liteCreate("", t, false)
			if t.Name == "_runs" {
				q = strings.Replace(q, `"id" INTEGER NOT NULL`, `"id" INTEGER PRIMARY KEY`, 1)
				q = strings.Replace(q, `, PRIMARY KEY ("id")`, "", 1)
			}
			if _, err := b.l.exec(ctx, q); err != nil {
				return fmt.Errorf("%s: creating %s: %w", b.l.where, t.Name, err)
			}
		}
		return nil
	})
}

// liteTime is a bookkeeping time as stored: RFC 3339 UTC text, NULL if zero.
func liteTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseLiteTime(v driver.Value) (time.Time, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

func (b liteBook) lastRun(ctx context.Context) (Run, bool, error) {
	var r Run
	found := false
	q := `SELECT "id", "started", "serverStart", "finished", "mode", "status", "plan" FROM "_runs" ORDER BY "id" DESC LIMIT 1`
	err := b.l.query(ctx, q, nil, func(row []driver.Value) (err error) {
		found = true
		r.ID, _ = row[0].(int64)
		if r.Started, err = parseLiteTime(row[1]); err != nil {
			return err
		}
		if r.ServerStart, err = parseLiteTime(row[2]); err != nil {
			return err
		}
		if r.Finished, err = parseLiteTime(row[3]); err != nil {
			return err
		}
		r.Mode, r.Status, r.Plan = asString(row[4]), asString(row[5]), asString(row[6])
		return nil
	})
	if err != nil {
		return Run{}, false, fmt.Errorf("%s: reading _runs: %w", b.l.where, err)
	}
	return r, found, nil
}

func (b liteBook) beginRun(ctx context.Context, r Run) (Run, error) {
	err := b.l.tx(ctx, func() error {
		q := `INSERT INTO "_runs" ("started", "serverStart", "finished", "mode", "status", "plan") VALUES (?, ?, ?, ?, ?, ?) RETURNING "id"`
		return b.l.query(ctx, q, []any{liteTime(r.Started), liteTime(r.ServerStart), liteTime(r.Finished), r.Mode, r.Status, r.Plan},
			func(row []driver.Value) error {
				r.ID, _ = row[0].(int64)
				return nil
			})
	})
	if err != nil {
		return Run{}, fmt.Errorf("%s: recording the run: %w", b.l.where, err)
	}
	return r, nil
}

func (b liteBook) updateRun(ctx context.Context, r Run) error {
	var n int64
	err := b.l.tx(ctx, func() (err error) {
		q := `UPDATE "_runs" SET "serverStart" = ?, "finished" = ?, "status" = ? WHERE "id" = ?`
		n, err = b.l.exec(ctx, q, liteTime(r.ServerStart), liteTime(r.Finished), r.Status, r.ID)
		return err
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("run %d not found", r.ID)
	}
	if err != nil {
		return fmt.Errorf("%s: updating the run: %w", b.l.where, err)
	}
	return nil
}

func (b liteBook) checkpoints(ctx context.Context, runID int64) ([]Checkpoint, error) {
	var cps []Checkpoint
	q := `SELECT "companyId", "set", "partition", "next", "done", "rows" FROM "_checkpoints" WHERE "runId" = ? ORDER BY "companyId", "set", "partition"`
	err := b.l.query(ctx, q, []any{runID}, func(row []driver.Value) error {
		cp := Checkpoint{RunID: runID, CompanyID: asString(row[0]), Set: asString(row[1]), Partition: asString(row[2]), Next: asString(row[3])}
		done, _ := row[4].(int64)
		cp.Done = done != 0
		cp.Rows, _ = row[5].(int64)
		cps = append(cps, cp)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: reading _checkpoints: %w", b.l.where, err)
	}
	return cps, nil
}

// saveCheckpoints upserts checkpoints inside the caller's transaction.
func (b liteBook) saveCheckpoints(ctx context.Context, cps []Checkpoint) error {
	if len(cps) == 0 {
		return nil
	}
	s, err := b.l.stmt(ctx, `INSERT INTO "_checkpoints" ("runId", "companyId", "set", "partition", "next", "done", "rows") VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT ("runId", "companyId", "set", "partition") DO UPDATE SET "next" = excluded."next", "done" = excluded."done", "rows" = excluded."rows"`)
	if err != nil {
		return err
	}
	for _, cp := range cps {
		done := int64(0)
		if cp.Done {
			done = 1
		}
		if _, err := run(s, named([]any{cp.RunID, cp.CompanyID, cp.Set, cp.Partition, cp.Next, done, cp.Rows})); err != nil {
			return fmt.Errorf("saving checkpoint: %w", err)
		}
	}
	return nil
}

func (b liteBook) watermark(ctx context.Context, companyID, set string) (Watermark, bool, error) {
	w := Watermark{CompanyID: companyID, Set: set}
	found := false
	q := `SELECT "at" FROM "_watermarks" WHERE "companyId" = ? AND "set" = ?`
	err := b.l.query(ctx, q, []any{companyID, set}, func(row []driver.Value) (err error) {
		found = true
		w.At, err = parseLiteTime(row[0])
		return err
	})
	if err != nil {
		return Watermark{}, false, fmt.Errorf("%s: reading _watermarks: %w", b.l.where, err)
	}
	return w, found, nil
}

func (b liteBook) saveWatermark(ctx context.Context, w Watermark) error {
	err := b.l.tx(ctx, func() error {
		_, err := b.l.exec(ctx, `INSERT INTO "_watermarks" ("companyId", "set", "at") VALUES (?, ?, ?)
			ON CONFLICT ("companyId", "set") DO UPDATE SET "at" = excluded."at"`, w.CompanyID, w.Set, liteTime(w.At))
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: saving the watermark: %w", b.l.where, err)
	}
	return nil
}

// addTallies adds to _counts inside the caller's transaction.
func (b liteBook) addTallies(ctx context.Context, rows []tallyRow) error {
	if len(rows) == 0 {
		return nil
	}
	s, err := b.l.stmt(ctx, countsUpsert)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := run(s, named(r.args())); err != nil {
			return fmt.Errorf("counting %s: %w", r.Set, err)
		}
	}
	return nil
}

// saveResult records r's duration in _counts and, when it failed, _errors;
// a set that succeeded on a resumed run clears its earlier error.
func (b liteBook) saveResult(ctx context.Context, r SetResult) error {
	err := b.l.tx(ctx, func() error {
		_, err := b.l.exec(ctx, durationUpsert, r.RunID, r.CompanyID, r.Set, r.Duration.Milliseconds())
		if err != nil {
			return err
		}
		if r.Error == "" {
			_, err = b.l.exec(ctx, `DELETE FROM "_errors" WHERE "runId" = ? AND "companyId" = ? AND "set" = ?`, r.RunID, r.CompanyID, r.Set)
			return err
		}
		_, err = b.l.exec(ctx, `INSERT INTO "_errors" ("runId", "companyId", "set", "message") VALUES (?, ?, ?, ?)
			ON CONFLICT ("runId", "companyId", "set") DO UPDATE SET "message" = excluded."message"`, r.RunID, r.CompanyID, r.Set, r.Error)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: saving the result of %s: %w", b.l.where, r.Set, err)
	}
	return nil
}
