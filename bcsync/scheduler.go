package bcsync

import (
	"context"
	"sync"
)

// The scheduler keeps every one of the client's concurrency slots busy until
// the end. BC serves each request at a bounded rate, so the wall time of a
// sync is the total service time divided by the slots, plus the tail when
// fewer requests than slots remain. It hands out work by class (see
// taskClass): the requests that size the sets, then whole sets and chains
// of pages, then the divisible bulk — slices of big sets and ledger ranges
// (G/L entries), carved on demand in chunks that shrink as the remaining
// work shrinks (guided self-scheduling), so the last requests are short and
// finish together. Within a class the largest goes first. Small sets so
// finish early — an interrupted first run has its customers and accounts —
// and the bulk, being divisible, still fills every slot to the end.
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

// taskClass is the order in which kinds of work are handed out.
type taskClass int

const (
	// sizing requests count a set or read a ledger's bounds: cheap, and
	// they turn unknown work into partitions.
	sizing taskClass = iota
	// chain work is a whole set read page after page, or the next page of
	// a partition already started. A chain cannot be spread over slots, so
	// it starts early; it holds one slot at a time, so small sets run
	// alongside it.
	chain
	// bulk work is a slice of a big set or a ledger chunk: many
	// independent requests that fill the slots evenly to the end.
	bulk
)

func (t *task) class() taskClass {
	switch {
	case t.counting:
		return sizing
	case t.next == "" && t.part.bulk():
		return bulk
	}
	return chain
}

// before reports whether t is handed out before o: the lower class, then
// the larger estimate.
func (t *task) before(o *task) bool {
	if tc, oc := t.class(), o.class(); tc != oc {
		return tc < oc
	}
	return t.est > o.est
}

// pick chooses the first queued task in class order, or carves a ledger
// chunk when only bulk work is queued and the chunk is larger. The caller
// holds mu.
func (s *scheduler) pick() *task {
	best := -1
	for i, t := range s.queue {
		if t.u.isFailed() {
			continue
		}
		if best < 0 || t.before(s.queue[best]) {
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
	if carve != nil && (best < 0 || s.queue[best].class() == bulk && size >= s.queue[best].est) {
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
