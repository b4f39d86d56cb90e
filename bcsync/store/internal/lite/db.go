package lite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/bcsdk/bc/bcsync/store"
)

// DB is what the SQLite and JSONL stores share: one SQLite connection
// under a mutex, and the bookkeeping kept in it.
type DB struct {
	Where  string // the destination, for error messages
	Mu     sync.Mutex
	Conn   *Conn
	Keeper Bookkeeper
}

// Absolute is path made absolute for a Location, or path when it cannot be.
func Absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// Bookkeeping gives a store the Store methods of the bookkeeping kept in a
// DB; a store embeds it, so the DB itself stays out of its API.
type Bookkeeping struct{ b *DB }

// Bookkeeping returns the bookkeeping methods of b.
func (b *DB) Bookkeeping() Bookkeeping { return Bookkeeping{b} }

// Attach makes l the connection of b and its bookkeeping.
func (b *DB) Attach(l *Conn) { b.Conn, b.Keeper = l, NewBookkeeper(l) }

func (b *DB) Ready() error {
	if b.Conn == nil {
		return fmt.Errorf("%s: store is not open", b.Where)
	}
	return nil
}

func (k Bookkeeping) LastRun(ctx context.Context) (store.Run, bool, error) {
	b := k.b
	b.Mu.Lock()
	defer b.Mu.Unlock()
	if err := b.Ready(); err != nil {
		return store.Run{}, false, err
	}
	return b.Keeper.lastRun(ctx)
}

func (k Bookkeeping) BeginRun(ctx context.Context, r store.Run) (store.Run, error) {
	b := k.b
	b.Mu.Lock()
	defer b.Mu.Unlock()
	if err := b.Ready(); err != nil {
		return store.Run{}, err
	}
	return b.Keeper.beginRun(ctx, r)
}

func (k Bookkeeping) UpdateRun(ctx context.Context, r store.Run) error {
	b := k.b
	b.Mu.Lock()
	defer b.Mu.Unlock()
	if err := b.Ready(); err != nil {
		return err
	}
	return b.Keeper.updateRun(ctx, r)
}

func (k Bookkeeping) Checkpoints(ctx context.Context, runID int64) ([]store.Checkpoint, error) {
	b := k.b
	b.Mu.Lock()
	defer b.Mu.Unlock()
	if err := b.Ready(); err != nil {
		return nil, err
	}
	return b.Keeper.checkpoints(ctx, runID)
}

func (k Bookkeeping) Watermark(ctx context.Context, companyID, set string) (store.Watermark, bool, error) {
	b := k.b
	b.Mu.Lock()
	defer b.Mu.Unlock()
	if err := b.Ready(); err != nil {
		return store.Watermark{}, false, err
	}
	return b.Keeper.watermark(ctx, companyID, set)
}

func (k Bookkeeping) SaveWatermark(ctx context.Context, w store.Watermark) error {
	b := k.b
	b.Mu.Lock()
	defer b.Mu.Unlock()
	if err := b.Ready(); err != nil {
		return err
	}
	return b.Keeper.saveWatermark(ctx, w)
}

func (k Bookkeeping) SaveResult(ctx context.Context, r store.SetResult) error {
	b := k.b
	b.Mu.Lock()
	defer b.Mu.Unlock()
	if err := b.Ready(); err != nil {
		return err
	}
	return b.Keeper.saveResult(ctx, r)
}

// CheckSource records src on the first run and refuses another later.
func (k Bookkeeping) CheckSource(ctx context.Context, src store.Source) error {
	b := k.b
	b.Mu.Lock()
	defer b.Mu.Unlock()
	if err := b.Ready(); err != nil {
		return err
	}
	return b.Keeper.checkSource(ctx, src)
}
