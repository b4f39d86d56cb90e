// Package progress shows what a sync is doing: live bars per company × set
// on a terminal, structured log lines otherwise.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Tracker is the run's bcsync.Observer: a bcsync.Progress that, with a
// terminal, redraws bars from its snapshots and otherwise logs each
// finished set.
type Tracker struct {
	*bcsync.Progress
	out  io.Writer
	log  *slog.Logger
	bars bool

	mu       sync.Mutex
	drawn    int  // lines drawn last time
	stopping bool // a first interrupt came: the run is ending
	closed   bool
	stop     chan struct{}
	done     chan struct{}
}

// New returns a tracker writing bars to out when bars is true.
func New(out io.Writer, log *slog.Logger, bars bool) *Tracker {
	t := newTracker(out, log, bars, nil)
	if bars {
		go t.loop()
	} else {
		close(t.done)
	}
	return t
}

// newTracker returns a tracker timed by clock that draws only when told.
func newTracker(out io.Writer, log *slog.Logger, bars bool, clock bc.Clock) *Tracker {
	return &Tracker{Progress: bcsync.NewProgress(clock), out: out, log: log, bars: bars, stop: make(chan struct{}), done: make(chan struct{})}
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

// SetFinished implements bcsync.Observer.
func (t *Tracker) SetFinished(r bcsync.SetResult) {
	t.Progress.SetFinished(r)
	attrs := []any{"company", r.Company.Name, "set", r.Set, "inserted", r.Counts.Inserted, "updated", r.Counts.Updated,
		"unchanged", r.Counts.Unchanged, "deleted", r.Counts.Deleted, "requests", r.Requests, "retries", r.Retries,
		"throttled", r.Throttled, "duration", r.Duration.Round(time.Millisecond)}
	switch {
	case r.Err != nil:
		t.log.Error("set failed", append(attrs, "error", r.Reason())...)
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
	snap := t.Snapshot()
	done := forPeople.Sprintf("%d rows in %s, %d/%d sets done", snap.Rows, snap.Elapsed.Round(time.Second), snap.Finished, len(snap.Sets))
	switch {
	case t.stopping && final:
		fmt.Fprintf(&b, "\x1b[2Kstopped: %s\n", done)
	case t.stopping:
		fmt.Fprintf(&b, "\x1b[2Kstopping… %s; interrupt again to abort\n", done)
	default:
		forPeople.Fprintf(&b, "\x1b[2K%d rows in %s (%d rows/s), %d/%d sets done\n", snap.Rows, snap.Elapsed.Round(time.Second), snap.RowsPerSecond, snap.Finished, len(snap.Sets))
	}
	lines := 1
	active := 0
	for _, u := range snap.Sets {
		if final || u.Finished || u.Pages == 0 {
			continue
		}
		active++
		if active <= 12 {
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

// line renders one set: bar (when the size is known), rows, pages, then
// rate and ETA — or, once the run is stopping, that it stops.
func (t *Tracker) line(u bcsync.SetProgress) string {
	name := fmt.Sprintf("%-24.24s %-28.28s", u.Company.Name, u.Set)
	bar := ""
	if u.Estimate > 0 {
		frac := min(1, float64(u.Rows)/float64(u.Estimate))
		const width = 20
		filled := int(frac * width)
		bar = fmt.Sprintf(" [%s%s] %3.0f%%", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100)
	}
	head := forPeople.Sprintf("%s%s %10d rows %5d pages", name, bar, u.Rows, u.Pages)
	switch {
	case t.stopping:
		return head + " stopping…"
	case u.Estimate <= 0:
		return forPeople.Sprintf("%s %9d/s", head, u.RowsPerSecond)
	}
	eta := "?"
	if u.ETA >= 0 {
		eta = u.ETA.Round(time.Second).String()
	}
	return forPeople.Sprintf("%s %9d/s ETA %s", head, u.RowsPerSecond, eta)
}

// forPeople formats numbers with commas between thousands (1,234,567), as
// the summary table does.
var forPeople = message.NewPrinter(language.English)
