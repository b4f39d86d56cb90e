// Package layout holds what every store of the sync shares: the reserved
// names and bookkeeping tables of the output layout, the checks a table
// and its rows pass before any store writes them, the value rules, and the
// _counts SQL that SQLite and PostgreSQL both speak.
package layout

import (
	"errors"
	"fmt"

	"github.com/bcsdk/bc/bcsync/store"
)

// ErrNotEnsured is returned for a table Apply or Reconcile meets before
// EnsureTable.
var ErrNotEnsured = errors.New("call EnsureTable first")

// Locked is the error of a destination another sync holds: the store
// refuses at once rather than wait for it and fail on a timeout.
func Locked(where string) error {
	return fmt.Errorf("%s: %w; wait for that one to finish, or choose another destination", where, store.ErrLocked)
}

// SourceTable is the bookkeeping table of the store's Source: one row,
// written by the first run.
const SourceTable = "_source"

// CheckSource compares src with the sources a store recorded (none in a
// new store, or one made before sources were recorded) and reports whether
// src must be recorded.
func CheckSource(where string, recorded []store.Source, src store.Source) (record bool, err error) {
	for _, r := range recorded {
		if !r.Same(src) {
			return false, fmt.Errorf("%s: %w: it was filled from %s, but this sync reads %s; choose another destination for this environment",
				where, store.ErrOtherSource, r, src)
		}
	}
	return len(recorded) == 0, nil
}
