package jobs_test

import (
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"
)

// TestTickInsertsDueTenants: with nothing inserted, the tick (run on start)
// queues a sync for each enabled tenant and none for a disabled one.
func TestTickInsertsDueTenants(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			h := newHarness(t, b, nil)
			p := synctest.NewPrincipal()
			a, bFake := fakeFor(t, p, "A", 1, "s"), fakeFor(t, p, "B", 2, "s")
			ta, tb := h.tenant("a", p, a, "s"), h.tenant("b", p, bFake, "s")
			h.tenant("off", p, fakeFor(t, p, "Off", 3, "s"), "s")
			require.NoError(t, h.db.Registry().Enable(t.Context(), "off", false))
			h.start()
			for _, ev := range h.waitDone("a", "b") {
				require.Equal(t, river.EventKindJobCompleted, ev.Kind)
			}
			requireSynced(t, ta, a)
			requireSynced(t, tb, bFake)
			list, err := h.client.JobList(t.Context(), river.NewJobListParams().Kinds(jobs.KindSyncEnvironment).States(rivertype.JobStates()...))
			require.NoError(t, err)
			var queued []string
			for _, j := range list.Jobs {
				queued = append(queued, string(j.EncodedArgs))
			}
			require.Len(t, queued, 2, "jobs: %v", queued)
		})
	}
}

// TestThrottledSnoozes: a 429 that outlasts the client's retries snoozes
// the job for BC's Retry-After; the next attempt syncs.
func TestThrottledSnoozes(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			h := newHarness(t, b, func(c *jobs.Config) {
				c.ClientOptions = append(c.ClientOptions, bc.WithRetryPolicy(bc.RetryPolicy{MaxAttempts: 1}))
			})
			p := synctest.NewPrincipal()
			fake := fakeFor(t, p, "Busy", 1, "s")
			fake.SetFaults(bctest.Faults{Throttle: 1, RetryAfter: time.Second, OnlyPaths: []string{"/customers"}})
			tn := h.tenant("busy", p, fake, "s")
			_, err := h.client.Insert(t.Context(), jobs.SyncArgs(tn), nil)
			require.NoError(t, err)
			h.start()
			var snoozed *river.Event
			for snoozed == nil {
				if ev := <-h.events; ev.Kind == river.EventKindJobSnoozed {
					snoozed = ev
				}
			}
			require.GreaterOrEqual(t, snoozed.Job.ScheduledAt.Sub(*snoozed.Job.AttemptedAt), time.Second)
			fake.SetFaults(bctest.Faults{})
			require.Equal(t, river.EventKindJobCompleted, h.waitDone("busy")["busy"].Kind)
			requireSynced(t, tn, fake)
			runs, err := h.db.Registry().Runs(t.Context(), "busy")
			require.NoError(t, err)
			require.Len(t, runs, 2)
			require.Equal(t, jobs.StatusThrottled, runs[0].Status)
			require.Contains(t, runs[0].Error, "429")
			require.Equal(t, "ok", runs[1].Status)
		})
	}
}
