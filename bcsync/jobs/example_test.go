package jobs_test

import (
	"context"
	"log"
	"net/http"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"
)

// ExampleNewMetrics adds the syncs' metrics to a service's own Prometheus
// registry and /metrics (compiled, not run: it would serve).
func ExampleNewMetrics() {
	ctx := context.Background()
	db, err := jobs.Open(ctx, "sqlite:syncd.db")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	// readme:jobsMetrics
	reg := prometheus.NewRegistry()
	metrics, err := jobs.NewMetrics(reg, db) // the queue is read from db at each scrape
	if err != nil {
		log.Fatal(err)
	}
	cfg := jobs.Config{DB: db, Hooks: jobs.Hooks{RunFinished: metrics.RunFinished}}
	client, err := jobs.NewClient(cfg, river.Config{})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	// readme:end
	_ = client.Start(ctx)
}
