// Package progress shows what a sync is doing: live bars per company × set
// on a terminal, structured log lines otherwise, and a summary table at the
// end.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc/examples/sync/internal/store"
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

// Tracker collects progress from the engine. With a terminal it redraws
// bars; otherwise it logs each finished set.
type Tracker struct {
	out     io.Writer
	log     *slog.Logger
	bars    bool
	started time.Time

	mu    sync.Mutex
	units map[string]*unitState
	order []string
	drawn int // lines drawn last time
	stop  chan struct{}
	done  chan struct{}
}

// New returns a tracker writing bars to out when bars is true.
func New(out io.Writer, log *slog.Logger, bars bool) *Tracker {
	t := &Tracker{out: out, log: log, bars: bars, started: time.Now(), units: map[string]*unitState{}, stop: make(chan struct{}), done: make(chan struct{})}
	if bars {
		go t.loop()
	} else {
		close(t.done)
	}
	return t
}

func (t *Tracker) unit(company, set string) *unitState {
	k := company + "\x00" + set
	u, ok := t.units[k]
	if !ok {
		u = &unitState{company: company, set: set, estimate: -1, started: time.Now()}
		t.units[k] = u
		t.order = append(t.order, k)
	}
	return u
}

// Planned implements engine.Reporter.
func (t *Tracker) Planned(company, set string, estimate int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.unit(company, set)
	if estimate >= 0 {
		u.estimate = estimate
	}
}

// Fetched implements engine.Reporter.
func (t *Tracker) Fetched(company, set string, rows int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.unit(company, set)
	u.rows += rows
	u.pages++
}

// Finished implements engine.Reporter.
func (t *Tracker) Finished(company, set string, r store.SetResult) {
	t.mu.Lock()
	u := t.unit(company, set)
	u.finished = true
	t.mu.Unlock()
	attrs := []any{"company", company, "set", set, "inserted", r.Counts.Inserted, "updated", r.Counts.Updated,
		"unchanged", r.Counts.Unchanged, "deleted", r.Counts.Deleted, "requests", r.Requests, "retries", r.Retries,
		"throttled", r.Throttled, "duration", r.Duration.Round(time.Millisecond)}
	switch {
	case r.Error != "":
		t.log.Error("set failed", append(attrs, "error", r.Error)...)
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
	var b strings.Builder
	if t.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", t.drawn) // back to the first line drawn last time
	}
	var total int64
	active := 0
	for _, k := range t.order {
		total += t.units[k].rows
	}
	elapsed := time.Since(t.started)
	fmt.Fprintf(&b, "\x1b[2K%s rows in %s (%s rows/s), %d/%d sets done\n", thousands(total), elapsed.Round(time.Second), thousands(rate(total, elapsed)), t.finishedCount(), len(t.order))
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

// line renders one set: bar (when the size is known), rows, pages, rate, ETA.
func (t *Tracker) line(u *unitState) string {
	el := time.Since(u.started)
	r := rate(u.rows, el)
	name := fmt.Sprintf("%-24.24s %-28.28s", u.company, u.set)
	if u.estimate <= 0 {
		return fmt.Sprintf("%s %10s rows %5d pages %9s/s", name, thousands(u.rows), u.pages, thousands(r))
	}
	frac := min(1, float64(u.rows)/float64(u.estimate))
	const width = 20
	filled := int(frac * width)
	eta := "?"
	if r > 0 && u.rows < u.estimate {
		eta = (time.Duration(float64(u.estimate-u.rows)/float64(r)) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("%s [%s%s] %3.0f%% %10s rows %5d pages %9s/s ETA %s", name, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100, thousands(u.rows), u.pages, thousands(r), eta)
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

// Summary writes the end-of-run table: one line per company × set.
func Summary(w io.Writer, results []store.SetResult, companyNames map[string]string, elapsed time.Duration) {
	sort.SliceStable(results, func(i, j int) bool {
		if results[i].CompanyID != results[j].CompanyID {
			return companyNames[results[i].CompanyID] < companyNames[results[j].CompanyID]
		}
		return results[i].Set < results[j].Set
	})
	fmt.Fprintf(w, "%-26s %-40s %10s %9s %10s %8s %8s %7s %5s %9s  %s\n", "COMPANY", "SET", "INSERTED", "UPDATED", "UNCHANGED", "DELETED", "REQUESTS", "RETRIES", "429s", "DURATION", "STATUS")
	var tot store.SetResult
	for _, r := range results {
		status := "ok"
		if r.Error != "" {
			status = "FAILED: " + r.Error
		}
		fmt.Fprintf(w, "%-26.26s %-40.40s %10s %9s %10s %8s %8d %7d %5d %9s  %s\n", companyNames[r.CompanyID], r.Set,
			thousands(r.Counts.Inserted), thousands(r.Counts.Updated), thousands(r.Counts.Unchanged), thousands(r.Counts.Deleted),
			r.Requests, r.Retries, r.Throttled, r.Duration.Round(time.Millisecond), status)
		tot.Counts.Add(r.Counts)
		tot.Requests += r.Requests
		tot.Retries += r.Retries
		tot.Throttled += r.Throttled
	}
	fmt.Fprintf(w, "%-26s %-40s %10s %9s %10s %8s %8d %7d %5d %9s\n", "TOTAL", "", thousands(tot.Counts.Inserted), thousands(tot.Counts.Updated),
		thousands(tot.Counts.Unchanged), thousands(tot.Counts.Deleted), tot.Requests, tot.Retries, tot.Throttled, elapsed.Round(time.Millisecond))
}
