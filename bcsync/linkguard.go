package bcsync

import (
	"fmt"

	"github.com/bcsdk/bc"
)

// maxEmptyPages is how many pages in a row may come back empty yet carry a
// nextLink before the set fails. BC can end a listing on an empty page; a
// run of ten is a server paging nowhere, each link new, which the
// repeated-link check alone would follow forever.
const maxEmptyPages = 10

// linkGuard watches one partition's chain of nextLinks within a run. Each
// page is its own task with a fresh pager, so the pager's own
// repeated-link check never sees a loop that spans pages; the guard travels
// from task to task instead.
type linkGuard struct {
	seen  map[string]bool // links followed, the resumed one included
	empty int             // pages in a row with no rows but a nextLink
}

// newLinkGuard starts a chain; from is the nextLink it resumes at, if any.
func newLinkGuard(from string) *linkGuard {
	g := &linkGuard{seen: map[string]bool{}}
	if from != "" {
		g.seen[from] = true
	}
	return g
}

// check judges a page before its checkpoint is written: a nextLink already
// followed is a loop, and a page is not committed pointing into it.
func (g *linkGuard) check(page *bc.RawPage) error {
	if page.NextLink == "" {
		return nil
	}
	if g.seen[page.NextLink] {
		return fmt.Errorf("BC linked back to a page already read (%s); stopping to avoid an endless loop", redact(page.NextLink))
	}
	g.seen[page.NextLink] = true
	if page.Items > 0 {
		g.empty = 0
		return nil
	}
	if g.empty++; g.empty >= maxEmptyPages {
		return fmt.Errorf("BC sent %d empty pages in a row, each with a new nextLink (the last %s); stopping to avoid an endless loop", maxEmptyPages, redact(page.NextLink))
	}
	return nil
}
