package bcsync

import (
	"sync"
	"time"

	"github.com/bcsdk/bc"
)

// Progress is an Observer that keeps a run's progress per company × set:
// rows and pages committed, the size estimate, rates, the time left and
// which sets are finished. Snapshot reads it at any time, for progress
// bars, a status page or metrics; give the same Progress to one Run at a
// time.
type Progress struct {
	clock bc.Clock

	mu      sync.Mutex
	started time.Time
	sets    map[SetKey]*setState
	order   []SetKey
}

// setState is what Progress keeps of one company × set.
type setState struct {
	estimate int64
	rows     int64
	pages    int
	started  time.Time
	finished bool
}

// NewProgress returns a Progress timed by clock (nil: the system's); its
// elapsed times start now.
func NewProgress(clock bc.Clock) *Progress {
	if clock == nil {
		clock = systemClock{}
	}
	return &Progress{clock: clock, started: clock.Now(), sets: map[SetKey]*setState{}}
}

// ProgressSnapshot is a Progress at one moment.
type ProgressSnapshot struct {
	// Elapsed is the time since NewProgress; Rows the rows committed by
	// every set, at RowsPerSecond over Elapsed.
	Elapsed       time.Duration
	Rows          int64
	RowsPerSecond int64
	// Finished counts the Sets whose pages are all committed or that failed.
	Finished int
	// Sets are in the order the run announced them.
	Sets []SetProgress
}

// SetProgress is one company × set in a ProgressSnapshot.
type SetProgress struct {
	SetKey
	// Estimate is the set's number of rows, -1 while unknown.
	Estimate int64
	Rows     int64
	Pages    int
	// Elapsed is the time since the set was announced; RowsPerSecond its
	// rows over that time.
	Elapsed       time.Duration
	RowsPerSecond int64
	// ETA is the time left at RowsPerSecond, in whole seconds; -1 when it
	// cannot be told (no estimate, no rows yet, or the estimate reached).
	ETA      time.Duration
	Finished bool
}

// set returns the state of k, announcing it if it is new.
func (p *Progress) set(k SetKey) *setState {
	s, ok := p.sets[k]
	if !ok {
		s = &setState{estimate: -1, started: p.clock.Now()}
		p.sets[k] = s
		p.order = append(p.order, k)
	}
	return s
}

// SetPlanned implements Observer.
func (p *Progress) SetPlanned(k SetKey, estimate int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.set(k)
	if estimate >= 0 {
		s.estimate = estimate
	}
}

// PageCommitted implements Observer.
func (p *Progress) PageCommitted(k SetKey, rows int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.set(k)
	s.rows += rows
	s.pages++
}

// SetFinished implements Observer.
func (p *Progress) SetFinished(r SetResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set(r.SetKey).finished = true
}

// Snapshot returns the progress so far.
func (p *Progress) Snapshot() ProgressSnapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	snap := ProgressSnapshot{Elapsed: now.Sub(p.started), Sets: make([]SetProgress, len(p.order))}
	for i, k := range p.order {
		s := p.sets[k]
		sp := SetProgress{SetKey: k, Estimate: s.estimate, Rows: s.rows, Pages: s.pages, Elapsed: now.Sub(s.started),
			Finished: s.finished, ETA: -1}
		sp.RowsPerSecond = rate(s.rows, sp.Elapsed)
		if sp.RowsPerSecond > 0 && s.estimate > 0 && s.rows < s.estimate {
			sp.ETA = time.Duration(float64(s.estimate-s.rows)/float64(sp.RowsPerSecond)) * time.Second
		}
		snap.Sets[i] = sp
		snap.Rows += s.rows
		if s.finished {
			snap.Finished++
		}
	}
	snap.RowsPerSecond = rate(snap.Rows, snap.Elapsed)
	return snap
}

// rate is n per second over d.
func rate(n int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(n) / d.Seconds())
}
