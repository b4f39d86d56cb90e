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
	"github.com/bcsdk/bc/examples/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are fakebc's flags.
type options struct {
	addr                 string
	companies, glEntries int
	seed                 uint64
	noDimensions         bool
	latency              time.Duration
	bytesPerSecond       float64
	throttle             float64
}

// flags defines fakebc's flags into o, in the order of --help and the
// table in docs/testing.md.
func flags(o *options) *cli.Set {
	demo := bctest.DefaultDemo()
	fs := cli.New("fakebc", nil, "", "Serves the SDK's fake Business Central (package bctest) with its demo tenant over HTTP.")
	fs.String(&o.addr, "addr", "127.0.0.1:8080", "address to listen on").As("addr")
	fs.Int(&o.companies, "companies", demo.Companies, "companies in the demo tenant").
		Must("a number of at least 1", func() bool { return o.companies >= 1 })
	fs.Int(&o.glEntries, "gl-entries", demo.GLEntries, "G/L entries per company (generated on demand; millions are fine)").
		Must("a number of at least 1", func() bool { return o.glEntries >= 1 })
	fs.Uint(&o.seed, "seed", demo.Seed, "seed of the demo data and of --throttle's choice of requests: the same seed serves the same rows")
	fs.Bool(&o.noDimensions, "no-dimensions", false, "G/L entries without dimension set lines")
	fs.Duration(&o.latency, "latency", 0, "service time of each request before its first byte (0: none)").
		Must("a duration of at least 0, such as 20ms", func() bool { return o.latency >= 0 })
	fs.Float(&o.bytesPerSecond, "bytes-per-second", 0, "transfer rate of each response (0: unlimited; 2000000 is the ~2 MB/s per call that Microsoft's guide to extracting data reports measuring, not a published limit)").
		Must("a number of at least 0", func() bool { return o.bytesPerSecond >= 0 })
	fs.Float(&o.throttle, "throttle", 0, "fraction of requests answered 429 Too Many Requests with Retry-After (0 to 1)").
		Must("a fraction from 0 to 1", func() bool { return o.throttle >= 0 && o.throttle <= 1 })
	return fs
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	if err := flags(&o).Parse(args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "fakebc: %v\n", err)
		return 2
	}
	demo := bctest.DefaultDemo()
	demo.Companies, demo.GLEntries, demo.Seed, demo.NoGLDimensions = o.companies, o.glEntries, o.seed, o.noDimensions
	opts := []bctest.Option{bctest.WithDemo(demo), bctest.WithCustomAPI("bcsdk", "demo", "v1.0", bctest.JobTasksAPI())}
	if o.latency > 0 || o.bytesPerSecond > 0 {
		opts = append(opts, bctest.WithServiceModel(bctest.ServiceModel{Base: o.latency, BytesPerSecond: o.bytesPerSecond, Scale: 1}))
	}
	if o.throttle > 0 {
		opts = append(opts, bctest.WithFaults(bctest.Faults{Seed: o.seed, Throttle: o.throttle}))
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "fakebc: --addr: %v\n", err)
		return 2
	}
	srv := bctest.NewUnstartedServer(opts...)
	srv.URL = "http://" + l.Addr().String()
	tenant, client, secret := srv.Credentials()
	fmt.Fprintf(stdout, "fake Business Central listening on %s\n", srv.URL)
	fmt.Fprintf(stdout, "  base URL:    %s   (the client appends /%s/%s/api/v2.0)\n", srv.BaseURL(), tenant, srv.Environment())
	fmt.Fprintf(stdout, "  token URL:   %s\n", srv.TokenURL())
	fmt.Fprintf(stdout, "  custom API:  %s/%s/%s/%s (jobTasks)\n", srv.BaseURL(), tenant, srv.Environment(), bctest.JobTasksRoute)
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
