package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"
	"riverqueue.com/riverui"
	"riverqueue.com/riverui/uiendpoints"
)

// riverUIPrefix is where River UI is mounted.
const riverUIPrefix = "/riverui"

// web is what the HTTP side of syncd serve shows: the page, River UI and
// the metrics.
type web struct {
	db      *jobs.DB
	reg     *prometheus.Registry
	logger  *slog.Logger
	refresh time.Duration
}

// newMetrics makes the registry /metrics serves: the syncs' metrics,
// which the jobs' RunFinished hook feeds, and Go's and the process's.
func newMetrics(db *jobs.DB) (*prometheus.Registry, *jobs.Metrics, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m, err := jobs.NewMetrics(reg, db)
	return reg, m, err
}

// handler routes /, /metrics and /riverui/, behind the token when there
// is one and, without one, answering only to loopback names.
func (wb *web) handler(ctx context.Context, client jobs.Client, token string) (http.Handler, error) {
	ui, err := riverUI(ctx, client, wb.logger)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", wb.page)
	mux.Handle("GET /metrics", promhttp.HandlerFor(wb.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(wb.logger.Handler(), slog.LevelError), ErrorHandling: promhttp.ContinueOnError}))
	mux.Handle(riverUIPrefix+"/", ui)
	mux.Handle(riverUIPrefix, http.RedirectHandler(riverUIPrefix+"/", http.StatusMovedPermanently))
	// River UI cancels, retries and deletes jobs by POST: a web site the
	// operator visits must not do it for them.
	var h http.Handler = http.NewCrossOriginProtection().Handler(mux)
	if token == "" {
		return loopbackHostOnly(h), nil
	}
	return requireToken(token, h), nil
}

// riverUI is River UI on the client's own database, SQLite or PostgreSQL
// (riverui v0.22 has a driver for each).
func riverUI(ctx context.Context, client jobs.Client, logger *slog.Logger) (http.Handler, error) {
	var endpoints uiendpoints.Bundle
	switch c := client.(type) {
	case *river.Client[pgx.Tx]:
		endpoints = riverui.NewEndpoints(c, nil)
	case *river.Client[*sql.Tx]:
		endpoints = riverui.NewEndpoints(c, nil)
	default:
		return nil, fmt.Errorf("the River UI: a River client of an unknown driver (%T)", client)
	}
	ui, err := riverui.NewHandler(&riverui.HandlerOpts{Endpoints: endpoints, Logger: logger, Prefix: riverUIPrefix})
	if err != nil {
		return nil, fmt.Errorf("the River UI: %w", err)
	}
	// Its background services (count caches) stop with ctx.
	if err := ui.Start(ctx); err != nil {
		return nil, fmt.Errorf("the River UI: %w", err)
	}
	return ui, nil
}

// startWeb serves wb's handler on addr until stop, which lets requests
// in flight finish for a few seconds.
func startWeb(ctx context.Context, addr, token string, wb *web, client jobs.Client) (stop func(), err error) {
	h, err := wb.handler(ctx, client, token)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--http %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(wb.logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			wb.logger.Error("the page stopped", "err", err)
		}
	}()
	auth := "none (loopback names only)"
	if token != "" {
		auth = "token"
	}
	wb.logger.Info("page", "url", "http://"+ln.Addr().String()+"/", "auth", auth)
	return func() {
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(stop)
	}, nil
}
