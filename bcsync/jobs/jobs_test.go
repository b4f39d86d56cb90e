package jobs_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// TestManyTenants syncs 3 principals × 3 environments through real River
// on each jobs database: every store ends equal to its fake, no principal
// ever has more than 5 requests in flight, the runs of one principal never
// overlap, and a second insert of a queued tenant is skipped.
func TestManyTenants(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			h := newHarness(t, b, nil)
			ctx := t.Context()
			fakes := map[string]*bctest.Server{}
			var tenants []jobs.Tenant
			var principals []*synctest.Principal
			for i := range 3 {
				p := synctest.NewPrincipal()
				principals = append(principals, p)
				for j := range 3 {
					name := fmt.Sprintf("t%d-%d", i, j)
					fake := fakeFor(t, p, fmt.Sprintf("Env%d", j), uint64(10*i+j), "secret-"+name)
					fakes[name] = fake
					tenants = append(tenants, h.tenant(name, p, fake, "secret-"+name))
				}
			}
			// As a webhook and the tick would: the second insert of each
			// tenant is skipped while the first is queued.
			for _, tn := range tenants {
				first, err := h.client.Insert(ctx, jobs.SyncArgs(tn), nil)
				require.NoError(t, err)
				require.False(t, first.UniqueSkippedAsDuplicate)
				again, err := h.client.Insert(ctx, jobs.SyncArgs(tn), nil)
				require.NoError(t, err)
				require.True(t, again.UniqueSkippedAsDuplicate, "tenant %s inserted twice", tn.Name)
				require.Equal(t, first.Job.ID, again.Job.ID)
			}
			h.start()
			var names []string
			for _, tn := range tenants {
				names = append(names, tn.Name)
			}
			for name, ev := range h.waitDone(names...) {
				require.Equal(t, river.EventKindJobCompleted, ev.Kind, "tenant %s", name)
			}
			for _, tn := range tenants {
				requireSynced(t, tn, fakes[tn.Name])
			}
			for _, p := range principals {
				require.LessOrEqual(t, p.MaxInFlight(false), 5, "principal %s/%s", p.Entra, p.Client)
				require.Positive(t, p.MaxInFlight(false))
			}
			runs, err := h.db.Registry().Runs(ctx, "")
			require.NoError(t, err)
			requireNoOverlap(t, runs)
			for _, tn := range tenants {
				first := firstRun(t, runs, tn.Name)
				require.Equal(t, "full", first.Mode)
				require.Equal(t, "ok", first.Status)
				require.Positive(t, first.Rows)
			}
		})
	}
}

// requireNoOverlap requires that no two runs of one principal overlap in
// time, and that every run finished.
func requireNoOverlap(t *testing.T, runs []jobs.Run) {
	t.Helper()
	byKey := map[string][]jobs.Run{}
	for _, r := range runs {
		require.False(t, r.Finished.IsZero(), "run %d of %s did not finish", r.ID, r.Tenant)
		byKey[r.Principal] = append(byKey[r.Principal], r)
	}
	for key, rs := range byKey {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Started.Before(rs[j].Started) })
		for i := 1; i < len(rs); i++ {
			require.False(t, rs[i].Started.Before(rs[i-1].Finished),
				"principal %s: run %d of %s started at %v, before run %d of %s finished at %v", key, rs[i].ID, rs[i].Tenant, rs[i].Started, rs[i-1].ID, rs[i-1].Tenant, rs[i-1].Finished)
		}
	}
}

func firstRun(t *testing.T, runs []jobs.Run, tenant string) jobs.Run {
	t.Helper()
	for _, r := range runs {
		if r.Tenant == tenant {
			return r
		}
	}
	t.Fatalf("no run of %s", tenant)
	return jobs.Run{}
}
