package main

import (
	"context"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
)

// abortable is the run's store: its calls also end when abort does (a
// second interrupt). The engine commits what it fetched even after its run
// was cancelled; a commit BC's data are not waiting for can still hang on
// a busy database, and the second interrupt must end the command at once.
// Each commit is one transaction, so an aborted one leaves the store as a
// kill would, and the next run resumes from what was committed.
type abortable struct {
	store.Store
	abort context.Context
}

// bind returns ctx, ended when abort ends too.
func (s abortable) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.abort, cancel)
	return ctx, func() { stop(); cancel() }
}

func (s abortable) Open(ctx context.Context) error {
	ctx, done := s.bind(ctx)
	defer done()
	return s.Store.Open(ctx)
}

func (s abortable) EnsureTable(ctx context.Context, t *store.Table) error {
	ctx, done := s.bind(ctx)
	defer done()
	return s.Store.EnsureTable(ctx, t)
}

func (s abortable) Apply(ctx context.Context, batches []store.Batch, cps []store.Checkpoint) (store.Counts, error) {
	ctx, done := s.bind(ctx)
	defer done()
	return s.Store.Apply(ctx, batches, cps)
}

// UpdateRun records the run's outcome. Once the abort has happened, the
// outcome ("interrupted") is still written, but given only finalWriteGrace,
// so a store that hangs cannot hold the command; a write already waiting
// when the abort comes ends with it.
func (s abortable) UpdateRun(ctx context.Context, r store.Run) error {
	if s.abort.Err() != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalWriteGrace)
		defer cancel()
		return s.Store.UpdateRun(ctx, r)
	}
	ctx, done := s.bind(ctx)
	defer done()
	return s.Store.UpdateRun(ctx, r)
}

// finalWriteGrace bounds the outcome write after an abort: one small
// statement, far longer than it takes on a store that answers.
const finalWriteGrace = 5 * time.Second

func (s abortable) SaveWatermark(ctx context.Context, w store.Watermark) error {
	ctx, done := s.bind(ctx)
	defer done()
	return s.Store.SaveWatermark(ctx, w)
}

func (s abortable) SaveResult(ctx context.Context, r store.SetResult) error {
	ctx, done := s.bind(ctx)
	defer done()
	return s.Store.SaveResult(ctx, r)
}

func (s abortable) Reconcile(ctx context.Context, t *store.Table, companyID string, keys func(yield func([]string) bool), opts store.ReconcileOptions, tally *store.Tally) (int64, error) {
	ctx, done := s.bind(ctx)
	defer done()
	return s.Store.Reconcile(ctx, t, companyID, keys, opts, tally)
}
