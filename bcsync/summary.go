package bcsync

import (
	"errors"
	"slices"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/store"
)

// Status is the outcome of a run, as recorded in the store's _runs table.
type Status string

// The statuses of a run.
const (
	StatusRunning     Status = "running"     // in progress, or killed while running: the next run resumes it
	StatusOK          Status = "ok"          // every set synced
	StatusPartial     Status = "partial"     // some sets failed; the others synced
	StatusFailed      Status = "failed"      // a failure stopped the whole run
	StatusInterrupted Status = "interrupted" // its context was cancelled: the next run resumes it
	StatusAbandoned   Status = "abandoned"   // its bookkeeping could not be resumed; the next run starts afresh
)

// Company is a BC company.
type Company struct {
	ID, Name string
}

// SetKey names one company × table of a run: a set's own table, or the
// table of a child read with it (salesInvoiceLines with salesInvoices).
type SetKey struct {
	Company Company
	Set     string
}

// SetResult is what one company × table contributed to a run.
type SetResult struct {
	SetKey
	Counts                       store.Counts
	Requests, Retries, Throttled int64
	Duration                     time.Duration
	// Err is nil when the set synced, else a *SetError; errors.Is(Err,
	// ErrInterrupted) for a set an interrupt left unfinished.
	Err error
}

// Interrupted reports whether an interrupt left the set unfinished: not
// failed, the next run resumes it.
func (r SetResult) Interrupted() bool { return errors.Is(r.Err, ErrInterrupted) }

// Reason is why the set failed without the set and company its SetError
// names, for a line that names them already; "" when it did not fail.
func (r SetResult) Reason() string {
	if r.Err == nil {
		return ""
	}
	if err := errors.Unwrap(r.Err); err != nil {
		return err.Error()
	}
	return r.Err.Error()
}

// Summary is the outcome of a run.
type Summary struct {
	RunID  int64
	Status Status
	// Full is true for a full read, false for an incremental one.
	Full bool
	// Resumed is true when the run continued an interrupted one.
	Resumed   bool
	Companies []Company
	Results   []SetResult
	// Stats are the client's request counters at the end of the run.
	Stats    bc.Stats
	Duration time.Duration
}

// Failed returns the results of the sets that failed (not those an
// interrupt left unfinished).
func (s *Summary) Failed() []SetResult {
	var out []SetResult
	for _, r := range s.Results {
		if r.Err != nil && !r.Interrupted() {
			out = append(out, r)
		}
	}
	return out
}

// Tables lists the tables the run wrote: companies, then the sets' and
// their children's tables by name.
func (s *Summary) Tables() []string {
	var names []string
	for _, r := range s.Results {
		if !slices.Contains(names, r.Set) {
			names = append(names, r.Set)
		}
	}
	slices.Sort(names)
	return append([]string{"companies"}, names...)
}
