package jobs_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
)

// backend is a kind of jobs database.
type backend struct {
	name string
	dsn  func(t testing.TB) string
}

// backends are SQLite (a temp file) and PostgreSQL (a schema of the test's
// own; skipped without BC_TEST_POSTGRES_DSN).
var backends = []backend{
	{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "jobs.db") }},
	{"postgres", storetest.PostgresDSN},
}

// smallDemo is a one-company demo tenant that syncs in a few requests.
func smallDemo(seed uint64) bctest.DemoConfig {
	return bctest.DemoConfig{Seed: seed, Companies: 1, GLEntries: 20, Customers: 30, Vendors: 3, Items: 3,
		Employees: 12, Projects: 4, InvoicesPerMonth: 2, Months: 2}
}

// fakeFor starts a fake BC environment env of p, whose secret is secret.
func fakeFor(t *testing.T, p *synctest.Principal, env string, seed uint64, secret string) *bctest.Server {
	fake := bctest.NewUnstartedServer(bctest.WithDemo(smallDemo(seed)), bctest.WithCredentials(p.Entra, p.Client, secret), bctest.WithEnvironment(env))
	hs := httptest.NewServer(p.Count(fake.Handler()))
	fake.URL = hs.URL
	t.Cleanup(func() { hs.Close(); fake.Close() })
	return fake
}

// harness is a jobs database with a River client working it.
type harness struct {
	t       *testing.T
	db      *jobs.DB
	client  jobs.Client
	events  <-chan *river.Event
	secrets map[string]string
	dataDir string
	logs    *syncBuffer
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newHarness opens and migrates a jobs database of b and makes a client
// with short intervals (not started).
func newHarness(t *testing.T, b backend, edit func(*jobs.Config)) *harness {
	ctx := t.Context()
	db, err := jobs.Open(ctx, b.dsn(t))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Migrate(ctx))
	h := &harness{t: t, db: db, secrets: map[string]string{}, dataDir: t.TempDir(), logs: &syncBuffer{}}
	retry := bc.DefaultRetryPolicy()
	retry.BaseDelay = time.Millisecond
	cfg := jobs.Config{
		DB: db, Secrets: jobs.Secrets{Getenv: func(name string) string { return h.secrets[name] }},
		ClientOptions: []bc.Option{bc.WithRetryPolicy(retry)},
		BusySnooze:    10 * time.Millisecond, TickEvery: time.Hour,
		Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	h.client, err = jobs.NewClient(cfg, river.Config{
		FetchCooldown: 5 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond, TestOnly: true,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 6}},
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	events, cancel := h.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobCancelled, river.EventKindJobFailed, river.EventKindJobSnoozed)
	t.Cleanup(cancel)
	h.events = events
	return h
}

func (h *harness) start() {
	require.NoError(h.t, h.client.Start(h.t.Context()))
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		h.client.StopAndCancel(ctx)
	})
}

// tenant registers a tenant named name on fake, whose secret reference
// resolves to secret.
func (h *harness) tenant(name string, p *synctest.Principal, fake *bctest.Server, secret string) jobs.Tenant {
	ref := "env:SECRET_" + name
	h.secrets["SECRET_"+name] = secret
	tn := jobs.Tenant{Name: name, EntraTenant: p.Entra, ClientID: p.Client, SecretRef: ref, Environment: fake.Environment(),
		Profile: "mosaic", Every: time.Hour, Store: "sqlite:" + filepath.Join(h.dataDir, name+".db"),
		BaseURL: fake.BaseURL(), TokenURL: fake.TokenURL(), Enabled: true}
	require.NoError(h.t, h.db.Registry().Add(h.t.Context(), tn))
	return tn
}

// waitDone waits until a SyncEnvironment job of each of tenants has
// completed or been cancelled, and returns those events by tenant.
// Snoozes and retries are waited through.
func (h *harness) waitDone(tenants ...string) map[string]*river.Event {
	h.t.Helper()
	want := map[string]bool{}
	for _, n := range tenants {
		want[n] = true
	}
	got := map[string]*river.Event{}
	// A stuck run fails the test instead of hanging it.
	deadline := time.After(3 * time.Minute)
	for len(got) < len(want) {
		select {
		case ev := <-h.events:
			if ev.Job.Kind != jobs.KindSyncEnvironment || (ev.Kind != river.EventKindJobCompleted && ev.Kind != river.EventKindJobCancelled) {
				continue
			}
			name := tenantOf(h.t, ev)
			if want[name] {
				got[name] = ev
			}
		case <-deadline:
			h.t.Fatalf("jobs of %d tenants done, want %d; logs:\n%s", len(got), len(want), h.logs.String())
		}
	}
	return got
}

func tenantOf(t *testing.T, ev *river.Event) string {
	var args jobs.SyncEnvironment
	require.NoError(t, jsonUnmarshal(ev.Job.EncodedArgs, &args))
	return args.Tenant
}

// requireSynced requires the tenant's store to hold exactly its fake's rows.
func requireSynced(t *testing.T, tn jobs.Tenant, fake *bctest.Server) {
	t.Helper()
	diff, err := synctest.DiffStore(t.Context(), fake, tn.Profile, tn.Store)
	require.NoError(t, err)
	require.Empty(t, diff, tn.Store)
}
