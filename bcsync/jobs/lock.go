package jobs

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// principalLocks let one run at a time use a principal's request limits.
// River's unique jobs keep one job per tenant queued; a principal may serve
// several tenants (environments), and their runs take turns through this
// lock, across every process on PostgreSQL.
type principalLocks interface {
	// tryLock takes key's lock if it is free; release gives it back.
	tryLock(ctx context.Context, key string) (release func(), ok bool, err error)
}

// advisoryLocks are PostgreSQL session advisory locks, each held on a
// connection of its own for the whole run: a process that dies loses its
// connections, and with them the locks. The connections come from a pool
// apart from River's (DB.locks), which runs holding connections for minutes
// would otherwise starve: River's fetches and completions time out once
// every pooled connection holds a lock.
type advisoryLocks struct{ pool *pgxpool.Pool }

// lockID is key's advisory lock number.
func lockID(key string) int64 {
	h := fnv.New64a()
	h.Write([]byte("bcsync/jobs principal " + key))
	return int64(h.Sum64())
}

func (l advisoryLocks) tryLock(ctx context.Context, key string) (func(), bool, error) {
	conn, err := l.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("connecting for the lock: %s", oneLine(err.Error()))
	}
	id := lockID(key)
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", id).Scan(&ok); err != nil || !ok {
		conn.Release()
		return nil, false, err
	}
	return func() {
		// Unlock with a context of its own: the job's may have ended. A
		// failed unlock closes the connection, which releases it too.
		bg := context.WithoutCancel(ctx)
		if _, err := conn.Exec(bg, "SELECT pg_advisory_unlock($1)", id); err != nil {
			conn.Conn().Close(bg)
		}
		conn.Release()
	}, true, nil
}

// mutexLocks are in-process locks, for SQLite: one process runs the jobs.
type mutexLocks struct {
	mu   sync.Mutex
	held map[string]bool
}

func (l *mutexLocks) tryLock(_ context.Context, key string) (func(), bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[key] {
		return nil, false, nil
	}
	if l.held == nil {
		l.held = map[string]bool{}
	}
	l.held[key] = true
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.held, key)
	}, true, nil
}
