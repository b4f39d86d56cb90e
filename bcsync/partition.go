package bcsync

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/odata"
)

// partKind says what slice of a company × set a partition reads.
type partKind uint8

const (
	partAll      partKind = iota + 1 // the whole set, one chain of pages
	partSince                        // incremental: changes after a time
	partEntries                      // a ledger chunk: entry numbers lo..hi
	partRange                        // a ledger's full range; the checkpoint's Next holds "lo-hi"
	partModified                     // a slice of a big set by lastModifiedDateTime, from ≤ t < to
	partUnitDone                     // the company × set finished
)

// partition is one checkpointed slice of a company × set. Its text (String)
// is what _checkpoints.partition holds, and parsePartition reads it back, so
// a resumed run rebuilds exactly the same requests. The texts are a stored
// contract: "all", "since:<time>", "entryNumber:<lo>-<hi>",
// "entryNumber-all", "modified:<from>|<to>" (either time may be empty) and
// "done".
type partition struct {
	kind     partKind
	since    string // partSince: the time as recorded
	lo, hi   int64  // partEntries
	from, to string // partModified: RFC 3339 times, "" for an open end
}

var (
	allPartition      = partition{kind: partAll}
	rangePartition    = partition{kind: partRange}
	unitDonePartition = partition{kind: partUnitDone}
)

func sincePartition(t time.Time) partition {
	return partition{kind: partSince, since: t.Format(time.RFC3339Nano)}
}

func entriesPartition(lo, hi int64) partition { return partition{kind: partEntries, lo: lo, hi: hi} }

func modifiedPartition(from, to string) partition {
	return partition{kind: partModified, from: from, to: to}
}

func (p partition) String() string {
	switch p.kind {
	case partAll:
		return "all"
	case partSince:
		return "since:" + p.since
	case partEntries:
		return "entryNumber:" + strconv.FormatInt(p.lo, 10) + "-" + strconv.FormatInt(p.hi, 10)
	case partRange:
		return "entryNumber-all"
	case partModified:
		return "modified:" + p.from + "|" + p.to
	case partUnitDone:
		return "done"
	}
	return fmt.Sprintf("partition(%d)", p.kind)
}

// parsePartition reads a partition's stored text, checking every part of it.
func parsePartition(s string) (partition, error) {
	switch {
	case s == "all":
		return allPartition, nil
	case s == "entryNumber-all":
		return rangePartition, nil
	case s == "done":
		return unitDonePartition, nil
	case strings.HasPrefix(s, "since:"):
		return partition{kind: partSince, since: strings.TrimPrefix(s, "since:")}, nil
	case strings.HasPrefix(s, "entryNumber:"):
		lo, hi, err := parseRange(strings.TrimPrefix(s, "entryNumber:"))
		return entriesPartition(lo, hi), err
	case strings.HasPrefix(s, "modified:"):
		from, to, ok := strings.Cut(strings.TrimPrefix(s, "modified:"), "|")
		if !ok {
			return partition{}, fmt.Errorf("a checkpoint holds the range %q, not from|to", strings.TrimPrefix(s, "modified:"))
		}
		p := modifiedPartition(from, to)
		_, err := p.modifiedFilter()
		return p, err
	}
	return partition{}, fmt.Errorf("unknown partition %q", s)
}

// bulk reports a partition read as one planned slice (a ledger chunk or a
// modified slice) rather than a chain of pages.
func (p partition) bulk() bool { return p.kind == partEntries || p.kind == partModified }

// modifiedFilter is the lastModifiedDateTime range of a partModified
// partition; nil when both ends are open.
func (p partition) modifiedFilter() (odata.Expr, error) {
	var parts []odata.Expr
	if p.from != "" {
		t, err := time.Parse(time.RFC3339Nano, p.from)
		if err != nil {
			return nil, err
		}
		parts = append(parts, odata.Ge("lastModifiedDateTime", t))
	}
	if p.to != "" {
		t, err := time.Parse(time.RFC3339Nano, p.to)
		if err != nil {
			return nil, err
		}
		parts = append(parts, odata.Lt("lastModifiedDateTime", t))
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return odata.And(parts...), nil
}

func parseRange(s string) (lo, hi int64, err error) {
	a, b, ok := strings.Cut(s, "-")
	if ok {
		lo, err = strconv.ParseInt(a, 10, 64)
		if err == nil {
			hi, err = strconv.ParseInt(b, 10, 64)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("a checkpoint holds the range %q, not lo-hi", s)
	}
	return lo, hi, nil
}
