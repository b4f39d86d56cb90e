package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
)

// mode is what a run does.
type mode int

const (
	modeIncremental mode = iota
	// modeFull is the first load (or its resumption).
	modeFull
	// modeReconcile is an incremental run that also finds deleted rows.
	modeReconcile
	// modeRenew renews the tenant's webhook subscriptions (or creates
	// them), then runs an incremental sync.
	modeRenew
)

func (m mode) String() string { return [...]string{"incremental", "full", "reconcile", "renew"}[m] }

// decideMode reads the store's last run: none, or a first load that did not
// finish, is a first load; an interrupted run resumes in its own mode (the
// engine resumes only the same plan); otherwise the first run after the
// day's reconcile time reconciles, and the others are incremental. A
// renewal of the webhook subscriptions comes before the reconcile: an
// expired subscription is lost, a reconcile only waits for the next run.
func (w *syncWorker) decideMode(ctx context.Context, t Tenant, st store.Store) (mode, error) {
	if err := st.Open(ctx); err != nil {
		return modeFull, &bcsync.SetupError{Step: bcsync.StepStore, Err: err}
	}
	last, ok, err := st.LastRun(ctx)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return modeFull, fmt.Errorf("reading the store's last run: %w", err)
	}
	reconciled, err := w.cfg.DB.lastReconcile(ctx, t.Name)
	if err != nil {
		return modeFull, err
	}
	subs, err := w.cfg.DB.subscriptions(ctx, t.Name)
	if err != nil {
		return modeFull, err
	}
	now := w.cfg.Clock.Now()
	return pickMode(last, ok, t.ReconcileAt, reconciled, renewalDue(t, subs, w.cfg.RenewBefore, now), now), nil
}

// pickMode is decideMode's rule; reconciled is when the tenant's last
// reconcile that finished started (zero: never); renew, whether the
// webhook subscriptions are due for renewal.
func pickMode(last store.Run, ok bool, reconcileAt string, reconciled time.Time, renew bool, now time.Time) mode {
	if !ok {
		return modeFull
	}
	status := bcsync.Status(last.Status)
	if status == bcsync.StatusRunning || status == bcsync.StatusInterrupted {
		switch {
		case last.Mode == "full":
			return modeFull
		case strings.Contains(last.Plan, "reconcile=true"):
			return modeReconcile
		}
		return modeIncremental
	}
	if last.Mode == "full" && status != bcsync.StatusOK && status != bcsync.StatusPartial {
		return modeFull
	}
	if renew {
		return modeRenew
	}
	if at, err := time.Parse("15:04", reconcileAt); err == nil {
		now = now.UTC()
		today := time.Date(now.Year(), now.Month(), now.Day(), at.Hour(), at.Minute(), 0, 0, time.UTC)
		if !now.Before(today) && reconciled.Before(today) {
			return modeReconcile
		}
	}
	return modeIncremental
}

// lastReconcile is when tenant's last reconcile that ended ok started.
func (db *DB) lastReconcile(ctx context.Context, tenant string) (time.Time, error) {
	var us int64
	err := db.queryRow(ctx, "SELECT COALESCE(MAX(started_us), 0) FROM bcsync_runs WHERE tenant = ? AND mode = 'reconcile' AND status = 'ok'", tenant).Scan(&us)
	if err != nil || us == 0 {
		return time.Time{}, err
	}
	return time.UnixMicro(us).UTC(), nil
}
