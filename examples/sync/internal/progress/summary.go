package progress

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync"
)

const (
	summaryHead = "%-26s %-40s %10s %9s %10s %8s %8s %7s %5s %9s  %s\n"
	summaryRow  = "%-26.26s %-40.40s %10s %9s %10s %8s %8d %7d %5d %9s  %s\n"
)

// Summary writes the end-of-run table: one line per company × set, and per
// company one line for the sets an interrupt left unfinished (which the
// next run resumes), with what they committed so far.
func Summary(w io.Writer, results []bcsync.SetResult, elapsed time.Duration) {
	sort.SliceStable(results, func(i, j int) bool {
		if results[i].Company != results[j].Company {
			return results[i].Company.Name < results[j].Company.Name
		}
		return results[i].Set < results[j].Set
	})
	fmt.Fprintf(w, summaryHead, "COMPANY", "SET", "INSERTED", "UPDATED", "UNCHANGED", "DELETED", "REQUESTS", "RETRIES", "429s", "DURATION", "STATUS")
	var tot, unfinished bcsync.SetResult
	n := 0
	flush := func() {
		if n == 0 {
			return
		}
		what := fmt.Sprintf("%d sets unfinished", n)
		if n == 1 {
			what = "1 set unfinished"
		}
		summaryLine(w, unfinished.Company.Name, what, unfinished, "", "interrupted; the next run resumes them")
		unfinished, n = bcsync.SetResult{}, 0
	}
	for _, r := range results {
		if n > 0 && r.Company != unfinished.Company {
			flush()
		}
		add(&tot, r)
		if r.Interrupted() {
			unfinished.Company = r.Company
			add(&unfinished, r)
			n++
			continue
		}
		status := "ok"
		if r.Err != nil {
			status = "FAILED: " + r.Reason()
		}
		summaryLine(w, r.Company.Name, r.Set, r, r.Duration.Round(time.Millisecond).String(), status)
	}
	flush()
	line := fmt.Sprintf(summaryRow, "TOTAL", "", thousands(tot.Counts.Inserted), thousands(tot.Counts.Updated),
		thousands(tot.Counts.Unchanged), thousands(tot.Counts.Deleted), tot.Requests, tot.Retries, tot.Throttled, elapsed.Round(time.Millisecond), "")
	fmt.Fprintln(w, strings.TrimRight(line, " \n"))
}

func summaryLine(w io.Writer, company, set string, r bcsync.SetResult, duration, status string) {
	fmt.Fprintf(w, summaryRow, company, set, thousands(r.Counts.Inserted), thousands(r.Counts.Updated),
		thousands(r.Counts.Unchanged), thousands(r.Counts.Deleted), r.Requests, r.Retries, r.Throttled, duration, status)
}

// add adds r's counts and requests to sum.
func add(sum *bcsync.SetResult, r bcsync.SetResult) {
	sum.Counts.Add(r.Counts)
	sum.Requests += r.Requests
	sum.Retries += r.Retries
	sum.Throttled += r.Throttled
}

// Stored writes where the run's tables are, after the summary.
func Stored(w io.Writer, where string, tables []string) {
	fmt.Fprintf(w, "Stored in %s: %s\n", where, strings.Join(tables, ", "))
}
