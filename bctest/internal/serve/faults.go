package serve

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/gate"
	"github.com/bcsdk/bc/bctest/internal/query"
	"github.com/bcsdk/bc/internal/jsontext"
)

// listingLink is the nextLink of a listing's page: BC's own while rows
// remain; after the last page, the one a hostile-link fault asks for.
func (c *reqContext) listingLink(more bool, last query.SkipToken) string {
	if more {
		return c.nextLink(last)
	}
	switch loop, empty := c.srv.Faults.HostileLinks(); {
	case loop:
		return c.linkWith("")
	case empty:
		return c.linkWith(gate.EmptyToken + "1")
	}
	return ""
}

// emptyPage serves an empty page if a fault asks for one: a page of
// EmptyNextLinks' endless run (a link to the next, or no link once the fault
// is off), or an EmptyListings glitch (no link).
func (c *reqContext) emptyPage(n *node, values url.Values) bool {
	link := ""
	if k, ok := strings.CutPrefix(values.Get("$skiptoken"), gate.EmptyToken); ok {
		if _, empty := c.srv.Faults.HostileLinks(); empty {
			i, _ := strconv.Atoi(k)
			link = c.linkWith(gate.EmptyToken + strconv.Itoa(i+1))
		}
	} else if c.srv.Faults.TakeEmptyListing(c.r) {
		c.srv.Meter.Fault("empty-listing")
	} else {
		return false
	}
	c.writeJSONHeader(http.StatusOK)
	buf := []byte(`{"@odata.context":`)
	buf = jsontext.AppendString(buf, c.contextURL(c.contextFragment(n)))
	buf = append(buf, `,"value":[]`...)
	if link != "" {
		buf = append(buf, `,"@odata.nextLink":`...)
		buf = jsontext.AppendString(buf, link)
	}
	_, _ = c.w.Write(append(buf, '}'))
	c.srv.Meter.Page(0)
	return true
}
