package bcsync

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

const (
	tableHead = "%-26s %-40s %10s %9s %10s %8s %8s %7s %5s %9s  %s\n"
	tableRow  = "%-26.26s %-40.40s %10d %9d %10d %8d %8d %7d %5d %9s  %s\n"
)

// WriteTable writes the run as a fixed-width table for people: one line
// per company × set by company and set name, then per company one line for
// the sets an interrupt left unfinished (the next run resumes them) with
// what they committed so far, and a total. The sync command prints it at the
// end of a run; a service can put it in a job's log.
func (s *Summary) WriteTable(w io.Writer) error {
	results := slices.Clone(s.Results)
	slices.SortStableFunc(results, func(a, b SetResult) int {
		if c := strings.Compare(a.Company.Name, b.Company.Name); c != 0 || a.Company != b.Company {
			return c
		}
		return strings.Compare(a.Set, b.Set)
	})
	var b strings.Builder
	fmt.Fprintf(&b, tableHead, "COMPANY", "SET", "INSERTED", "UPDATED", "UNCHANGED", "DELETED", "REQUESTS", "RETRIES", "429s", "DURATION", "STATUS")
	var total, unfinished SetResult
	n := 0 // sets in unfinished
	flush := func() {
		if n > 0 {
			what := fmt.Sprintf("%d sets unfinished", n)
			if n == 1 {
				what = "1 set unfinished"
			}
			writeTableRow(&b, unfinished.Company.Name, what, unfinished, "", "interrupted; the next run resumes them")
			unfinished, n = SetResult{}, 0
		}
	}
	for _, r := range results {
		if n > 0 && r.Company != unfinished.Company {
			flush()
		}
		total.add(r)
		if r.Interrupted() {
			unfinished.Company = r.Company
			unfinished.add(r)
			n++
			continue
		}
		status := "ok"
		if r.Err != nil {
			status = "FAILED: " + r.Reason()
		}
		writeTableRow(&b, r.Company.Name, r.Set, r, r.Duration.Round(time.Millisecond).String(), status)
	}
	flush()
	var last strings.Builder
	writeTableRow(&last, "TOTAL", "", total, s.Duration.Round(time.Millisecond).String(), "")
	b.WriteString(strings.TrimRight(last.String(), " \n") + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTableRow(b *strings.Builder, company, set string, r SetResult, duration, status string) {
	forPeople.Fprintf(b, tableRow, company, set, r.Counts.Inserted, r.Counts.Updated,
		r.Counts.Unchanged, r.Counts.Deleted, r.Requests, r.Retries, r.Throttled, duration, status)
}

// add adds r's counts and requests to sum.
func (sum *SetResult) add(r SetResult) {
	sum.Counts.Add(r.Counts)
	sum.Requests += r.Requests
	sum.Retries += r.Retries
	sum.Throttled += r.Throttled
}

// forPeople formats numbers with commas between thousands (1,234,567).
var forPeople = message.NewPrinter(language.English)
