package bcsync

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/bcsdk/bc"
)

// Profiles are the names Options.Profile accepts: mosaic (what Mosaic's
// resource planning reads), finance (actuals by dimension for FP&A) and all
// (every readable company set).
func Profiles() []string { return []string{"mosaic", "finance", "all"} }

// Options say what a run reads and how. The zero values of the knobs are
// the defaults.
type Options struct {
	// Companies are names or ids; empty means all.
	Companies []string
	// Profile names a set list (see Profiles); Sets are read with it. With
	// Sets and no Profile, exactly Sets are read.
	Profile string
	Sets    []SetRef
	// Full ignores watermarks; Since, when set, reads changes since then.
	Full  bool
	Since time.Time
	// Overlap is re-read before the watermark, so rows whose change committed
	// late (SystemModifiedAt is set before commit) are not lost.
	Overlap time.Duration
	// Reconcile finds rows deleted in BC by comparing keys; MarkDeleted sets
	// their _deleted column instead of removing them (also for sets without
	// change times, which are re-read in full).
	Reconcile, MarkDeleted bool
	// ReconcileMaxDeleteFraction bounds what a reconcile may delete (or
	// mark) of one company's stored rows of a table, 0 to 1 (default 0.5):
	// a reconcile that would take more changes nothing and fails the set.
	// Real deletions between two syncs rarely take half a set (BC refuses
	// to delete posted entries and most master data in use), while the
	// failures that look like deletions take most or all of it: a listing
	// BC cut short (caught by $count too), a permission change that hides
	// rows from the listing and the count alike.
	ReconcileMaxDeleteFraction float64
	// Force lifts ReconcileMaxDeleteFraction, for a set that really lost
	// most of its rows.
	Force bool
	// Workers is how many requests are kept in flight (default
	// bc.DefaultMaxConcurrency; the client's gate enforces its own limit).
	Workers int
	// PageSize caps the rows of one request, 1 to 20000 (default 5000); it
	// bounds memory per request.
	PageSize int
	// NoSplit reads every set as one chain of pages: no partitions, no
	// counting requests.
	NoSplit bool
	// DrainTimeout is how long requests in flight may still finish, to be
	// committed, once Run's context is cancelled; 0 abandons them at once
	// (the next run reads them again).
	DrainTimeout time.Duration
	// Logger receives the run's log lines (nil: none).
	Logger *slog.Logger
	// Observer receives progress (nil: none).
	Observer Observer
	// TempDir holds the key files of a reconcile ("": os.TempDir()).
	TempDir string
	// Clock dates the run and times its sets and its drain (nil: the
	// system's).
	Clock bc.Clock
}

// RowsHeld is the most rows a run with these options holds decoded at
// once: a page per request in flight, the pages waiting for the writer and
// the group it commits. A run's memory grows with it (see
// docs/performance.md); the sync command sets its GOMEMLIMIT from it.
func (o Options) RowsHeld() int {
	workers, page := o.Workers, o.PageSize
	if workers <= 0 {
		workers = bc.DefaultMaxConcurrency
	}
	if page <= 0 {
		page = 5000
	}
	return (workers+writeQueue)*page + groupRows
}

// maxPageSize is BC's largest page.
const maxPageSize = 20000

// withDefaults checks o and fills in its defaults.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if o.Profile != "" && !slices.Contains(Profiles(), o.Profile) {
		bad("Profile %q is not one of %s", o.Profile, strings.Join(Profiles(), ", "))
	}
	if o.Profile == "" && len(o.Sets) == 0 {
		bad("neither Profile nor Sets say what to sync")
	}
	for _, r := range o.Sets {
		if err := r.check(); err != nil {
			bad("Sets: %v", err)
		}
	}
	if o.Full && !o.Since.IsZero() {
		bad("Full and Since contradict each other: a full read reads everything")
	}
	if o.Overlap < 0 || o.DrainTimeout < 0 {
		bad("Overlap and DrainTimeout cannot be negative")
	}
	if o.Workers < 0 {
		bad("Workers %d cannot be negative", o.Workers)
	}
	if o.PageSize < 0 || o.PageSize > maxPageSize {
		bad("PageSize %d is not from 1 to %d (BC's largest page)", o.PageSize, maxPageSize)
	}
	if o.ReconcileMaxDeleteFraction < 0 || o.ReconcileMaxDeleteFraction > 1 {
		bad("ReconcileMaxDeleteFraction %v is not from 0 to 1", o.ReconcileMaxDeleteFraction)
	}
	if o.ReconcileMaxDeleteFraction == 0 {
		o.ReconcileMaxDeleteFraction = 0.5
	}
	if o.Workers == 0 {
		o.Workers = bc.DefaultMaxConcurrency
	}
	if o.PageSize == 0 {
		o.PageSize = 5000
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Observer == nil {
		o.Observer = noObserver{}
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	return o, errors.Join(errs...)
}

// systemClock is real time.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// SetRef names an entity set on a route: {Name: "customers"} on the
// standard API, or {Name: "jobTasks", Route: "api/contoso/mosaic/v1.0"}.
type SetRef struct {
	Name string
	// Route is "" or bc.StandardRoute for BC's standard API, else a custom API
	// route api/{publisher}/{group}/{version}.
	Route string
}

// ParseSetRefs reads a comma-separated list of sets, each "customers" or
// "jobTasks@/api/contoso/mosaic/v1.0".
func ParseSetRefs(list string) ([]SetRef, error) {
	var refs []SetRef
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, route, custom := strings.Cut(item, "@")
		r := SetRef{Name: name, Route: bc.StandardRoute}
		if custom {
			r.Route = strings.Trim(route, "/")
		}
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		refs = append(refs, r)
	}
	return refs, nil
}

// ParseCompanies reads a comma-separated list of company names or ids
// (Options.Companies). BC's own demo company is "CRONUS USA, Inc.", so a
// name holding a comma is written in double quotes ("CRONUS USA,
// Inc.",Fabrikam), a quote inside one doubled, as in CSV. Blanks around
// names and empty names are dropped.
func ParseCompanies(s string) ([]string, error) {
	var out []string
	var name strings.Builder
	quoted, wasQuoted := false, false
	end := func() {
		if n := strings.TrimSpace(name.String()); n != "" {
			out = append(out, n)
		}
		name.Reset()
		wasQuoted = false
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case quoted && ch == '"' && i+1 < len(s) && s[i+1] == '"':
			name.WriteByte('"')
			i++
		case ch == '"' && (quoted || strings.TrimSpace(name.String()) == ""):
			if !quoted {
				name.Reset()
			}
			quoted, wasQuoted = !quoted, true
		case ch == ',' && !quoted:
			end()
		case wasQuoted && !quoted && ch != ' ':
			return nil, fmt.Errorf("%q: text after a quoted name; separate names with commas", s)
		default:
			name.WriteByte(ch)
		}
	}
	if quoted {
		return nil, fmt.Errorf("%q: a quote is not closed; write a name holding a comma in double quotes, e.g. '\"CRONUS USA, Inc.\",Fabrikam'", s)
	}
	end()
	return out, nil
}

func (r SetRef) check() error {
	if r.Name == "" {
		return errors.New("has no entity set name")
	}
	if r.Route == "" || r.Route == bc.StandardRoute {
		return nil
	}
	parts := strings.Split(r.Route, "/")
	if len(parts) != 4 || parts[0] != "api" || parts[1] == "" || parts[2] == "" || parts[3] == "" {
		return errors.New("a custom route is written set@/api/{publisher}/{group}/{version}")
	}
	return nil
}
