// Package progress shows what a sync is doing: live bars per company × set
// on a terminal, structured log lines otherwise, and a summary table at the
// end.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc/bcsync"
)

// unitState is the progress of one company × set.
type unitState struct {
	company, set string
	estimate     int64
	rows         int64
	pages        int
	started      time.Time
	finished     bool
}

// Tracker is the run's bcsync.Observer. With a terminal it redraws bars;
// otherwise it logs each finished set.
type Tracker struct {
	out     io.Writer
	log     *slog.Logger
	bars    bool
	now     func() time.Time
	started time.Time

	mu       sync.Mutex
	units    map[bcsync.SetKey]*unitState
	order    []bcsync.SetKey
	drawn    int  // lines drawn last time
	stopping bool // a first interrupt came: the run is ending
	closed   bool
	stop     chan struct{}
	done     chan struct{}
}

// New returns a tracker writing bars to out when bars is true.
func New(out io.Writer, log *slog.Logger, bars bool) *Tracker {
	t := newTracker(out, log, bars, time.Now)
	if bars {
		go t.loop()
	} else {
		close(t.done)
	}
	return t
}

// newTracker returns a tracker that reads the time from now and draws only
// when told.
func newTracker(out io.Writer, log *slog.Logger, bars bool, now func() time.Time) *Tracker {
	return &Tracker{out: out, log: log, bars: bars, now: now, started: now(), units: map[bcsync.SetKey]*unitState{}, stop: make(chan struct{}), done: make(chan struct{})}
}

// Stopping shows that the run is ending after a first interrupt: the bars
// say so at once and drop their ETAs; without bars it is logged.
func (t *Tracker) Stopping() {
	t.mu.Lock()
	if t.stopping || t.closed {
		t.mu.Unlock()
		return
	}
	t.stopping = true
	t.mu.Unlock()
	if !t.bars {
		t.log.Warn("stopping: requests in flight are abandoned and read again by the next run; interrupt again to abort")
		return
	}
	t.draw(false)
}

func (t *Tracker) unit(k bcsync.SetKey) *unitState {
	u, ok := t.units[k]
	if !ok {
		u = &unitState{company: k.Company.Name, set: k.Set, estimate: -1, started: t.now()}
		t.units[k] = u
		t.order = append(t.order, k)
	}
	return u
}

// SetPlanned implements bcsync.Observer.
func (t *Tracker) SetPlanned(k bcsync.SetKey, estimate int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.unit(k)
	if estimate >= 0 {
		u.estimate = estimate
	}
}

// PageCommitted implements bcsync.Observer.
func (t *Tracker) PageCommitted(k bcsync.SetKey, rows int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.unit(k)
	u.rows += rows
	u.pages++
}

// SetFinished implements bcsync.Observer.
func (t *Tracker) SetFinished(r bcsync.SetResult) {
	t.mu.Lock()
	u := t.unit(r.SetKey)
	u.finished = true
	t.mu.Unlock()
	attrs := []any{"company", r.Company.Name, "set", r.Set, "inserted", r.Counts.Inserted, "updated", r.Counts.Updated,
		"unchanged", r.Counts.Unchanged, "deleted", r.Counts.Deleted, "requests", r.Requests, "retries", r.Retries,
		"throttled", r.Throttled, "duration", r.Duration.Round(time.Millisecond)}
	switch {
	case r.Err != nil:
		t.log.Error("set failed", append(attrs, "error", Reason(r))...)
	case !t.bars:
		t.log.Info("set synced", attrs...)
	}
}

func (t *Tracker) loop() {
	defer close(t.done)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			t.draw(true)
			return
		case <-tick.C:
			t.draw(false)
		}
	}
}

// Close stops the bars.
func (t *Tracker) Close() {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	select {
	case <-t.stop:
	default:
		close(t.stop)
	}
	<-t.done
}

// draw redraws the bars in place: a totals line and one line per set still
// being read.
func (t *Tracker) draw(final bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed && !final {
		return // the final lines are drawn, or about to be
	}
	var b strings.Builder
	if t.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", t.drawn) // back to the first line drawn last time
	}
	var total int64
	active := 0
	for _, k := range t.order {
		total += t.units[k].rows
	}
	elapsed := t.now().Sub(t.started)
	done := fmt.Sprintf("%s rows in %s, %d/%d sets done", thousands(total), elapsed.Round(time.Second), t.finishedCount(), len(t.order))
	switch {
	case t.stopping && final:
		fmt.Fprintf(&b, "\x1b[2Kstopped: %s\n", done)
	case t.stopping:
		fmt.Fprintf(&b, "\x1b[2Kstopping… %s; interrupt again to abort\n", done)
	default:
		fmt.Fprintf(&b, "\x1b[2K%s rows in %s (%s rows/s), %d/%d sets done\n", thousands(total), elapsed.Round(time.Second), thousands(rate(total, elapsed)), t.finishedCount(), len(t.order))
	}
	lines := 1
	if !final {
		for _, k := range t.order {
			u := t.units[k]
			if u.finished || u.pages == 0 {
				continue
			}
			active++
			if active > 12 {
				continue
			}
			fmt.Fprintf(&b, "\x1b[2K  %s\n", t.line(u))
			lines++
		}
	}
	for i := lines; i < t.drawn; i++ {
		b.WriteString("\x1b[2K\n")
	}
	if lines < t.drawn {
		fmt.Fprintf(&b, "\x1b[%dA", t.drawn-lines)
	}
	t.drawn = lines
	_, _ = io.WriteString(t.out, b.String())
}

func (t *Tracker) finishedCount() int {
	n := 0
	for _, u := range t.units {
		if u.finished {
			n++
		}
	}
	return n
}

// line renders one set: bar (when the size is known), rows, pages, then
// rate and ETA — or, once the run is stopping, that it stops.
func (t *Tracker) line(u *unitState) string {
	r := rate(u.rows, t.now().Sub(u.started))
	name := fmt.Sprintf("%-24.24s %-28.28s", u.company, u.set)
	bar := ""
	if u.estimate > 0 {
		frac := min(1, float64(u.rows)/float64(u.estimate))
		const width = 20
		filled := int(frac * width)
		bar = fmt.Sprintf(" [%s%s] %3.0f%%", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100)
	}
	head := fmt.Sprintf("%s%s %10s rows %5d pages", name, bar, thousands(u.rows), u.pages)
	switch {
	case t.stopping:
		return head + " stopping…"
	case u.estimate <= 0:
		return fmt.Sprintf("%s %9s/s", head, thousands(r))
	}
	eta := "?"
	if r > 0 && u.rows < u.estimate {
		eta = (time.Duration(float64(u.estimate-u.rows)/float64(r)) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("%s %9s/s ETA %s", head, thousands(r), eta)
}

func rate(n int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(n) / d.Seconds())
}

// thousands writes n with thousands separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
