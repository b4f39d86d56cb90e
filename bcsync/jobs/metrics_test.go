package jobs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
)

// TestMetrics runs two good tenants and one whose secret is wrong, then
// scrapes: the syncs by status, the rows, requests and 429s equal the
// runs table's, the histogram counted every run, and the queue and the
// tenants needing attention are the database's.
func TestMetrics(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			reg := prometheus.NewPedanticRegistry()
			h := newHarness(t, b, func(cfg *jobs.Config) {
				m, err := jobs.NewMetrics(reg, cfg.DB)
				require.NoError(t, err)
				cfg.Hooks.RunFinished = m.RunFinished
			})
			ctx := t.Context()
			p, q := synctest.NewPrincipal(), synctest.NewPrincipal()
			one := h.tenant("one", p, fakeFor(t, p, "One", 1, "s1"), "s1")
			two := h.tenant("two", q, fakeFor(t, q, "Two", 2, "s2"), "s2")
			wrong := h.tenant("wrong", q, fakeFor(t, q, "Wrong", 3, "s3"), "not-s3")
			for _, tn := range []jobs.Tenant{one, two, wrong} {
				_, err := h.client.Insert(ctx, jobs.SyncArgs(tn), nil)
				require.NoError(t, err)
			}
			h.start()
			h.waitDone("one", "two", "wrong")

			runs, err := h.db.Registry().Runs(ctx, "")
			require.NoError(t, err)
			require.Len(t, runs, 3)
			var rows, requests, throttled int64
			var seconds float64
			for _, r := range runs {
				rows, requests, throttled = rows+r.Rows, requests+r.Requests, throttled+r.Throttled
				seconds += r.Duration().Seconds()
			}
			require.Positive(t, rows)
			want := fmt.Sprintf(`# HELP bcsync_queue_jobs SyncEnvironment jobs in the jobs database, by River state.
# TYPE bcsync_queue_jobs gauge
bcsync_queue_jobs{state="available"} 0
bcsync_queue_jobs{state="cancelled"} 1
bcsync_queue_jobs{state="completed"} 2
bcsync_queue_jobs{state="discarded"} 0
bcsync_queue_jobs{state="pending"} 0
bcsync_queue_jobs{state="retryable"} 0
bcsync_queue_jobs{state="running"} 0
bcsync_queue_jobs{state="scheduled"} 0
# HELP bcsync_requests_total Requests to BC made by this process's sync runs.
# TYPE bcsync_requests_total counter
bcsync_requests_total %d
# HELP bcsync_rows_total Rows inserted, updated or deleted by this process's sync runs.
# TYPE bcsync_rows_total counter
bcsync_rows_total %d
# HELP bcsync_syncs_total Sync runs finished by this process, by status (ok, partial, failed, interrupted, throttled, cancelled).
# TYPE bcsync_syncs_total counter
bcsync_syncs_total{status="cancelled"} 1
bcsync_syncs_total{status="ok"} 2
# HELP bcsync_tenants_needing_attention Tenants whose setup failed and whose syncs wait for an operator.
# TYPE bcsync_tenants_needing_attention gauge
bcsync_tenants_needing_attention 1
# HELP bcsync_throttled_total 429 (too many requests) responses BC gave this process's sync runs.
# TYPE bcsync_throttled_total counter
bcsync_throttled_total %d
`, requests, rows, throttled)
			require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
				"bcsync_queue_jobs", "bcsync_requests_total", "bcsync_rows_total", "bcsync_syncs_total", "bcsync_tenants_needing_attention", "bcsync_throttled_total"))

			families, err := reg.Gather()
			require.NoError(t, err)
			var found bool
			for _, f := range families {
				if f.GetName() == "bcsync_sync_duration_seconds" {
					found = true
					hist := f.GetMetric()[0].GetHistogram()
					require.Equal(t, uint64(3), hist.GetSampleCount())
					// The runs table keeps microseconds.
					require.InDelta(t, seconds, hist.GetSampleSum(), 1e-5)
					require.Len(t, hist.GetBucket(), len(jobs.DurationBuckets))
				}
			}
			require.True(t, found, "no bcsync_sync_duration_seconds")
		})
	}
}
