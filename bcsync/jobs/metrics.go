package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/rivertype"
)

// Metrics are the Prometheus metrics of the syncs, for a service's own
// /metrics: counters of this process's runs, fed by Config.Hooks
// (RunFinished), and, read from the jobs database on every scrape, the
// sync jobs by River state and the tenants needing attention. Every
// process of one database reports the same queue: aggregate those with
// max, not sum.
type Metrics struct {
	syncs     *prometheus.CounterVec
	rows      prometheus.Counter
	requests  prometheus.Counter
	throttled prometheus.Counter
	duration  prometheus.Histogram
}

// DurationBuckets are the bounds (seconds) of bcsync_sync_duration_seconds:
// from an incremental sync of seconds to a first load of an hour.
var DurationBuckets = []float64{0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600}

// NewMetrics registers the metrics on reg; db is where the queue is read
// at scrape time.
func NewMetrics(reg prometheus.Registerer, db *DB) (*Metrics, error) {
	m := &Metrics{
		syncs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bcsync_syncs_total",
			Help: "Sync runs finished by this process, by status (ok, partial, failed, interrupted, throttled, cancelled)."}, []string{"status"}),
		rows: prometheus.NewCounter(prometheus.CounterOpts{Name: "bcsync_rows_total",
			Help: "Rows inserted, updated or deleted by this process's sync runs."}),
		requests: prometheus.NewCounter(prometheus.CounterOpts{Name: "bcsync_requests_total",
			Help: "Requests to BC made by this process's sync runs."}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{Name: "bcsync_throttled_total",
			Help: "429 (too many requests) responses BC gave this process's sync runs."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "bcsync_sync_duration_seconds",
			Help: "How long a sync run held its principal, from start to finish.", Buckets: DurationBuckets}),
	}
	for _, c := range []prometheus.Collector{m.syncs, m.rows, m.requests, m.throttled, m.duration, &dbCollector{db}} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("jobs: registering metrics: %w", err)
		}
	}
	return m, nil
}

// RunFinished counts r; set it as Config.Hooks.RunFinished (or call it
// from yours).
func (m *Metrics) RunFinished(r Run) {
	m.syncs.WithLabelValues(r.Status).Inc()
	m.rows.Add(float64(r.Rows))
	m.requests.Add(float64(r.Requests))
	m.throttled.Add(float64(r.Throttled))
	m.duration.Observe(r.Duration().Seconds())
}

var (
	queueDesc = prometheus.NewDesc("bcsync_queue_jobs",
		"SyncEnvironment jobs in the jobs database, by River state.", []string{"state"}, nil)
	attentionDesc = prometheus.NewDesc("bcsync_tenants_needing_attention",
		"Tenants whose setup failed and whose syncs wait for an operator.", nil, nil)
)

// scrapeTimeout bounds the queries of one scrape.
const scrapeTimeout = 5 * time.Second

// dbCollector reads the queue and the registry when scraped, so the
// numbers are the database's, whichever process answers.
type dbCollector struct{ db *DB }

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDesc
	ch <- attentionDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	counts, err := JobCounts(ctx, c.db)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDesc, err)
	} else {
		for _, s := range rivertype.JobStates() {
			ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(counts[s]), string(s))
		}
	}
	var n int
	err = c.db.queryRow(ctx, "SELECT COUNT(*) FROM bcsync_tenants WHERE attention_step <> ''").Scan(&n)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(attentionDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(attentionDesc, prometheus.GaugeValue, float64(n))
}

// JobCounts counts the SyncEnvironment jobs in River's table by state
// (states without jobs are absent).
func JobCounts(ctx context.Context, db *DB) (map[rivertype.JobState]int, error) {
	rows, err := db.query(ctx, "SELECT state, COUNT(*) FROM river_job WHERE kind = ? GROUP BY state", KindSyncEnvironment)
	if err != nil {
		return nil, fmt.Errorf("counting the jobs: %w", err)
	}
	defer rows.Close()
	out := map[rivertype.JobState]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, err
		}
		out[rivertype.JobState(state)] = n
	}
	return out, rows.Err()
}
