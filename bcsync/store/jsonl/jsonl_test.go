package jsonl

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
	"github.com/stretchr/testify/require"
)

func openJSONL(t *testing.T, dir string) *Store {
	t.Helper()
	s := New(dir)
	require.NoError(t, s.Open(t.Context()))
	return s
}

// kill drops s the way a killed process would: nothing is published.
func kill(s *Store) {
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	s.closeAll(false)
}

func TestJSONLGolden(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "out")
	s := openJSONL(t, dir)
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	rows := []store.Row{
		fixture.Customer(fixture.Co1, fixture.ID2, "Trey Research", "413.28"),
		{fixture.V(fixture.Co1), fixture.V(fixture.ID1), fixture.V("10000"), fixture.V(`Adatum "A" Corp, Ölçü 😀`), fixture.V("-12345678901234567890.123456789"), fixture.V("0"), fixture.V("true"), fixture.V("0.000125"), fixture.V("2024-02-29"), fixture.Null},
		{fixture.V(fixture.Co2), fixture.V(fixture.ID1), fixture.Null, fixture.Null, fixture.V("0.000001"), fixture.Null, fixture.Null, fixture.V("NaN"), fixture.Null, fixture.Null},
	}
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows}}, nil)
	require.NoError(t, err)
	run, err := s.BeginRun(ctx, store.Run{Started: time.Date(2025, 5, 16, 15, 37, 35, 0, time.UTC), Mode: "full", Status: "ok", Plan: "mosaic"})
	require.NoError(t, err)
	_, err = s.Apply(ctx, nil, []store.Checkpoint{{RunID: run.ID, CompanyID: fixture.Co1, Set: "customers", Partition: "all", Done: true, Rows: 3}})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	golden := func(name string) {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), name)
	}
	golden("customers.jsonl")
	golden("_runs.jsonl")
	golden("_checkpoints.jsonl")
	for _, name := range []string{"_watermarks.jsonl", "_counts.jsonl", "_errors.jsonl"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Empty(t, got, name)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.HasSuffix(e.Name(), ".tmp"), "left %s behind", e.Name())
	}
}

func TestJSONLKillMidApply(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "out")
	s := openJSONL(t, dir)
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	cp := store.Checkpoint{RunID: 1, CompanyID: fixture.Co1, Set: "customers", Partition: "all", Next: "page2", Rows: 1}
	a := fixture.Customer(fixture.Co1, fixture.ID1, "committed", "1")
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{a}}}, []store.Checkpoint{cp})
	require.NoError(t, err)

	// The next Apply gets its lines into the staging file but is killed
	// before it commits, halfway through writing a line.
	stage := s.stagePath(s.tables[tb.Name])
	var torn []byte
	s.beforeCommit = func() error {
		var err error
		torn, err = os.ReadFile(stage)
		return errors.Join(err, errors.New("killed"))
	}
	cp2 := cp
	cp2.Next, cp2.Rows = "page3", 3
	_, err = s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID2, "lost", "2"), fixture.Customer(fixture.Co1, fixture.ID3, "lost", "3")}}}, []store.Checkpoint{cp2})
	require.ErrorContains(t, err, "killed")
	committed := s.tables[tb.Name].staged
	require.Greater(t, int64(len(torn)), committed+10)
	kill(s)
	require.NoError(t, os.WriteFile(stage, torn[:len(torn)-10], 0o644))

	s = openJSONL(t, dir)
	defer s.Close()
	fi, err := os.Stat(stage)
	require.NoError(t, err)
	require.Equal(t, int64(0), fi.Size(), "cut back, then published and emptied")
	require.Equal(t, fixture.Want(tb, a), fixture.Without(dump(t, s, tb), layout.DeletedCol))
	cps, err := s.Checkpoints(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, []store.Checkpoint{cp}, cps)

	// The resumed run re-reads the page: nothing was lost or duplicated.
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID2, "found", "2"), fixture.Customer(fixture.Co1, fixture.ID3, "found", "3")}}}, []store.Checkpoint{cp2})
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 2}, got)
	require.Equal(t, fixture.Want(tb, a, fixture.Customer(fixture.Co1, fixture.ID2, "found", "2"), fixture.Customer(fixture.Co1, fixture.ID3, "found", "3")), dump(t, s, tb))
}

func TestJSONLKillBeforePublish(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "out")
	s := openJSONL(t, dir)
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2")}}}, nil)
	require.NoError(t, err)
	require.NoError(t, s.finalize(ctx))
	_, err = s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID3, "c", "3")}, Deletes: [][]string{{fixture.Co1, fixture.ID1}}}}, nil)
	require.NoError(t, err)
	// Killed after the merged file was renamed into place but before the
	// index recorded it: publishing again must give the same file.
	require.NoError(t, s.merge(ctx, s.tables[tb.Name]))
	first, err := os.ReadFile(s.filePath(tb.Name))
	require.NoError(t, err)
	kill(s)

	s = openJSONL(t, dir)
	defer s.Close()
	again, err := os.ReadFile(s.filePath(tb.Name))
	require.NoError(t, err)
	require.Equal(t, string(first), string(again))
	require.Equal(t, fixture.Want(tb, fixture.Customer(fixture.Co1, fixture.ID2, "b", "2"), fixture.Customer(fixture.Co1, fixture.ID3, "c", "3")), dump(t, s, tb))
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID3, "c", "3")}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 1, Unchanged: 1}, got)
}

func TestJSONLFilesAreReplacedWhole(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openJSONL(t, filepath.Join(t.TempDir(), "out"))
	defer s.Close()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1")}}}, nil)
	require.NoError(t, err)
	require.NoError(t, s.finalize(ctx))
	reader, err := os.Open(s.filePath(tb.Name))
	require.NoError(t, err)
	defer reader.Close()
	before, err := os.ReadFile(s.filePath(tb.Name))
	require.NoError(t, err)

	_, err = s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "changed", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2")}}}, nil)
	require.NoError(t, err)
	unpublished, err := os.ReadFile(s.filePath(tb.Name))
	require.NoError(t, err)
	require.Equal(t, before, unpublished, "readers see no change before the run is published")
	require.NoError(t, s.finalize(ctx))

	// A reader that opened the old file reads it whole; the path has the new one.
	old, err := io.ReadAll(reader)
	require.NoError(t, err)
	require.Equal(t, before, old)
	require.Equal(t, fixture.Want(tb, fixture.Customer(fixture.Co1, fixture.ID1, "changed", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2")), dump(t, s, tb))
}

func TestJSONLMergeKeepsKeyOrder(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "out")
	tb := &store.Table{Name: "entries", Key: []string{"companyId", "entryNumber"}, Columns: []store.Column{{Name: "companyId", Type: store.GUID}, {Name: "entryNumber", Type: store.Int}, {Name: "description", Type: store.Text}}}
	expected := map[string]store.Row{}
	rng := rand.New(rand.NewPCG(1, 2))
	long := strings.Repeat("x", 3<<20) // longer than the merge's read buffer
	for round := range 4 {
		s := openJSONL(t, dir)
		if round == 2 {
			tb.Columns = append(tb.Columns, store.Column{Name: "amount", Type: store.Decimal}) // old lines get fixture.Null
			for k, r := range expected {
				expected[k] = append(r, fixture.Null)
			}
		}
		require.NoError(t, s.EnsureTable(ctx, tb))
		var c store.Counts
		for range 3 {
			var b store.Batch
			b.Table = tb
			for range 300 {
				n := rng.IntN(1000)
				key := fmt.Sprint(n)
				if rng.IntN(10) == 0 {
					b.Deletes = append(b.Deletes, []string{fixture.Co1, key})
					continue
				}
				r := store.Row{fixture.V(fixture.Co1), fixture.V(key), fixture.V(fmt.Sprintf("round %d", rng.IntN(3)))}
				if n == 7 {
					r[2] = fixture.V(long)
				}
				if len(tb.Columns) == 4 {
					r = append(r, fixture.V(fmt.Sprintf("%d.%02d", n, round)))
				}
				b.Upserts = append(b.Upserts, r)
			}
			got, err := s.Apply(ctx, []store.Batch{b}, nil)
			require.NoError(t, err)
			require.Equal(t, fixture.ModelApply(expected, b), got)
			c.Add(got)
		}
		require.NoError(t, s.Close())
		require.Positive(t, c.Inserted+c.Updated)
	}
	s := openJSONL(t, dir)
	defer s.Close()
	var rows []store.Row
	for _, r := range expected {
		rows = append(rows, r)
	}
	require.Equal(t, fixture.Want(tb, rows...), dump(t, s, tb))
	data, err := os.ReadFile(s.filePath(tb.Name))
	require.NoError(t, err)
	var prev string
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		_, rest, _ := strings.Cut(line, `"entryNumber":`)
		key, _, _ := strings.Cut(rest, ",")
		require.Less(t, prev, key, "line %d out of order", i)
		prev = key
	}
}

func TestJSONLOpenFails(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	base := t.TempDir()
	file := filepath.Join(base, "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))

	held := filepath.Join(base, "held")
	s := openJSONL(t, held)
	defer s.Close()

	foreign := filepath.Join(base, "foreign")
	require.NoError(t, os.MkdirAll(filepath.Join(foreign, ".sync"), 0o755))
	l, err := lite.Open(ctx, "setup", filepath.Join(foreign, ".sync", "state.db"), "NORMAL")
	require.NoError(t, err)
	_, err = l.Exec(ctx, `CREATE TABLE "_checkpoints" ("x" TEXT)`)
	require.NoError(t, err)
	require.NoError(t, l.Close())

	for dir, wantErr := range map[string]string{
		file:                          "cannot create the directory: mkdir " + file,
		"/proc/self/bcsync":           "cannot create the directory",
		held:                          "another sync is writing to it; wait for that one to finish, or choose another destination",
		filepath.Join(foreign):        `table "_checkpoints" has columns (x) but the sync expects (runId, companyId`,
		filepath.Join(file, "nested"): "cannot create the directory",
	} {
		err := New(dir).Open(ctx)
		require.ErrorContains(t, err, wantErr, dir)
		require.True(t, strings.HasPrefix(err.Error(), "jsonl:"+dir), err.Error())
	}
	entries, err := os.ReadDir(foreign)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing published into the foreign directory")
}

// TestJSONLEmptyBatchLeavesTheTableAlone: a batch that changes nothing (a
// request that brought no rows, counted through its Tally) does not mark
// the table for republishing.
func TestJSONLEmptyBatchLeavesTheTableAlone(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openJSONL(t, filepath.Join(t.TempDir(), "out"))
	defer s.Close()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Tally: &store.Tally{RunID: 1, CompanyID: fixture.Co1, Set: tb.Name, Requests: 1}}}, nil)
	require.NoError(t, err)
	require.False(t, s.tables[tb.Name].dirty)
	require.Zero(t, s.tables[tb.Name].staged)
}
