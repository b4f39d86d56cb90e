package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/jackc/pgx/v5"
)

// pgTime is a bookkeeping time as stored: NULL if zero.
func pgTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func fromPgTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// locked runs fn under the store's lock on a live connection.
func (s *Store) locked(ctx context.Context, what string, fn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.live(ctx); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return s.fail("%s: %v", what, err)
	}
	return nil
}

func (s *Store) LastRun(ctx context.Context) (r store.Run, found bool, err error) {
	err = s.locked(ctx, "reading _runs", func() error {
		var started, serverStart, finished *time.Time
		err := s.conn.QueryRow(ctx, `SELECT "id", "started", "serverStart", "finished", "mode", "status", "plan" FROM "_runs" ORDER BY "id" DESC LIMIT 1`).
			Scan(&r.ID, &started, &serverStart, &finished, &r.Mode, &r.Status, &r.Plan)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		r.Started, r.ServerStart, r.Finished = fromPgTime(started), fromPgTime(serverStart), fromPgTime(finished)
		return nil
	})
	return r, found, err
}

func (s *Store) BeginRun(ctx context.Context, r store.Run) (store.Run, error) {
	err := s.locked(ctx, "recording the run", func() error {
		return s.conn.QueryRow(ctx, `INSERT INTO "_runs" ("started", "serverStart", "finished", "mode", "status", "plan") VALUES ($1, $2, $3, $4, $5, $6) RETURNING "id"`,
			pgTime(r.Started), pgTime(r.ServerStart), pgTime(r.Finished), r.Mode, r.Status, r.Plan).Scan(&r.ID)
	})
	return r, err
}

func (s *Store) UpdateRun(ctx context.Context, r store.Run) error {
	return s.locked(ctx, "updating the run", func() error {
		tag, err := s.conn.Exec(ctx, `UPDATE "_runs" SET "serverStart" = $1, "finished" = $2, "status" = $3 WHERE "id" = $4`,
			pgTime(r.ServerStart), pgTime(r.Finished), r.Status, r.ID)
		if err == nil && tag.RowsAffected() == 0 {
			err = errors.New("no such run")
		}
		return err
	})
}

func (s *Store) Checkpoints(ctx context.Context, runID int64) (cps []store.Checkpoint, err error) {
	err = s.locked(ctx, "reading _checkpoints", func() error {
		rows, err := s.conn.Query(ctx, `SELECT "companyId", "set", "partition", "next", "done", "rows" FROM "_checkpoints" WHERE "runId" = $1 ORDER BY "companyId", "set", "partition"`, runID)
		if err != nil {
			return err
		}
		cps, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Checkpoint, error) {
			cp := store.Checkpoint{RunID: runID}
			err := row.Scan(&cp.CompanyID, &cp.Set, &cp.Partition, &cp.Next, &cp.Done, &cp.Rows)
			return cp, err
		})
		return err
	})
	return cps, err
}

// saveCheckpoints upserts checkpoints inside tx in one statement.
func pgSaveCheckpoints(ctx context.Context, tx pgx.Tx, cps []store.Checkpoint) error {
	if len(cps) == 0 {
		return nil
	}
	n := len(cps)
	runs, companies, sets, parts, nexts := make([]int64, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	dones, counts := make([]bool, n), make([]int64, n)
	for i, cp := range cps {
		runs[i], companies[i], sets[i], parts[i], nexts[i], dones[i], counts[i] = cp.RunID, cp.CompanyID, cp.Set, cp.Partition, cp.Next, cp.Done, cp.Rows
	}
	_, err := tx.Exec(ctx, `INSERT INTO "_checkpoints" ("runId", "companyId", "set", "partition", "next", "done", "rows")
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::bigint[])
		ON CONFLICT ("runId", "companyId", "set", "partition") DO UPDATE SET "next" = EXCLUDED."next", "done" = EXCLUDED."done", "rows" = EXCLUDED."rows"`,
		runs, companies, sets, parts, nexts, dones, counts)
	return err
}

func (s *Store) Watermark(ctx context.Context, companyID, set string) (w store.Watermark, found bool, err error) {
	w = store.Watermark{CompanyID: companyID, Set: set}
	err = s.locked(ctx, "reading _watermarks", func() error {
		var at *time.Time
		err := s.conn.QueryRow(ctx, `SELECT "at" FROM "_watermarks" WHERE "companyId" = $1 AND "set" = $2`, companyID, set).Scan(&at)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found, w.At = err == nil, fromPgTime(at)
		return err
	})
	return w, found, err
}

func (s *Store) SaveWatermark(ctx context.Context, w store.Watermark) error {
	return s.locked(ctx, "saving the watermark", func() error {
		return pgx.BeginFunc(ctx, s.conn, func(tx pgx.Tx) error { return pgSaveWatermark(ctx, tx, w) })
	})
}

// pgSaveWatermark saves w inside tx.
func pgSaveWatermark(ctx context.Context, tx pgx.Tx, w store.Watermark) error {
	_, err := tx.Exec(ctx, `INSERT INTO "_watermarks" ("companyId", "set", "at") VALUES ($1, $2, $3)
		ON CONFLICT ("companyId", "set") DO UPDATE SET "at" = EXCLUDED."at"`, w.CompanyID, w.Set, pgTime(w.At))
	return err
}

// pgAddTallies adds to _counts inside tx.
func pgAddTallies(ctx context.Context, tx pgx.Tx, rows []layout.TallyRow) error {
	for _, r := range rows {
		if _, err := tx.Exec(ctx, layout.CountsUpsert, r.Args()...); err != nil {
			return fmt.Errorf("counting %s: %w", r.Set, err)
		}
	}
	return nil
}

func (s *Store) SaveResult(ctx context.Context, r store.SetResult) error {
	return s.locked(ctx, "saving the result of "+r.Set, func() error {
		return pgx.BeginFunc(ctx, s.conn, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, layout.DurationUpsert, r.RunID, r.CompanyID, r.Set, r.Duration.Milliseconds())
			if err != nil {
				return err
			}
			if r.Error == "" {
				_, err = tx.Exec(ctx, `DELETE FROM "_errors" WHERE "runId" = $1 AND "companyId" = $2 AND "set" = $3`, r.RunID, r.CompanyID, r.Set)
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO "_errors" ("runId", "companyId", "set", "message") VALUES ($1, $2, $3, $4)
				ON CONFLICT ("runId", "companyId", "set") DO UPDATE SET "message" = EXCLUDED."message"`, r.RunID, r.CompanyID, r.Set, r.Error)
			return err
		})
	})
}

// CheckSource records src in _source on the first run and refuses another
// on later ones.
func (s *Store) CheckSource(ctx context.Context, src store.Source) error {
	var refused error
	err := s.locked(ctx, "recording the source", func() error {
		rows, err := s.conn.Query(ctx, `SELECT "tenant", "environment", "serviceRoot" FROM "_source"`)
		if err != nil {
			return err
		}
		had, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Source, error) {
			var r store.Source
			err := row.Scan(&r.Tenant, &r.Environment, &r.ServiceRoot)
			return r, err
		})
		if err != nil {
			return err
		}
		record, err := layout.CheckSource(s.where, had, src)
		if !record {
			refused = err
			return nil
		}
		_, err = s.conn.Exec(ctx, `INSERT INTO "_source" ("tenant", "environment", "serviceRoot") VALUES ($1, $2, $3)`, src.Tenant, src.Environment, src.Root())
		return err
	})
	if err != nil {
		return err
	}
	return refused
}
