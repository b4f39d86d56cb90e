package store

import (
	"context"
	"fmt"
	"sync"
)

// liteBase is what the SQLite and JSONL stores share: one SQLite connection
// under a mutex, and the bookkeeping kept in it.
type liteBase struct {
	where string
	mu    sync.Mutex
	l     *lite
	book  liteBook
}

func (b *liteBase) ready() error {
	if b.l == nil {
		return fmt.Errorf("%s: store is not open", b.where)
	}
	return nil
}

func (b *liteBase) LastRun(ctx context.Context) (Run, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ready(); err != nil {
		return Run{}, false, err
	}
	return b.book.lastRun(ctx)
}

func (b *liteBase) BeginRun(ctx context.Context, r Run) (Run, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ready(); err != nil {
		return Run{}, err
	}
	return b.book.beginRun(ctx, r)
}

func (b *liteBase) UpdateRun(ctx context.Context, r Run) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ready(); err != nil {
		return err
	}
	return b.book.updateRun(ctx, r)
}

func (b *liteBase) Checkpoints(ctx context.Context, runID int64) ([]Checkpoint, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ready(); err != nil {
		return nil, err
	}
	return b.book.checkpoints(ctx, runID)
}

func (b *liteBase) Watermark(ctx context.Context, companyID, set string) (Watermark, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ready(); err != nil {
		return Watermark{}, false, err
	}
	return b.book.watermark(ctx, companyID, set)
}

func (b *liteBase) SaveWatermark(ctx context.Context, w Watermark) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ready(); err != nil {
		return err
	}
	return b.book.saveWatermark(ctx, w)
}

func (b *liteBase) SaveResult(ctx context.Context, r SetResult) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.ready(); err != nil {
		return err
	}
	return b.book.saveResult(ctx, r)
}
