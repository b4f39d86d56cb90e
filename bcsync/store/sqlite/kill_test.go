package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/stretchr/testify/require"
)

// killRows is how many rows the killed first load stages: enough to spill
// SQLite's 8 MiB page cache into the WAL before the move commits.
const killRows = 40_000

// killEnv names the kill point (and killDBEnv the file) of the child
// process TestKilledPublish starts.
const (
	killEnv   = "BCSYNC_TEST_KILL_AT"
	killDBEnv = "BCSYNC_TEST_KILL_DB"
)

// killedLoad is the first load the child stages: killRows customers of
// company Co1.
func killedLoad() []store.Row {
	rows := make([]store.Row, killRows)
	for i := range rows {
		rows[i] = fixture.Customer(fixture.Co1, fmt.Sprintf("%08x-0000-4000-8000-%012x", uint32(i)*2654435761, i), "Customer", "1")
	}
	return rows
}

var killWatermark = store.Watermark{CompanyID: fixture.Co1, Set: "customers", At: time.Date(2025, 5, 16, 15, 37, 35, 0, time.UTC)}

// TestKilledPublish kills (SIGKILL) a process that staged a first load,
// before Publish, during it (all its statements run, the commit not yet)
// and after it. Reopened, the store holds no row of the load and no
// watermark before the commit, and every row with the watermark after it;
// a Publish of what stayed staged then ends with exactly the load's rows.
func TestKilledPublish(t *testing.T) {
	if at := os.Getenv(killEnv); at != "" {
		stageAndDie(at, os.Getenv(killDBEnv))
		return
	}
	if testing.Short() {
		t.Skip("starts a process and kills it")
	}
	t.Parallel()
	rows := killedLoad()
	tb := fixture.Customers()
	for _, at := range []string{"before", "during", "after"} {
		t.Run(at, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "bc.db")
			cmd := exec.Command(os.Args[0], "-test.run=^TestKilledPublish$")
			cmd.Env = append(os.Environ(), killEnv+"="+at, killDBEnv+"="+path)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL, "the child was killed: %v %s", err, out)

			ctx := t.Context()
			s := New(path)
			require.NoError(t, s.Open(ctx))
			defer s.Close()
			require.NoError(t, s.EnsureTable(ctx, tb))
			w, published, err := s.Watermark(ctx, fixture.Co1, tb.Name)
			require.NoError(t, err)
			got := dump(t, s, tb)
			if at == "after" {
				require.True(t, published)
				require.Equal(t, killWatermark, w)
				require.Len(t, got, killRows)
				n, err := s.db.Conn.Count(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = ?", stagingName(tb.Name, fixture.Co1))
				require.NoError(t, err)
				require.Zero(t, n, "the staging table is gone")
			} else {
				require.False(t, published)
				require.Empty(t, got, "half a first load is invisible")
				c, err := s.Publish(ctx, tb, fixture.Co1, &killWatermark, nil, nil)
				require.NoError(t, err)
				require.Equal(t, store.Counts{Inserted: killRows}, c)
			}
			require.Equal(t, fixture.Want(tb, rows...), dump(t, s, tb))
		})
	}
}

// stageAndDie is the child of TestKilledPublish: it stages the load and
// kills itself at the point at names.
func stageAndDie(at, path string) {
	die := func() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL); select {} }
	ctx := context.Background()
	s := New(path)
	tb := fixture.Customers()
	check := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
	check(s.Open(ctx))
	check(s.EnsureTable(ctx, tb))
	rows := killedLoad()
	for n := 0; n < len(rows); n += 5000 {
		_, err := s.Apply(ctx, []store.Batch{{Table: tb, CompanyID: fixture.Co1, Stage: true, Upserts: rows[n:min(n+5000, len(rows))]}}, nil)
		check(err)
	}
	switch at {
	case "before":
		die()
	case "during":
		s.beforePublishCommit = die
	}
	_, err := s.Publish(ctx, tb, fixture.Co1, &killWatermark, nil, nil)
	check(err)
	die()
}
