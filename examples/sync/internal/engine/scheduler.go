package engine

import (
	"context"
	"sync"
)

// The scheduler keeps every one of the client's concurrency slots busy until
// the end. BC serves each request at a bounded rate, so the wall time of a
// sync is the total service time divided by the slots, plus the tail when
// fewer requests than slots remain. It hands out the largest work first and
// carves ledger ranges (G/L entries) on demand, in chunks that shrink as the
// remaining work shrinks (guided self-scheduling), so the last requests are
// short and finish together.
type scheduler struct {
	workers  int
	maxChunk int64
	minChunk int64

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []*task
	carvers []*carver
	busy    int
	closed  bool
	ctx     context.Context // once it ends, nothing more is handed out
}

// carver hands out entryNumber ranges of one ledger unit.
type carver struct {
	u      *unit
	ranges [][2]int64 // remaining [lo, hi] ranges, inclusive, in order
}

func (c *carver) remaining() int64 {
	var n int64
	for _, r := range c.ranges {
		n += r[1] - r[0] + 1
	}
	return n
}

// take cuts up to n entry numbers off the front.
func (c *carver) take(n int64) (lo, hi int64, ok bool) {
	if len(c.ranges) == 0 {
		return 0, 0, false
	}
	r := &c.ranges[0]
	lo, hi = r[0], min(r[1], r[0]+n-1)
	r[0] = hi + 1
	if r[0] > r[1] {
		c.ranges = c.ranges[1:]
	}
	return lo, hi, true
}

func newScheduler(workers, pageSize int) *scheduler {
	s := &scheduler{workers: workers, maxChunk: int64(pageSize), minChunk: max(int64(pageSize)/10, 100)}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// add queues tasks.
func (s *scheduler) add(ts ...*task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, ts...)
	s.cond.Broadcast()
}

// addCarver queues a ledger unit's ranges.
func (s *scheduler) addCarver(c *carver) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.carvers = append(s.carvers, c)
	s.cond.Broadcast()
}

// chunk is the next ledger chunk size: about a slot's fair share of what
// remains, halved so that no slot gets the last big piece.
func (s *scheduler) chunk() int64 {
	var total int64
	for _, c := range s.carvers {
		total += c.remaining()
	}
	for _, t := range s.queue {
		total += t.est
	}
	n := total / int64(2*s.workers)
	return max(s.minChunk, min(s.maxChunk, n))
}

// next blocks until a task is available and returns it, or nil when all
// work is done or the scheduler was closed.
func (s *scheduler) next() *task {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if s.closed || s.ctx != nil && s.ctx.Err() != nil {
			return nil
		}
		if t := s.pick(); t != nil {
			s.busy++
			return t
		}
		if s.busy == 0 {
			s.closed = true
			s.cond.Broadcast()
			return nil
		}
		s.cond.Wait()
	}
}

// pick chooses the largest queued task, or carves a ledger chunk when that
// is larger. The caller holds mu.
func (s *scheduler) pick() *task {
	best := -1
	for i, t := range s.queue {
		if t.u.isFailed() {
			continue
		}
		if best < 0 || t.est > s.queue[best].est {
			best = i
		}
	}
	size := s.chunk()
	var carve *carver
	for len(s.carvers) > 0 {
		c := s.carvers[0]
		if c.u.isFailed() || c.remaining() == 0 {
			s.carvers = s.carvers[1:]
			c.u.carverDone()
			continue
		}
		carve = c
		break
	}
	// Queued tasks that failed units left behind are dropped.
	s.queue = dropFailed(s.queue, &best)
	if carve != nil && (best < 0 || size >= s.queue[best].est) {
		lo, hi, _ := carve.take(size)
		if carve.remaining() == 0 {
			s.carvers = s.carvers[1:]
			defer carve.u.carverDone()
		}
		return carve.u.ledgerTask(lo, hi)
	}
	if best < 0 {
		return nil
	}
	t := s.queue[best]
	s.queue = append(s.queue[:best], s.queue[best+1:]...)
	return t
}

func dropFailed(q []*task, best *int) []*task {
	out := q[:0]
	keep := -1
	for i, t := range q {
		if t.u.isFailed() {
			t.u.release()
			continue
		}
		if i == *best {
			keep = len(out)
		}
		out = append(out, t)
	}
	*best = keep
	return out
}

// done marks a task finished; cont, if not nil, continues it.
func (s *scheduler) done(cont *task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy--
	if cont != nil && !s.closed {
		s.queue = append(s.queue, cont)
	}
	s.cond.Broadcast()
}

// until stops handing out work when ctx ends: at once for a worker asking
// after that (no request starts after a stop), and by waking the ones
// waiting. The returned function unhooks it.
func (s *scheduler) until(ctx context.Context) (unhook func() bool) {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
	return context.AfterFunc(ctx, s.close)
}

// close stops handing out work.
func (s *scheduler) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.cond.Broadcast()
}
