package bctest

import (
	"math/rand/v2"

	"slices"
	"strconv"
	"sync"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// churner changes rows of a set while clients page through it, to prove a
// client loses and duplicates nothing under concurrent inserts, updates and
// deletes.
type churner struct {
	tenant *Tenant

	mu    sync.Mutex
	cfg   Churn
	pages map[*table.Table]int
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
	ch.pages = map[*table.Table]int{}
	ch.rng = rand.New(rand.NewPCG(7, 11))
}

// ChurnDone returns what the churn has changed so far.
func (s *Server) ChurnDone() ChurnLog {
	s.churn.mu.Lock()
	defer s.churn.mu.Unlock()
	return s.churn.done
}

// afterPage runs after a page of t was served.
func (ch *churner) afterPage(co *Company, t *table.Table) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	c := ch.cfg
	if c.Every <= 0 || !slices.Contains(c.Sets, t.Set.Name) {
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
			vals := slices.Clone(r.Vals)
			for _, name := range []string{"description", "displayName", "name"} {
				if i, ok := t.ColIdx[name]; ok {
					vals[i] = table.TruncateRunes(vals[i]+" (changed)", t.Cols[i].Prop.MaxLength)
					break
				}
			}
			touch(ch.tenant, t, vals)
			t.Replace(r, vals, ch.tenant.version.Add(1))
			ch.done.Updated++
		}
	}
	for range c.Deletes {
		if r := ch.pick(t); r != nil {
			t.Remove(r)
			ch.done.Deleted++
		}
	}
}

// pick chooses a random live row.
func (ch *churner) pick(t *table.Table) *table.Row {
	n := t.Size()
	if n == 0 {
		return nil
	}
	target := ch.rng.IntN(n)
	var found *table.Row
	t.Mu.RLock()
	i := 0
	t.Scan(-1<<63, 0, 1<<62, func(r *table.Row) bool {
		if i == target {
			found = table.CopyRow(r)
			return false
		}
		i++
		return true
	})
	t.Mu.RUnlock()
	return found
}

// insertLike inserts a copy of a random row with a new key (and, for
// ledgers, the next entry number).
func (ch *churner) insertLike(co *Company, t *table.Table) bool {
	src := ch.pick(t)
	if src == nil || t.Key < 0 {
		return false
	}
	vals := slices.Clone(src.Vals)
	vals[t.Key] = ch.tenant.newGUID()
	if i, ok := t.ColIdx["entryNumber"]; ok {
		vals[i] = strconv.FormatInt(ch.maxInt(t, i)+1, 10)
	}
	if i, ok := t.ColIdx["number"]; ok && t.Cols[i].Kind == filter.String {
		vals[i] = table.TruncateRunes("N"+vals[t.Key][:8], t.Cols[i].Prop.MaxLength)
	}
	touch(ch.tenant, t, vals)
	_, err := t.Insert(vals, ch.tenant.version.Add(1))
	return err == nil
}

func (ch *churner) maxInt(t *table.Table, col int) int64 {
	var m int64
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	if t.Virtual != nil && t.Virtual.Len() > 0 {
		v, _ := strconv.ParseInt(t.Virtual.Row(t.Virtual.Len()-1, make([]string, len(t.Cols)))[col], 10, 64)
		m = v
	}
	for _, r := range t.Rows {
		if v, _ := strconv.ParseInt(r.Vals[col], 10, 64); v > m {
			m = v
		}
	}
	return m
}
