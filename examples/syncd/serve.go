package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/examples/internal/cli"
	"github.com/riverqueue/river"
)

// serveOptions are the flags of syncd serve.
type serveOptions struct {
	db, dataDir           string
	demo                  bool
	demoTenants           int
	demoEvery             time.Duration
	workers               int
	tick, timeout, rescue time.Duration
	busySnooze, drain     time.Duration
	fetchPoll             time.Duration
	http, httpTokenFile   string
}

// pageRefresh is how often the operator page reloads itself.
const pageRefresh = 10 * time.Second

func serveFlags(o *serveOptions) *cli.Set {
	fs := cli.New("syncd serve", nil, "", "Runs the tenants' syncs as River jobs until SIGTERM, which stops them at a page boundary: what was fetched is committed and the next worker resumes.")
	dbFlag(fs, &o.db)
	fs.String(&o.dataDir, "data-dir", "syncd-data", "directory of the demo tenants' stores").As("dir")
	fs.Bool(&o.demo, "demo", false, "add demo tenants on an embedded fake BC (no credentials) and sync them on a schedule")
	fs.Int(&o.demoTenants, "demo-tenants", 3, "demo tenants with --demo (two share a principal)").Must("a number from 1 to 50", func() bool { return o.demoTenants >= 1 && o.demoTenants <= 50 })
	fs.Duration(&o.demoEvery, "demo-every", time.Minute, "time between the demo tenants' syncs").Must("a duration of at least 1s", func() bool { return o.demoEvery >= time.Second })
	fs.Int(&o.workers, "workers", 10, "syncs run at once by this process").Must("a number of at least 1", func() bool { return o.workers >= 1 })
	fs.Duration(&o.tick, "tick", time.Minute, "how often the due tenants are queued").Must("a duration of at least 1s", func() bool { return o.tick >= time.Second })
	fs.Duration(&o.timeout, "job-timeout", 30*time.Minute, "longest a run may take before it is stopped (it resumes on the next attempt)").Must("a positive duration", func() bool { return o.timeout > 0 })
	fs.Duration(&o.rescue, "rescue-after", time.Hour, "a job running this long is taken as killed and queued again; longer than --job-timeout").
		Must("a duration longer than --job-timeout", func() bool { return o.rescue > o.timeout })
	fs.Duration(&o.busySnooze, "busy-snooze", 30*time.Second, "wait of a sync whose principal is busy with another tenant's").Must("a positive duration", func() bool { return o.busySnooze > 0 })
	fs.Duration(&o.drain, "drain", 5*time.Second, "time requests in flight get to finish, to be committed, when a sync is stopped").Must("a duration of at least 0", func() bool { return o.drain >= 0 })
	fs.Duration(&o.fetchPoll, "poll", time.Second, "how often idle workers look for jobs").Must("a duration of at least 1ms", func() bool { return o.fetchPoll >= time.Millisecond })
	fs.String(&o.http, "http", "127.0.0.1:8080", `address of the page, River UI and /metrics; a non-loopback one needs a token; "" serves none`).As("addr")
	fs.String(&o.httpTokenFile, "http-token-file", "", "file holding the token the page asks for (as a basic-auth password or a bearer token); default: the variable "+tokenEnv).As("file")
	return fs
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var o serveOptions
	if code, ok := parse(serveFlags(&o), "serve", args, stdout, stderr); !ok {
		return code
	}
	token, err := loadToken(o.httpTokenFile, getenv)
	if err == nil && o.http != "" {
		err = checkExposure(o.http, token)
	}
	if err != nil {
		fmt.Fprintf(stderr, "syncd serve: %v\n", err)
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	db, err := openDB(ctx, o.db)
	if err != nil {
		fmt.Fprintf(stderr, "syncd serve: --db: %v\n", err)
		return exitFailed
	}
	defer db.Close()
	reg, metrics, err := newMetrics(db)
	if err != nil {
		fmt.Fprintf(stderr, "syncd serve: %v\n", err)
		return exitFailed
	}
	cfg := jobs.Config{DB: db, TickEvery: o.tick, BusySnooze: o.busySnooze, DrainTimeout: o.drain, Logger: logger,
		Hooks: jobs.Hooks{RunFinished: metrics.RunFinished}}
	if o.demo {
		stop, secrets, err := startDemo(ctx, db, o)
		if err != nil {
			fmt.Fprintf(stderr, "syncd serve: --demo: %v\n", err)
			return exitFailed
		}
		defer stop()
		cfg.Secrets.Providers = map[string]jobs.SecretProvider{"demo": secrets}
		// Two demo tenants share a principal and sync every --demo-every:
		// the one that waits must come back sooner, or the other always wins.
		cfg.BusySnooze = min(cfg.BusySnooze, o.demoEvery/5)
	}
	client, err := jobs.NewClient(cfg, river.Config{
		Queues:     map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.workers}},
		JobTimeout: o.timeout, RescueStuckJobsAfter: o.rescue, FetchPollInterval: o.fetchPoll,
		FetchCooldown: min(o.fetchPoll, river.FetchCooldownDefault), Logger: logger,
	})
	if err == nil && o.http != "" {
		// Bound before the jobs start: a port in use stops nothing midway.
		var stopWeb func()
		stopWeb, err = startWeb(ctx, o.http, token, &web{db: db, reg: reg, logger: logger, refresh: pageRefresh}, client)
		if err == nil {
			defer stopWeb()
		}
	}
	if err == nil {
		err = client.Start(ctx)
	}
	if err != nil {
		fmt.Fprintf(stderr, "syncd serve: %v\n", err)
		return exitFailed
	}
	logger.Info("serving", "db", db.Where(), "workers", o.workers)
	<-ctx.Done()
	logger.Info("stopping: running syncs commit what they fetched and resume on the next worker")
	stop, cancel := context.WithTimeout(context.Background(), o.drain+30*time.Second)
	defer cancel()
	if err := client.StopAndCancel(stop); err != nil {
		fmt.Fprintf(stderr, "syncd serve: stopping: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// startDemo starts a fake BC per demo tenant (tenants 0 and 1 share a
// principal, so their runs take turns), registers them, and plays a user
// changing customers in each. Their secrets resolve through the "demo"
// scheme, as a key vault's would.
func startDemo(ctx context.Context, db *jobs.DB, o serveOptions) (stop func(), secrets jobs.SecretProvider, err error) {
	dir, err := filepath.Abs(o.dataDir)
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return nil, nil, err
	}
	byRef := map[string]string{}
	var stops []func()
	stop = func() {
		for _, f := range stops {
			f()
		}
	}
	for i := range o.demoTenants {
		demo := bctest.DefaultDemo()
		demo.Seed, demo.Companies, demo.GLEntries = uint64(i+1), 1, 200
		principal := i
		if i == 1 {
			principal = 0
		}
		tenantID := fmt.Sprintf("00000000-0000-4000-8000-%012d", principal+1)
		clientID := fmt.Sprintf("00000000-0000-4000-9000-%012d", principal+1)
		secret := fmt.Sprintf("demo-secret-%d", principal+1)
		env := fmt.Sprintf("Demo%d", i+1)
		fake := bctest.NewDemoServer(demo, bctest.WithCredentials(tenantID, clientID, secret), bctest.WithEnvironment(env))
		userStop := fake.PlayDemoUser(o.demoEvery/2, func(string, error) {})
		stops = append(stops, userStop, fake.Close)
		name := fmt.Sprintf("demo-%d", i+1)
		// Each start has new fakes on new ports; a store keeps its source.
		if err := os.Remove(filepath.Join(dir, name+".db")); err != nil && !os.IsNotExist(err) {
			stop()
			return nil, nil, err
		}
		ref := "demo:" + name
		byRef[ref] = secret
		t := jobs.Tenant{Name: name, EntraTenant: tenantID, ClientID: clientID, SecretRef: ref, Environment: env,
			Profile: "mosaic", Every: o.demoEvery, Store: "sqlite:" + filepath.Join(dir, name+".db"),
			BaseURL: fake.BaseURL(), TokenURL: fake.TokenURL(), Enabled: true}
		if err := db.Registry().Add(ctx, t); err != nil {
			stop()
			return nil, nil, err
		}
	}
	return stop, jobs.SecretFunc(func(_ context.Context, ref string) (string, error) {
		if s, ok := byRef[ref]; ok {
			return s, nil
		}
		return "", fmt.Errorf("not a demo tenant of this process")
	}), nil
}
