package bcsync

import (
	"context"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/schema"
)

// prepared is what the setup checks learnt from BC before any store work.
type prepared struct {
	started     time.Time
	companies   []company
	companyRows []store.Row // the companies table's rows
	serverStart time.Time   // BC's clock when the run began: its watermark
	schemas     map[string]*schema.Service
	sets        []*Set
}

// Prepare runs the setup checks without touching the store: listing the
// companies proves the credentials, the environment and that BC accepts
// the app; reading the $metadata and building the plan checks --entities.
// The command calls it before it opens the store, so a run that fails on
// its setup creates nothing. Run prepares itself when Prepare was not
// called.
func (e *Engine) Prepare(ctx context.Context) error {
	if e.prep != nil {
		return nil
	}
	p := &prepared{started: time.Now()}
	var err error
	if p.companies, p.serverStart, p.companyRows, err = e.discover(ctx, builtinSchema()); err != nil {
		return err
	}
	if p.schemas, err = e.schemas(ctx); err != nil {
		return err
	}
	if p.sets, err = Build(e.opts.Profile, e.opts.Entities, p.schemas); err != nil {
		return &SetupError{err}
	}
	e.prep = p
	return nil
}
