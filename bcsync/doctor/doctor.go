// Package doctor checks, in the order of the BC admin's setup guide, every
// step that lets the sync read a Business Central environment, and says for
// a failing step exactly what to fix:
//
//  1. the tenant exists (Microsoft Entra knows it),
//  2. the client ID is an app registered in that tenant,
//  3. the client secret is valid and not expired,
//  4. Entra issues a token (admin consent, app enabled),
//  5. the token carries the application permissions API.ReadWrite.All and
//     (for the Automation API) Automation.ReadWrite.All,
//  6. Business Central accepts the app ("Microsoft Entra Applications",
//     State = Enabled),
//  7. the environment exists,
//  8. companies are visible,
//  9. every set the sync reads is readable in every company,
//  10. the Automation API is reachable (D365 AUTOMATION).
//
// A failing check skips the checks that depend on it. The sync runs the same
// checks when it meets an authentication or permission error (Explain), so
// its message names the step. Neither the secret nor a token is ever printed.
package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
)

// Config is what the doctor checks: the three values the admin handed over,
// where BC is, and what the sync reads.
type Config struct {
	TenantID, ClientID, Secret string
	Environment                string
	// BaseURL and TokenURL as for the sync (--base-url, --token-url).
	BaseURL, TokenURL string
	// Companies are the names or ids the sync is limited to (empty: all).
	Companies []string
	// Profile and Entities choose the sets, as for the sync (Profile "" with
	// Entities: exactly those sets).
	Profile  string
	Entities []bcsync.SetRef
	// Concurrency is how many requests are in flight (default 5).
	Concurrency int
	// UserAgent is put in front of the SDK's User-Agent.
	UserAgent string
	// Names are the caller's words for the settings the fixes name.
	Names Names
}

// Status is the outcome of one check.
type Status string

// The statuses: a warning does not fail the run; a skipped check waited for
// one that did not pass.
const (
	OK   Status = "ok"
	Fail Status = "fail"
	Warn Status = "warn"
	Skip Status = "skip"
)

var symbols = map[Status]string{OK: "✓", Fail: "✗", Warn: "!", Skip: "-"}

// Result is one check's outcome, as printed and as JSON.
type Result struct {
	// Number is the check's step in the guide (1-based).
	Number int    `json:"-"`
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	// Fix says what to change; empty for a passing check.
	Fix string `json:"fix"`
}

// Lines renders the result: the check's line, and for a failure or a
// warning the fix on the next line.
func (r Result) Lines() []string {
	lines := []string{fmt.Sprintf("%s %d. %s: %s", symbols[r.Status], r.Number, r.Check, r.Detail)}
	if r.Fix != "" && (r.Status == Fail || r.Status == Warn) {
		lines = append(lines, "     fix: "+r.Fix)
	}
	return lines
}

// Report is the outcome of every check.
type Report struct {
	Results []Result
	names   Names
}

// Failed reports whether a check failed (warnings do not count).
func (r *Report) Failed() bool {
	for _, res := range r.Results {
		if res.Status == Fail {
			return true
		}
	}
	return false
}

// ExitCode is 0 when every check passed (warnings allowed), 1 otherwise.
func (r *Report) ExitCode() int {
	if r.Failed() {
		return 1
	}
	return 0
}

// WriteText prints one line per check (and the fix of a failure or
// warning), then a summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	counts := map[Status]int{}
	for _, res := range r.Results {
		counts[res.Status]++
		for _, l := range res.Lines() {
			b.WriteString(l + "\n")
		}
	}
	switch {
	case counts[Fail] > 0:
		fmt.Fprintf(&b, "%s failed, %s skipped: fix the first ✗ and %s again.\n", plural(counts[Fail], "check"), plural(counts[Skip], "check"), r.names.withDefaults().Doctor)
	case counts[Warn] > 0:
		fmt.Fprintf(&b, "All checks passed, with %s.\n", plural(counts[Warn], "warning"))
	default:
		b.WriteString("All checks passed.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// WriteJSON prints the results as a JSON array of {check, status, detail,
// fix}, for support tools.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	results := r.Results
	if results == nil {
		results = []Result{}
	}
	return enc.Encode(results)
}

// Run runs every check in order.
func Run(ctx context.Context, cfg Config) *Report {
	return run(ctx, cfg, false)
}

// FirstFailure runs the checks in order until one fails and returns it; ok
// is false when every check passed.
func FirstFailure(ctx context.Context, cfg Config) (Result, bool) {
	rep := run(ctx, cfg, true)
	for _, res := range rep.Results {
		if res.Status == Fail {
			return res, true
		}
	}
	return Result{}, false
}

func run(ctx context.Context, cfg Config, stopAtFailure bool) *Report {
	s := newSession(cfg)
	rep := &Report{names: cfg.Names}
	for i, c := range checks {
		res := Result{Number: i + 1, Check: c.name}
		if c.needs > 0 && rep.Results[c.needs-1].Status != OK && rep.Results[c.needs-1].Status != Warn {
			res.Status, res.Detail = Skip, fmt.Sprintf("skipped (check %d did not pass)", c.needs)
			rep.Results = append(rep.Results, res)
			continue
		}
		out := c.run(ctx, s)
		res.Status, res.Detail, res.Fix = out.status, out.detail, out.fix
		if res.Status != OK && res.Fix == "" && c.fix != nil {
			res.Fix = c.fix(s)
		}
		if res.Status == OK {
			res.Fix = ""
		}
		rep.Results = append(rep.Results, res)
		if stopAtFailure && res.Status == Fail {
			break
		}
	}
	return rep
}

// Explain runs the checks when a sync failed in a way a setup step
// explains — a token that could not be obtained (bc.AuthError), BC refusing
// the app (bc.ErrUnauthorized) or a permission error (bc.ErrForbidden) — as
// Run's err or as the error of one of its failed sets (Summary.Failed), and
// returns the first failing check with its fix; ok is false when the
// failure is not a setup step's or every check passed.
func Explain(ctx context.Context, cfg Config, err error, failed []bcsync.SetResult) (res Result, ok bool) {
	if ctx.Err() != nil || !explains(err, failed) {
		return Result{}, false
	}
	return FirstFailure(ctx, cfg)
}

// permissionText is how a permission refusal reads in a set's error when
// BC answers it with another status than 403.
var permissionText = regexp.MustCompile(`current permissions prevented the action|: 403 `)

func explains(err error, failed []bcsync.SetResult) bool {
	var ae *bc.AuthError
	switch {
	// A token endpoint that is not there is named, with what to check, in
	// the error's own line; the doctor would only repeat it.
	case errors.As(err, &ae) && !ae.Temporary() && ae.Problem != bc.ProblemNoTokenEndpoint,
		errors.Is(err, bc.ErrUnauthorized), errors.Is(err, bc.ErrForbidden):
		return true
	}
	for _, f := range failed {
		if errors.Is(f.Err, bc.ErrForbidden) || permissionText.MatchString(f.Reason()) {
			return true
		}
	}
	return false
}
