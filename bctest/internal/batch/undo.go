package batch

import (
	"sync"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// undoLog records the changes an atomic batch makes, so that a failure can
// roll them all back, as BC does for "Isolation: snapshot". The batch holds
// the tenant's isolation lock exclusively while it runs, so every change
// heard meanwhile is its own.
type undoLog struct {
	runner  *Runner
	stop    func()
	mu      sync.Mutex
	changes []table.Change
}

func beginUndo(b *Runner) *undoLog {
	u := &undoLog{runner: b}
	u.stop = b.Tenant.OnChange(func(ch table.Change) {
		u.mu.Lock()
		u.changes = append(u.changes, ch)
		u.mu.Unlock()
	})
	return u
}

// finish stops recording and, if the batch failed, undoes its changes, last
// first. Rows get back their values and versions (hence ETags) and their
// place; the undo itself is not reported to change listeners, and webhook
// notifications for the undone changes are withdrawn.
func (u *undoLog) finish(failed bool) {
	u.stop()
	if !failed {
		return
	}
	u.mu.Lock()
	changes := u.changes
	u.mu.Unlock()
	for i := len(changes) - 1; i >= 0; i-- {
		ch := changes[i]
		switch ch.Kind {
		case table.Created:
			ch.Table.RemoveLocked(ch.New)
		case table.Updated:
			ch.Table.ReplaceLocked(ch.New, ch.Old.Vals, ch.Old.Version)
		case table.Deleted:
			ch.Table.RestoreLocked(ch.Old)
		}
	}
	rows := make([]*table.Row, len(changes))
	for i, ch := range changes {
		rows[i] = ch.Row()
	}
	u.runner.Retract(rows)
}
