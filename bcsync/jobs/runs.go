package jobs

import (
	"context"
	"time"
)

// Run is one attempt of a tenant's sync, as the runs table records it:
// from the moment its principal's lock was taken to when it was released.
type Run struct {
	ID        int64
	Tenant    string
	Principal string
	JobID     int64
	Attempt   int
	// Mode is "full", "incremental" or "reconcile".
	Mode      string
	Started   time.Time
	Finished  time.Time // zero while running (or killed)
	Status    string    // running, the engine's status, cancelled, snoozed
	Rows      int64     // rows inserted, updated or deleted
	Requests  int64
	Throttled int64
	Error     string
}

// Duration is how long the run took (0 while running).
func (r Run) Duration() time.Duration {
	if r.Finished.IsZero() {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

func (db *DB) beginRun(ctx context.Context, r Run) (int64, error) {
	var id int64
	err := db.queryRow(ctx, `INSERT INTO bcsync_runs (tenant, principal, job_id, attempt, mode, started_us, finished_us, status, rows_synced, requests, throttled, error)
		VALUES (?, ?, ?, ?, ?, ?, 0, 'running', 0, 0, 0, '') RETURNING id`,
		r.Tenant, r.Principal, r.JobID, r.Attempt, r.Mode, r.Started.UnixMicro()).Scan(&id)
	return id, err
}

func (db *DB) finishRun(ctx context.Context, r Run) error {
	_, err := db.exec(ctx, `UPDATE bcsync_runs SET finished_us = ?, status = ?, rows_synced = ?, requests = ?, throttled = ?, error = ? WHERE id = ?`,
		r.Finished.UnixMicro(), r.Status, r.Rows, r.Requests, r.Throttled, r.Error, r.ID)
	return err
}

const runColumns = "id, tenant, principal, job_id, attempt, mode, started_us, finished_us, status, rows_synced, requests, throttled, error"

func scanRun(s scanner) (Run, error) {
	var r Run
	var started, finished int64
	err := s.Scan(&r.ID, &r.Tenant, &r.Principal, &r.JobID, &r.Attempt, &r.Mode, &started, &finished, &r.Status, &r.Rows, &r.Requests, &r.Throttled, &r.Error)
	r.Started = time.UnixMicro(started).UTC()
	if finished != 0 {
		r.Finished = time.UnixMicro(finished).UTC()
	}
	return r, err
}

// Runs returns the runs of tenant ("" for all), oldest first.
func (r *Registry) Runs(ctx context.Context, tenant string) ([]Run, error) {
	rows, err := r.db.query(ctx, "SELECT "+runColumns+" FROM bcsync_runs WHERE ? = '' OR tenant = ? ORDER BY id", tenant, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		run, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, run)
	}
	return out, rows.Err()
}

// lastStarts returns when each tenant's last run started.
func (db *DB) lastStarts(ctx context.Context) (map[string]time.Time, error) {
	rows, err := db.query(ctx, "SELECT tenant, MAX(started_us) FROM bcsync_runs GROUP BY tenant")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var name string
		var us int64
		if err := rows.Scan(&name, &us); err != nil {
			return nil, err
		}
		out[name] = time.UnixMicro(us).UTC()
	}
	return out, rows.Err()
}
