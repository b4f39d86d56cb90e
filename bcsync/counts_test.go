package bcsync_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	_ "github.com/bcsdk/bc/bcsync/store/jsonl"
	_ "github.com/bcsdk/bc/bcsync/store/postgres"
	_ "github.com/bcsdk/bc/bcsync/store/sqlite"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/bcsdk/bc/bctest"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/stretchr/testify/require"
)

// errKilled is what a killed store answers.
var errKilled = errors.New("the process was killed")

// killedStore forwards to a store until the first commit that carries rows
// of the set named kill, then answers every call with errKilled: to the
// store, the process died right after that commit, as a SIGKILL would have
// it.
type killedStore struct {
	store.Store
	kill string

	mu   sync.Mutex
	dead bool
}

func (k *killedStore) alive() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dead {
		return errKilled
	}
	return nil
}

func (k *killedStore) Apply(ctx context.Context, batches []store.Batch, cps []store.Checkpoint) (store.Counts, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dead {
		return store.Counts{}, errKilled
	}
	c, err := k.Store.Apply(ctx, batches, cps)
	for _, b := range batches {
		if err == nil && b.Table.Name == k.kill && len(b.Upserts) > 0 {
			k.dead = true
		}
	}
	return c, err
}

func (k *killedStore) UpdateRun(ctx context.Context, r store.Run) error {
	if err := k.alive(); err != nil {
		return err
	}
	return k.Store.UpdateRun(ctx, r)
}

func (k *killedStore) SaveWatermark(ctx context.Context, w store.Watermark) error {
	if err := k.alive(); err != nil {
		return err
	}
	return k.Store.SaveWatermark(ctx, w)
}

func (k *killedStore) SaveResult(ctx context.Context, r store.SetResult) error {
	if err := k.alive(); err != nil {
		return err
	}
	return k.Store.SaveResult(ctx, r)
}

func (k *killedStore) Reconcile(ctx context.Context, t *store.Table, companyID string, keys func(yield func(key []string) bool), opts store.ReconcileOptions, tally *store.Tally) (int64, error) {
	if err := k.alive(); err != nil {
		return 0, err
	}
	return k.Store.Reconcile(ctx, t, companyID, keys, opts, tally)
}

// counts is the _counts columns the test reads.
var counts = &store.Table{Name: "_counts", Key: []string{"runId", "companyId", "set"}, Columns: []store.Column{
	{Name: "runId", Type: store.Int}, {Name: "companyId", Type: store.Text}, {Name: "set", Type: store.Text}, {Name: "inserted", Type: store.Int}}}

// inserted sums the inserted column of _counts per set, over runs and
// companies.
func inserted(t *testing.T, dest string) map[string]int {
	t.Helper()
	got, err := synctest.Actual(context.Background(), dest, []*store.Table{counts})
	require.NoError(t, err)
	sums := map[string]int{}
	for _, row := range got["_counts"].Rows {
		var set string
		var n int
		for _, cell := range strings.Split(row, "|") {
			name, value, _ := strings.Cut(cell, "=")
			switch name {
			case "set":
				set = value
			case "inserted":
				n, err = strconv.Atoi(value)
				require.NoError(t, err, row)
			}
		}
		sums[set] += n
	}
	return sums
}

// TestCountsOfAKilledAndResumedRunAreWhatItWrote kills a full sync right
// after its first commit of G/L entries and resumes it: after the kill and
// after the resumed run, the rows _counts says were inserted into each table
// are exactly the rows the table holds. A commit holds at most 5,000 rows
// and a page (the writer's group), so the kill always leaves the 2 × 3,000
// G/L entries part read — staged, so the table shows none of them.
func TestCountsOfAKilledAndResumedRunAreWhatItWrote(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "jsonl", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			var dest string
			switch kind {
			case "sqlite":
				dest = "sqlite:" + filepath.Join(t.TempDir(), "bc.db")
			case "jsonl":
				dest = "jsonl:" + filepath.Join(t.TempDir(), "out")
			default:
				dest = storetest.PostgresDSN(t)
			}
			srv := bctest.NewServer(bctest.WithDemo(bctest.DemoConfig{Seed: 7, Companies: 2, GLEntries: 3000}))
			t.Cleanup(srv.Close)
			tenant, clientID, secret := srv.Credentials()
			client, err := bc.NewClient(tenant, srv.Environment(), bc.WithBaseURL(srv.BaseURL()),
				bc.WithTokenSource(bc.ClientCredentials(tenant, clientID, secret, bc.WithTokenURL(srv.TokenURL()))))
			require.NoError(t, err)
			refs := []bcsync.SetRef{{Name: "generalLedgerEntries"}, {Name: "customers"}, {Name: "salesInvoices"}}
			sets, err := synctest.PlanSets("", refs...)
			require.NoError(t, err)
			tables := sets.Tables()
			var ids []string
			for _, co := range srv.Tenant().Companies() {
				ids = append(ids, co.ID)
			}
			want, err := synctest.Expected(srv, sets, ids)
			require.NoError(t, err)

			sync := func(st store.Store) (*bcsync.Summary, error) {
				eng, err := bcsync.New(client, st, bcsync.Options{Sets: refs, Full: true, PageSize: 100})
				require.NoError(t, err)
				return eng.Run(t.Context())
			}
			requireCountsMatchRows := func() map[string]synctest.Table {
				t.Helper()
				got, err := synctest.Actual(context.Background(), dest, tables)
				require.NoError(t, err)
				sums := inserted(t, dest)
				for _, tb := range tables {
					require.Equal(t, got[tb.Name].Count(), sums[tb.Name], "%s: rows inserted according to _counts vs. rows in the table", tb.Name)
				}
				return got
			}

			st, err := store.New(dest)
			require.NoError(t, err)
			_, err = sync(&killedStore{Store: st, kill: "generalLedgerEntries"})
			require.ErrorIs(t, err, errKilled)
			got := requireCountsMatchRows()
			require.Zero(t, got["generalLedgerEntries"].Count(), "half a first load is invisible")
			staged := committedRows(t, dest, "generalLedgerEntries")
			require.Positive(t, staged, "the kill came after a commit of G/L entries")
			require.Less(t, int(staged), want["generalLedgerEntries"].Count(), "the kill came in the middle of the G/L entries")

			st, err = store.New(dest)
			require.NoError(t, err)
			summary, err := sync(st)
			require.NoError(t, err)
			require.True(t, summary.Resumed)
			require.Equal(t, bcsync.StatusOK, summary.Status)
			require.Empty(t, synctest.Diff(want, requireCountsMatchRows()))
		})
	}
}
