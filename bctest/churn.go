package bctest

import (
	"math/rand/v2"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"slices"
	"strconv"
	"sync"
)

// churner changes rows of a set while clients page through it, to prove a
// client loses and duplicates nothing under concurrent inserts, updates and
// deletes.
type churner struct {
	tenant *Tenant

	mu    sync.Mutex
	cfg   Churn
	pages map[*table]int
	rng   *rand.Rand
	done  ChurnLog
}

// ChurnLog lists what the churn changed, for assertions.
type ChurnLog struct {
	Inserted, Updated, Deleted int
}

func newChurner(c Churn, t *Tenant) *churner {
	ch := &churner{tenant: t}
	ch.set(c)
	return ch
}

func (ch *churner) set(c Churn) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.cfg = c
	ch.pages = map[*table]int{}
	ch.rng = rand.New(rand.NewPCG(7, 11))
}

// ChurnDone returns what the churn has changed so far.
func (s *Server) ChurnDone() ChurnLog {
	s.churn.mu.Lock()
	defer s.churn.mu.Unlock()
	return s.churn.done
}

// afterPage runs after a page of t was served.
func (ch *churner) afterPage(co *Company, t *table) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	c := ch.cfg
	if c.Every <= 0 || !slices.Contains(c.Sets, t.set.Name) {
		return
	}
	ch.pages[t]++
	if ch.pages[t]%c.Every != 0 {
		return
	}
	for range c.Inserts {
		if ch.insertLike(co, t) {
			ch.done.Inserted++
		}
	}
	for range c.Updates {
		if r := ch.pick(t); r != nil {
			vals := slices.Clone(r.vals)
			for _, name := range []string{"description", "displayName", "name"} {
				if i, ok := t.colIdx[name]; ok {
					vals[i] = truncateRunes(vals[i]+" (changed)", t.cols[i].prop.MaxLength)
					break
				}
			}
			touch(ch.tenant, t, vals)
			t.replace(r, vals, ch.tenant.version.Add(1))
			ch.done.Updated++
		}
	}
	for range c.Deletes {
		if r := ch.pick(t); r != nil {
			t.remove(r)
			ch.done.Deleted++
		}
	}
}

// pick chooses a random live row.
func (ch *churner) pick(t *table) *row {
	n := t.size()
	if n == 0 {
		return nil
	}
	target := ch.rng.IntN(n)
	var found *row
	t.mu.RLock()
	i := 0
	t.scan(-1<<63, 0, 1<<62, func(r *row) bool {
		if i == target {
			found = copyRow(r)
			return false
		}
		i++
		return true
	})
	t.mu.RUnlock()
	return found
}

// insertLike inserts a copy of a random row with a new key (and, for
// ledgers, the next entry number).
func (ch *churner) insertLike(co *Company, t *table) bool {
	src := ch.pick(t)
	if src == nil || t.key < 0 {
		return false
	}
	vals := slices.Clone(src.vals)
	vals[t.key] = ch.tenant.newGUID()
	if i, ok := t.colIdx["entryNumber"]; ok {
		vals[i] = strconv.FormatInt(ch.maxInt(t, i)+1, 10)
	}
	if i, ok := t.colIdx["number"]; ok && t.cols[i].kind == filter.String {
		vals[i] = truncateRunes("N"+vals[t.key][:8], t.cols[i].prop.MaxLength)
	}
	touch(ch.tenant, t, vals)
	_, err := t.insert(vals, ch.tenant.version.Add(1))
	return err == nil
}

func (ch *churner) maxInt(t *table, col int) int64 {
	var m int64
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.virtual != nil && t.virtual.Len() > 0 {
		v, _ := strconv.ParseInt(t.virtual.Row(t.virtual.Len()-1, make([]string, len(t.cols)))[col], 10, 64)
		m = v
	}
	for _, r := range t.rows {
		if v, _ := strconv.ParseInt(r.vals[col], 10, 64); v > m {
			m = v
		}
	}
	return m
}

func truncateRunes(s string, n int) string {
	if n <= 0 {
		return s
	}
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}
