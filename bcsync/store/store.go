// Package store is where the sync writes: SQLite (default), PostgreSQL or
// JSON Lines files. The layout is a contract Mosaic's loaders read:
//
//   - one table (or DIR/<table>.jsonl) per entity set, named exactly as the
//     set (generalLedgerEntries); children BC lists only under a parent go
//     to <parentSet>_<navigation> (generalLedgerEntries_dimensionSetLines);
//   - one column per entity property, named exactly as the JSON property,
//     plus companyId (except in companies) and, for child tables, parentId;
//   - primary key (companyId, key properties), for children (companyId,
//     parentId, id);
//   - decimals keep every digit BC sent (TEXT in SQLite, NUMERIC in
//     PostgreSQL, number text in JSONL); dates YYYY-MM-DD; datetimes RFC 3339
//     UTC, as text with three fractional digits at least; BC's empty sentinels (0001-01-01, the all-zero GUID, the blank
//     enum member) are NULL;
//   - sync bookkeeping lives in tables whose names start with "_", among
//     them _source: the BC environment (Source) the store is filled from.
//
// Every write of rows is one transaction together with the checkpoint that
// records it, so a sync killed at any moment resumes from what was
// committed, and re-reading a page is harmless because rows are upserted by
// key. A first load is staged (Batch.Stage) and published whole (Publish):
// readers never see half of one.
package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ColType is the type of a column, from the property's EDM type. Values
// always arrive as text in BC's wire form: decimals and integers as number
// text ("1000.00", "-42"), booleans as "true"/"false", dates "2025-05-08",
// datetimes "2025-05-16T15:37:35.593Z"; each store converts them to its
// column types.
type ColType int

// The column types.
const (
	Text     ColType = iota // Edm.String and enums (wire names, e.g. Credit_x0020_Memo)
	GUID                    // Edm.Guid, lower case
	Decimal                 // Edm.Decimal: exact, every digit kept
	Int                     // Edm.Int16/32/64, Edm.Byte
	Bool                    // Edm.Boolean
	Date                    // Edm.Date: YYYY-MM-DD
	DateTime                // Edm.DateTimeOffset: RFC 3339 in UTC
	Float                   // Edm.Double/Single
)

// Column is one column of a table.
type Column struct {
	Name string
	Type ColType
}

// Table describes one output table. Columns are in BC's property order
// after the scope columns (companyId, and parentId for child tables); new
// properties appear at the end and are added to an existing table.
type Table struct {
	Name    string
	Columns []Column
	// Key are the primary key columns, e.g. companyId, id.
	Key []string
	// Parent is the column naming the parent entity for child tables
	// ("parentId" for dimension set lines, "documentId" for document lines),
	// used to replace a parent's children; "" otherwise.
	Parent string
}

// Value is one cell: Valid false is NULL.
type Value struct {
	Text  string
	Valid bool
}

// Row is one row, aligned with Table.Columns.
type Row []Value

// Checkpoint records the progress of one partition: rows up to here are in
// the same transaction as the checkpoint.
type Checkpoint struct {
	RunID     int64
	CompanyID string
	Set       string // entity set (the partition's unit of work)
	Partition string // stable id of the partition within the set, e.g. "entryNumber:1-20000"
	// Next is where to resume: BC's nextLink, or "" when Done.
	Next string
	Done bool
	// Rows is the number of rows committed for the partition so far.
	Rows int64
}

// Batch is one transaction's worth of changes to one table.
type Batch struct {
	Table *Table
	// Upserts are inserted, or update the row with the same key.
	Upserts []Row
	// ReplaceParents deletes, before the upserts, the rows of Table whose
	// companyId and Table.Parent match, so a parent's children are replaced
	// (lines removed from a document disappear). Only that end state is
	// promised: children upserted again as they were count as unchanged,
	// and only those left out count as deleted.
	CompanyID      string
	ReplaceParents []string
	// Deletes removes rows by key values (aligned with Table.Key).
	Deletes [][]string
	// Stage appends Upserts to the staging of Table for CompanyID instead
	// of writing them to Table: a first load, which Publish moves into
	// Table whole. A staged batch has no ReplaceParents or Deletes, and its
	// Counts stay zero until the rows are published.
	Stage bool
	// Counts is set by Apply: what this batch changed.
	Counts Counts
	// Tally, when set, is the _counts row Apply adds Counts to, in the
	// batch's own transaction.
	Tally *Tally
}

// ModifiedCol is the column whose newest value wins when Publish meets a key
// staged twice.
const ModifiedCol = "lastModifiedDateTime"

// Tally names the row of _counts a transaction adds to — one run's company
// × table — and carries the requests behind it. Counts are committed with
// the rows they count, so the counts of a run that was interrupted, killed
// and resumed are exactly what it wrote.
type Tally struct {
	RunID                        int64
	CompanyID, Set               string
	Requests, Retries, Throttled int64
}

// Counts are what a transaction changed.
type Counts struct {
	Inserted, Updated, Unchanged, Deleted int64
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Inserted += o.Inserted
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Deleted += o.Deleted
}

// Run is one execution of the sync.
type Run struct {
	ID int64
	// Started is the client's clock at start; ServerStart is BC's (from the
	// Date header of the first response): the watermark a successful run
	// leaves behind, so that changes made while it ran are read next time.
	Started, ServerStart time.Time
	Finished             time.Time
	// Mode is "full" or "incremental"; Status "running", "ok", "partial",
	// "failed", "interrupted" or "abandoned" (its checkpoints could not be
	// resumed).
	Mode, Status string
	// Plan describes what the run was asked for (profile, companies, sets);
	// a resumed run must have the same plan.
	Plan string
}

// Watermark is the last successful sync point of one company and set.
type Watermark struct {
	CompanyID, Set string
	// At is BC's time when the sync that read the set started; zero asks
	// the next run to read the set in full (set after a reconcile deleted
	// rows, so a wrong deletion heals).
	At time.Time
}

// SetResult is what one company × set contributed to a run.
type SetResult struct {
	RunID             int64
	CompanyID, Set    string
	Counts            Counts
	Requests, Retries int64
	Throttled         int64
	Duration          time.Duration
	Error             string // "" when the set succeeded
}

// Store is a sync destination. Implementations are safe for use by one
// writer goroutine; the engine serialises writes.
type Store interface {
	// Open checks the destination is usable (writable path, reachable
	// database) and creates the bookkeeping tables; it fails before any work.
	Open(ctx context.Context) error
	// EnsureTable creates t or adds its missing columns.
	EnsureTable(ctx context.Context, t *Table) error
	// Apply writes batches and checkpoints in one transaction.
	Apply(ctx context.Context, batches []Batch, checkpoints []Checkpoint) (Counts, error)

	// Publish moves the rows staged for t and companyID into t, in t's key
	// order, in one transaction that also saves w (when not nil) and
	// checkpoints, and adds the counts to tally (when not nil). Of staged
	// rows with the same key the one with the newest lastModifiedDateTime
	// wins (a row changed while a partitioned load read it), then the one
	// staged last. Rows already in t with a staged key are updated; the
	// rest stay.
	Publish(ctx context.Context, t *Table, companyID string, w *Watermark, checkpoints []Checkpoint, tally *Tally) (Counts, error)
	// DiscardStaged drops the rows staged for t and companyID by a first
	// load that will not be published (one a new run starts over).
	DiscardStaged(ctx context.Context, t *Table, companyID string) error

	// LastRun returns the most recent run (ok false if none).
	LastRun(ctx context.Context) (run Run, ok bool, err error)
	// BeginRun records a new run and returns it with its id.
	BeginRun(ctx context.Context, r Run) (Run, error)
	// UpdateRun records a run's ServerStart, status and end.
	UpdateRun(ctx context.Context, r Run) error
	// Checkpoints returns the checkpoints of a run.
	Checkpoints(ctx context.Context, runID int64) ([]Checkpoint, error)
	// Watermark returns the watermark of a company × set (ok false if none).
	Watermark(ctx context.Context, companyID, set string) (w Watermark, ok bool, err error)
	// SaveWatermark stores a watermark.
	SaveWatermark(ctx context.Context, w Watermark) error
	// SaveResult records how long a company × set took in a run (_counts)
	// and why it failed (_errors). Its counts and requests are not written:
	// they reached _counts with the rows, through Batch.Tally.
	SaveResult(ctx context.Context, r SetResult) error

	// CheckSource records src as the BC environment the store is filled
	// from on its first call and, on every later one, refuses another with
	// an error wrapping ErrOtherSource. A store made before sources were
	// recorded adopts src.
	CheckSource(ctx context.Context, src Source) error

	// Reconcile deletes rows of t for companyID whose key is not in keys,
	// or marks them when opts.Mark is set (column _deleted set to the
	// time), and returns how many. keys is consumed as a stream so memory
	// stays flat; each key is aligned with t.Key, companyId included. A
	// marked row that keys has again, or that is upserted again, loses its
	// mark. When tally is set, the count is added to it in the same
	// transaction. A call opts.MaxFraction refuses changes nothing.
	Reconcile(ctx context.Context, t *Table, companyID string, keys func(yield func(key []string) bool), opts ReconcileOptions, tally *Tally) (int64, error)

	// Close releases the destination; JSONL files are finalised here (and
	// by Open, for what a killed run committed).
	Close() error
}

// ReconcileOptions say how Store.Reconcile treats the rows keys lacks.
type ReconcileOptions struct {
	// Mark sets their _deleted column instead of removing them.
	Mark bool
	// MaxFraction, above 0, bounds one call: when it would remove (or mark)
	// more than this fraction of the company's rows in the table (those not
	// marked yet), it changes nothing and fails with a *DeleteLimitError.
	MaxFraction float64
}

// Check is the MaxFraction rule for a call that would remove deleting of
// stored rows; stores call it inside the transaction they then roll back.
func (o ReconcileOptions) Check(deleting, stored int64) error {
	if o.MaxFraction > 0 && float64(deleting) > o.MaxFraction*float64(stored) {
		return &DeleteLimitError{Deleting: deleting, Stored: stored, MaxFraction: o.MaxFraction}
	}
	return nil
}

// DeleteLimitError is the error of a Reconcile that ReconcileOptions.
// MaxFraction refused: nothing was removed or marked.
type DeleteLimitError struct {
	Deleting, Stored int64
	MaxFraction      float64
}

func (e *DeleteLimitError) Error() string {
	return fmt.Sprintf("it would delete %d of the %d stored rows, more than %s; nothing was deleted",
		e.Deleting, e.Stored, strconv.FormatFloat(e.MaxFraction*100, 'f', -1, 64)+"%")
}

// String names the type in error messages.
func (t ColType) String() string {
	switch t {
	case Text:
		return "text"
	case GUID:
		return "GUID"
	case Decimal:
		return "decimal"
	case Int:
		return "integer"
	case Bool:
		return "boolean"
	case Date:
		return "date"
	case DateTime:
		return "datetime"
	case Float:
		return "float"
	}
	return "ColType(" + strconv.Itoa(int(t)) + ")"
}

// ErrLocked is wrapped by the error of a store whose destination another
// writer holds (a SQLite file, a JSONL directory, a PostgreSQL schema): a
// second sync is refused at once instead of failing later on a lock
// timeout.
var ErrLocked = errors.New("another sync is writing to it")

// ErrOtherSource is wrapped by the error of CheckSource for a store filled
// from another BC environment: its watermarks and rows belong to that one.
var ErrOtherSource = errors.New("the store holds the data of another BC environment")

// Source is the BC environment a store is filled from.
type Source struct {
	Tenant, Environment string
	// ServiceRoot is the URL the /api routes live under,
	// {base}/{tenant}/{environment} (bc.Client.ServiceRoot).
	ServiceRoot string
}

// String names s for messages: tenant, environment and service root
// (without any user info it may carry).
func (s Source) String() string {
	return fmt.Sprintf("tenant %q, environment %q at %s", s.Tenant, s.Environment, s.Root())
}

// Root returns the service root without user info, as a store records it.
func (s Source) Root() string {
	u, err := url.Parse(s.ServiceRoot)
	if err != nil || u.User == nil {
		return s.ServiceRoot
	}
	u.User = nil
	return u.String()
}

// Same reports whether s and o name the same environment: tenant and
// environment names compare without case, as BC does, and service roots
// without case, trailing slash, user info and — on a loopback host (the fake
// BC of tests and --demo, on a new port every run) — port.
func (s Source) Same(o Source) bool {
	return strings.EqualFold(s.Tenant, o.Tenant) && strings.EqualFold(s.Environment, o.Environment) &&
		strings.EqualFold(s.rootKey(), o.rootKey())
}

func (s Source) rootKey() string {
	u, err := url.Parse(strings.TrimRight(s.ServiceRoot, "/"))
	if err != nil {
		return s.ServiceRoot
	}
	u.User = nil
	if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || ip != nil && ip.IsLoopback() {
		u.Host = u.Hostname()
	}
	return u.String()
}
