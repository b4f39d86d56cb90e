// Command fakebc serves the SDK's fake Business Central (package bctest) on
// a local address, so tools in any language can run against BC's API shape,
// its errors, paging, limits and faults without a tenant.
//
//	go run ./examples/fakebc --addr 127.0.0.1:8080
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/bcsdk/bc/bctest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakebc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	companies := fs.Int("companies", 3, "demo companies")
	gl := fs.Int("gl-entries", 2000, "G/L entries per company (generated on demand; millions are fine)")
	seed := fs.Uint64("seed", 1, "seed of the demo data")
	noDims := fs.Bool("no-dimensions", false, "G/L entries without dimension set lines")
	latency := fs.Duration("latency", 0, "service time per request (0: as fast as possible)")
	rate := fs.Float64("bytes-per-second", 0, "per-request transfer rate (BC documents about 2e6; 0: unlimited)")
	throttle := fs.Float64("throttle", 0, "fraction of requests answered with 429")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	demo := bctest.DefaultDemo()
	demo.Companies, demo.GLEntries, demo.Seed, demo.NoGLDimensions = *companies, *gl, *seed, *noDims
	opts := []bctest.Option{bctest.WithDemo(demo), bctest.WithCustomAPI("bcsdk", "demo", "v1.0", bctest.JobTasksAPI())}
	if *latency > 0 || *rate > 0 {
		opts = append(opts, bctest.WithServiceModel(bctest.ServiceModel{Base: *latency, BytesPerSecond: *rate, Scale: 1}))
	}
	if *throttle > 0 {
		opts = append(opts, bctest.WithFaults(bctest.Faults{Seed: *seed, Throttle: *throttle}))
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "fakebc: --addr: %v\n", err)
		return 2
	}
	srv := bctest.New(opts...)
	srv.URL = "http://" + l.Addr().String()
	tenant, client, secret := srv.Credentials()
	fmt.Fprintf(stdout, "fake Business Central listening on %s\n", srv.URL)
	fmt.Fprintf(stdout, "  base URL:    %s   (the client appends /%s/%s/api/v2.0)\n", srv.BaseURL(), tenant, srv.Environment())
	fmt.Fprintf(stdout, "  token URL:   %s\n", srv.TokenURL())
	fmt.Fprintf(stdout, "  tenant:      %s\n  client id:   %s\n  secret:      %s (a test value)\n", tenant, client, secret)
	fmt.Fprintf(stdout, "  try:         BC_CLIENT_SECRET='%s' go run ./examples/sync --tenant %s --client-id %s --base-url %s --token-url '%s' --environment %s\n",
		secret, tenant, client, srv.BaseURL(), srv.TokenURL(), srv.Environment())
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "fakebc: %v\n", err)
		return 1
	}
	return 0
}
