package progress

import (
	"bytes"
	"github.com/bcsdk/bc/bcsync"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clock is a fake time source the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time                       { return c.t }
func (c *clock) After(time.Duration) <-chan time.Time { return nil }

func TestBarsShowTheStoppingStateWithoutETA(t *testing.T) {
	t.Parallel()
	var out, logs bytes.Buffer
	c := &clock{t: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	tr := newTracker(&out, slog.New(slog.NewTextHandler(&logs, nil)), true, c)
	cronus := bcsync.Company{ID: "c0", Name: "CRONUS USA, Inc."}
	gl, tre := bcsync.SetKey{Company: cronus, Set: "generalLedgerEntries"}, bcsync.SetKey{Company: cronus, Set: "timeRegistrationEntries"}
	tr.SetPlanned(gl, 1000)
	tr.PageCommitted(gl, 400)
	tr.SetPlanned(tre, -1)
	tr.PageCommitted(tre, 50)
	c.t = c.t.Add(10 * time.Second)

	tr.draw(false)
	require.Equal(t, "\x1b[2K450 rows in 10s (45 rows/s), 0/2 sets done\n"+
		"\x1b[2K  CRONUS USA, Inc.         generalLedgerEntries         [========            ]  40%        400 rows     1 pages        40/s ETA 15s\n"+
		"\x1b[2K  CRONUS USA, Inc.         timeRegistrationEntries              50 rows     1 pages         5/s\n", out.String())

	out.Reset()
	tr.Stopping()
	require.Equal(t, "\x1b[3A"+
		"\x1b[2Kstopping… 450 rows in 10s, 0/2 sets done; interrupt again to abort\n"+
		"\x1b[2K  CRONUS USA, Inc.         generalLedgerEntries         [========            ]  40%        400 rows     1 pages stopping…\n"+
		"\x1b[2K  CRONUS USA, Inc.         timeRegistrationEntries              50 rows     1 pages stopping…\n", out.String(),
		"drawn at once, without waiting for the next tick")

	out.Reset()
	tr.Stopping()
	require.Empty(t, out.String(), "a second call changes nothing")

	tr.draw(true)
	require.Equal(t, "\x1b[3A\x1b[2Kstopped: 450 rows in 10s, 0/2 sets done\n\x1b[2K\n\x1b[2K\n\x1b[2A", out.String())
	require.Empty(t, logs.String(), "on a terminal the bars say it; a log line would be drawn over")
}

func TestStoppingIsLoggedWithoutBars(t *testing.T) {
	t.Parallel()
	var out, logs bytes.Buffer
	c := &clock{t: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	tr := newTracker(&out, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{ReplaceAttr: noTime})), false, c)
	tr.Stopping()
	tr.Stopping()
	require.Equal(t, `level=WARN msg="stopping: requests in flight are abandoned and read again by the next run; interrupt again to abort"`+"\n", logs.String())
	require.Empty(t, out.String())
}
