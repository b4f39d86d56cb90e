package bcsync

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/bcsdk/bc/bcsync/store"
)

// checkCheckpoints proves that the checkpoints of an interrupted run can be
// resumed before any of them is used. The bookkeeping tables are plain
// tables in the customer's store: a hand edit, a restore of another version
// or a foreign tool can leave rows the engine never wrote, and a nextLink
// to another host must never be followed, so each row is parsed up front.
func checkCheckpoints(cps []store.Checkpoint, serviceRoot string) error {
	root, err := url.Parse(serviceRoot)
	if err != nil {
		return err
	}
	for _, cp := range cps {
		if err := checkCheckpoint(cp, root); err != nil {
			return fmt.Errorf("the checkpoint of %s in company %s: %w", cp.Set, cp.CompanyID, err)
		}
	}
	return nil
}

func checkCheckpoint(cp store.Checkpoint, root *url.URL) error {
	p, err := parsePartition(cp.Partition)
	switch {
	case err != nil:
		return err
	case p.kind == partUnitDone:
		return nil
	case p.kind == partRange:
		_, _, err = parseRange(cp.Next)
		return err
	case cp.Done || cp.Next == "":
		return nil
	}
	next, err := url.Parse(cp.Next)
	if err != nil || next.Scheme != root.Scheme || !strings.EqualFold(next.Host, root.Host) {
		return fmt.Errorf("nextLink %q is not on the service host %s", redact(cp.Next), root.Host)
	}
	return nil
}

// redact keeps a link's scheme, host and path: its query is BC's opaque
// skip token, of no use in an error line.
func redact(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return "(unparsable)"
	}
	u.RawQuery, u.User = "", nil
	return u.String()
}
