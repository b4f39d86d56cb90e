package lite

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
)

// Type is the SQLite column type of a ColType: exact text for decimals,
// dates and datetimes, 0/1 integers for booleans.
func Type(t store.ColType) string {
	switch t {
	case store.Int, store.Bool:
		return "INTEGER"
	case store.Float:
		return "REAL"
	}
	return "TEXT"
}

// Create returns the CREATE TABLE statement for t. Key columns are NOT
// NULL (SQLite would otherwise let NULL keys repeat). Output tables are
// ordinary rowid tables: rows are appended and only the key index takes
// the random inserts of GUID keys (faster than WITHOUT ROWID; see
// docs/performance.md, "Why the constants").
func Create(schema string, t *store.Table, withoutRowid bool) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	if schema != "" {
		b.WriteString(schema + ".")
	}
	b.WriteString(Ident(t.Name) + " (")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Ident(c.Name) + " " + Type(c.Type))
		if layout.Contains(t.Key, c.Name) {
			b.WriteString(" NOT NULL")
		}
	}
	b.WriteString(", PRIMARY KEY (" + List(t.Key) + "))")
	if withoutRowid {
		b.WriteString(" WITHOUT ROWID")
	}
	return b.String()
}

// List quotes and joins names.
func List(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = Ident(n)
	}
	return strings.Join(q, ", ")
}

// Bookkeeper keeps the bookkeeping tables of the SQLite and JSONL stores.
type Bookkeeper struct{ l *Conn }

// Ensure checks existing bookkeeping tables are the sync's own, then creates
// the missing ones; it changes nothing when a check fails.
func (b Bookkeeper) Ensure(ctx context.Context) error {
	var missing []*store.Table
	for _, t := range layout.BookTables {
		have, _, _, err := b.l.Columns(ctx, "main", t.Name)
		if err != nil {
			return OpenError(b.l.where, err)
		}
		if have == nil {
			missing = append(missing, t)
			continue
		}
		if !layout.SameColumns(have, t) {
			return layout.ForeignSchemaError(b.l.where, t.Name, have, t)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return b.l.Tx(ctx, func() error {
		for _, t := range missing {
			q := Create("", t, false)
			if t.Name == "_runs" {
				q = strings.Replace(q, `"id" INTEGER NOT NULL`, `"id" INTEGER PRIMARY KEY`, 1)
				q = strings.Replace(q, `, PRIMARY KEY ("id")`, "", 1)
			}
			if _, err := b.l.Exec(ctx, q); err != nil {
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

func (b Bookkeeper) lastRun(ctx context.Context) (store.Run, bool, error) {
	var r store.Run
	found := false
	q := `SELECT "id", "started", "serverStart", "finished", "mode", "status", "plan" FROM "_runs" ORDER BY "id" DESC LIMIT 1`
	err := b.l.Query(ctx, q, nil, func(row []driver.Value) (err error) {
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
		r.Mode, r.Status, r.Plan = AsString(row[4]), AsString(row[5]), AsString(row[6])
		return nil
	})
	if err != nil {
		return store.Run{}, false, fmt.Errorf("%s: reading _runs: %w", b.l.where, err)
	}
	return r, found, nil
}

func (b Bookkeeper) beginRun(ctx context.Context, r store.Run) (store.Run, error) {
	err := b.l.Tx(ctx, func() error {
		q := `INSERT INTO "_runs" ("started", "serverStart", "finished", "mode", "status", "plan") VALUES (?, ?, ?, ?, ?, ?) RETURNING "id"`
		return b.l.Query(ctx, q, []any{liteTime(r.Started), liteTime(r.ServerStart), liteTime(r.Finished), r.Mode, r.Status, r.Plan},
			func(row []driver.Value) error {
				r.ID, _ = row[0].(int64)
				return nil
			})
	})
	if err != nil {
		return store.Run{}, fmt.Errorf("%s: recording the run: %w", b.l.where, err)
	}
	return r, nil
}

func (b Bookkeeper) updateRun(ctx context.Context, r store.Run) error {
	var n int64
	err := b.l.Tx(ctx, func() (err error) {
		q := `UPDATE "_runs" SET "serverStart" = ?, "finished" = ?, "status" = ? WHERE "id" = ?`
		n, err = b.l.Exec(ctx, q, liteTime(r.ServerStart), liteTime(r.Finished), r.Status, r.ID)
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

func (b Bookkeeper) checkpoints(ctx context.Context, runID int64) ([]store.Checkpoint, error) {
	var cps []store.Checkpoint
	q := `SELECT "companyId", "set", "partition", "next", "done", "rows" FROM "_checkpoints" WHERE "runId" = ? ORDER BY "companyId", "set", "partition"`
	err := b.l.Query(ctx, q, []any{runID}, func(row []driver.Value) error {
		cp := store.Checkpoint{RunID: runID, CompanyID: AsString(row[0]), Set: AsString(row[1]), Partition: AsString(row[2]), Next: AsString(row[3])}
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

// SaveCheckpoints upserts checkpoints inside the caller's transaction.
func (b Bookkeeper) SaveCheckpoints(ctx context.Context, cps []store.Checkpoint) error {
	if len(cps) == 0 {
		return nil
	}
	s, err := b.l.Stmt(ctx, `INSERT INTO "_checkpoints" ("runId", "companyId", "set", "partition", "next", "done", "rows") VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT ("runId", "companyId", "set", "partition") DO UPDATE SET "next" = excluded."next", "done" = excluded."done", "rows" = excluded."rows"`)
	if err != nil {
		return err
	}
	for _, cp := range cps {
		done := int64(0)
		if cp.Done {
			done = 1
		}
		if _, err := RunStmt(s, Named([]any{cp.RunID, cp.CompanyID, cp.Set, cp.Partition, cp.Next, done, cp.Rows})); err != nil {
			return fmt.Errorf("saving checkpoint: %w", err)
		}
	}
	return nil
}

func (b Bookkeeper) watermark(ctx context.Context, companyID, set string) (store.Watermark, bool, error) {
	w := store.Watermark{CompanyID: companyID, Set: set}
	found := false
	q := `SELECT "at" FROM "_watermarks" WHERE "companyId" = ? AND "set" = ?`
	err := b.l.Query(ctx, q, []any{companyID, set}, func(row []driver.Value) (err error) {
		found = true
		w.At, err = parseLiteTime(row[0])
		return err
	})
	if err != nil {
		return store.Watermark{}, false, fmt.Errorf("%s: reading _watermarks: %w", b.l.where, err)
	}
	return w, found, nil
}

func (b Bookkeeper) saveWatermark(ctx context.Context, w store.Watermark) error {
	if err := b.l.Tx(ctx, func() error { return b.SaveWatermark(ctx, w) }); err != nil {
		return fmt.Errorf("%s: %w", b.l.where, err)
	}
	return nil
}

// SaveWatermark saves w inside the caller's transaction.
func (b Bookkeeper) SaveWatermark(ctx context.Context, w store.Watermark) error {
	_, err := b.l.Exec(ctx, `INSERT INTO "_watermarks" ("companyId", "set", "at") VALUES (?, ?, ?)
		ON CONFLICT ("companyId", "set") DO UPDATE SET "at" = excluded."at"`, w.CompanyID, w.Set, liteTime(w.At))
	if err != nil {
		return fmt.Errorf("saving the watermark: %w", err)
	}
	return nil
}

// AddTallies adds to _counts inside the caller's transaction.
func (b Bookkeeper) AddTallies(ctx context.Context, rows []layout.TallyRow) error {
	if len(rows) == 0 {
		return nil
	}
	s, err := b.l.Stmt(ctx, layout.CountsUpsert)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := RunStmt(s, Named(r.Args())); err != nil {
			return fmt.Errorf("counting %s: %w", r.Set, err)
		}
	}
	return nil
}

// saveResult records r's duration in _counts and, when it failed, _errors;
// a set that succeeded on a resumed run clears its earlier error.
func (b Bookkeeper) saveResult(ctx context.Context, r store.SetResult) error {
	err := b.l.Tx(ctx, func() error {
		_, err := b.l.Exec(ctx, layout.DurationUpsert, r.RunID, r.CompanyID, r.Set, r.Duration.Milliseconds())
		if err != nil {
			return err
		}
		if r.Error == "" {
			_, err = b.l.Exec(ctx, `DELETE FROM "_errors" WHERE "runId" = ? AND "companyId" = ? AND "set" = ?`, r.RunID, r.CompanyID, r.Set)
			return err
		}
		_, err = b.l.Exec(ctx, `INSERT INTO "_errors" ("runId", "companyId", "set", "message") VALUES (?, ?, ?, ?)
			ON CONFLICT ("runId", "companyId", "set") DO UPDATE SET "message" = excluded."message"`, r.RunID, r.CompanyID, r.Set, r.Error)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: saving the result of %s: %w", b.l.where, r.Set, err)
	}
	return nil
}

// NewBookkeeper returns the bookkeeping kept in l.
func NewBookkeeper(l *Conn) Bookkeeper { return Bookkeeper{l} }

// checkSource records src in _source on the first run and refuses another
// on later ones (layout.CheckSource).
func (b Bookkeeper) checkSource(ctx context.Context, src store.Source) error {
	var had []store.Source
	q := `SELECT "tenant", "environment", "serviceRoot" FROM "_source"`
	err := b.l.Query(ctx, q, nil, func(row []driver.Value) error {
		had = append(had, store.Source{Tenant: AsString(row[0]), Environment: AsString(row[1]), ServiceRoot: AsString(row[2])})
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: reading _source: %w", b.l.where, err)
	}
	record, err := layout.CheckSource(b.l.where, had, src)
	if !record {
		return err
	}
	err = b.l.Tx(ctx, func() error {
		_, err := b.l.Exec(ctx, `INSERT INTO "_source" ("tenant", "environment", "serviceRoot") VALUES (?, ?, ?)`, src.Tenant, src.Environment, src.Root())
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: recording the source: %w", b.l.where, err)
	}
	return nil
}
