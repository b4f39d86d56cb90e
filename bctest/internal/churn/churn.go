// Package churn changes rows of an entity set while clients page through
// it (bctest.WithChurn), to prove a client loses and duplicates nothing
// under concurrent inserts, updates and deletes. It is separate because it
// is a test device, not BC behaviour: the OData core only tells it that a
// page was served.
package churn

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// Config changes data while clients page through it: after every Every-th page
// served for a set in Sets, it inserts, updates and deletes rows of that set.
type Config struct {
	Every                     int
	Inserts, Updates, Deletes int
	Sets                      []string
}

// Host is what the churn needs from the fake's core.
type Host interface {
	NewGUID() string
	NextVersion() int64
	// Touch sets a row's lastModifiedDateTime, if it has one, to now.
	Touch(t *table.Table, vals []string)
}

// Churner applies a Config.
type Churner struct {
	host Host

	mu    sync.Mutex
	cfg   Config
	pages map[*table.Table]int
	rng   *rand.Rand
	done  Log
}

// Log lists what the churn changed, for assertions.
type Log struct {
	Inserted, Updated, Deleted int
}

// New returns a Churner of c.
func New(c Config, host Host) *Churner {
	ch := &Churner{host: host}
	ch.Set(c)
	return ch
}

// Set changes the churn and starts counting pages again.
func (ch *Churner) Set(c Config) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.cfg = c
	ch.pages = map[*table.Table]int{}
	ch.rng = rand.New(rand.NewPCG(7, 11))
}

// Done returns what the churn has changed so far.
func (ch *Churner) Done() Log {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.done
}

// AfterPage runs after a page of t was served.
func (ch *Churner) AfterPage(t *table.Table) {
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
		if ch.insertLike(t) {
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
			ch.host.Touch(t, vals)
			t.Replace(r, vals, ch.host.NextVersion())
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
func (ch *Churner) pick(t *table.Table) *table.Row {
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
func (ch *Churner) insertLike(t *table.Table) bool {
	src := ch.pick(t)
	if src == nil || t.Key < 0 {
		return false
	}
	vals := slices.Clone(src.Vals)
	vals[t.Key] = ch.host.NewGUID()
	if i, ok := t.ColIdx["entryNumber"]; ok {
		vals[i] = strconv.FormatInt(ch.maxInt(t, i)+1, 10)
	}
	if i, ok := t.ColIdx["number"]; ok && t.Cols[i].Kind == filter.String {
		vals[i] = table.TruncateRunes("N"+vals[t.Key][:8], t.Cols[i].Prop.MaxLength)
	}
	ch.host.Touch(t, vals)
	_, err := t.Insert(vals, ch.host.NextVersion())
	return err == nil
}

func (ch *Churner) maxInt(t *table.Table, col int) int64 {
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
