package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// destinations are the stores every end-to-end test covers; PostgreSQL joins
// when BC_TEST_POSTGRES_DSN names a server (.ci/run starts one).
func destinations(t *testing.T, h *harness, name string) []string {
	dests := []string{h.sqlite(name + ".db"), "jsonl:" + filepath.Join(h.dir, name)}
	if dsn := os.Getenv("BC_TEST_POSTGRES_DSN"); dsn != "" {
		dests = append(dests, freshPostgres(t, dsn, name))
	} else if os.Getenv("CI") != "" {
		t.Fatal("BC_TEST_POSTGRES_DSN is not set: .ci/run starts PostgreSQL and sets it")
	}
	return dests
}

func TestFullSyncMatchesTheFake(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, profile := range []string{"mosaic", "finance"} {
		for _, dest := range destinations(t, h, profile) {
			t.Run(profile+" "+strings.SplitN(dest, ":", 2)[0], func(t *testing.T) {
				r := h.run("--profile", profile, "--out", dest)
				require.Equal(t, 0, r.code, r.stderr)
				h.requireSynced(dest, h.plan(profile))
				require.Contains(t, r.stdout, `Søren's Café "Nord" ApS`)
				require.Contains(t, r.stdout, "TOTAL")
			})
		}
	}
}

func TestCustomRouteAddsToTheProfile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("jobs.db")
	r := h.run("--out", dest, "--entities", "jobTasks@/api/bcsdk/demo/v1.0")
	require.Equal(t, 0, r.code, r.stderr)
	sets := h.plan("mosaic", bcsync.SetRef{Name: "jobTasks", Route: bctest.JobTasksRoute})
	h.requireSynced(dest, sets)
	require.Contains(t, r.stdout, "jobTasks")
	require.Contains(t, r.stdout, "timeRegistrationEntries")
}

func TestIncrementalReadsOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 1, 4, 9, 30, 0, 0, time.UTC) // after the demo's data
	clk := bctest.NewManualClock(start)
	h := newHarness(t, bctest.WithClock(clk))
	dest := h.sqlite("inc.db")
	require.Equal(t, 0, h.run("--profile", "finance", "--out", dest).code)

	clk.Advance(time.Minute) // the changes come after the run BC dated 09:30:00
	co := h.srv.Tenant().Companies()[1]
	var ids []string
	co.Each("customers", func(r map[string]string) bool { ids = append(ids, r["id"]); return len(ids) < 3 })
	for _, id := range ids {
		_, err := co.Update("customers", id, map[string]any{"displayName": "Changed " + id[:8]})
		require.NoError(t, err)
	}
	_, err := co.Insert("vendors", map[string]any{"number": "V99999", "displayName": "New Vendor Oy"})
	require.NoError(t, err)
	var inv string
	co.Each("salesInvoices", func(r map[string]string) bool { inv = r["id"]; return false })
	_, err = co.Update("salesInvoices", inv, map[string]any{"dueDate": "2026-12-31"})
	require.NoError(t, err)

	h.srv.ResetStats()
	h.srv.RecordRequests(true)
	r := h.run("--profile", "finance", "--out", dest)
	require.Equal(t, 0, r.code, r.stderr)
	h.requireSynced(dest, h.plan("finance"))
	require.Equal(t, int64(5), h.srv.Stats().Rows, "only the 5 changed rows are served")
	for _, line := range h.srv.Requests() {
		if strings.Contains(line, "/customers?") {
			// The watermark is BC's time at the last run's start, less the
			// 10-minute overlap.
			require.Contains(t, line, "$filter=lastModifiedDateTime%20gt%202027-01-04T09:20:00.000Z&")
		}
	}
	require.Regexp(t, `Contoso Europe Ltd\.\s+customers\s+0\s+3\s`, r.stdout)
	require.Regexp(t, `Contoso Europe Ltd\.\s+vendors\s+1\s+0\s`, r.stdout)
}

func TestReconcileRemovesOrMarksDeletedRows(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("rec.db")
	require.Equal(t, 0, h.run("--profile", "finance", "--out", dest).code)
	co := h.srv.Tenant().Companies()[0]
	var victims []string
	co.Each("customers", func(r map[string]string) bool { victims = append(victims, r["id"]); return len(victims) < 2 })
	for _, id := range victims {
		require.NoError(t, co.Delete("customers", id))
	}
	var line string
	co.Each("salesInvoiceLines", func(r map[string]string) bool { line = r["id"]; return false })
	require.NoError(t, co.Delete("salesInvoiceLines", line))

	r := h.run("--profile", "finance", "--out", dest, "--reconcile")
	require.Equal(t, 0, r.code, r.stderr)
	h.requireSynced(dest, h.plan("finance"))
	require.Regexp(t, `CRONUS USA, Inc\.\s+customers\s+0\s+0\s+0\s+2\s`, r.stdout)
	require.Regexp(t, `CRONUS USA, Inc\.\s+salesInvoiceLines\s+0\s+0\s+0\s+1\s`, r.stdout)
}

// TestReconcileRefusesMostOfASetUnlessForced: BC lost more than half of a
// company's customers. --reconcile fails the set (exit 1) with one line
// saying how many and what to do, deleting nothing; --force deletes them.
func TestReconcileRefusesMostOfASetUnlessForced(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("force.db")
	args := []string{"--entities", "customers", "--out", dest, "--reconcile"}
	require.Equal(t, 0, h.run(args...).code)
	before := h.snapshot(dest, h.plan("", bcsync.SetRef{Name: "customers"}))
	co := h.srv.Tenant().Companies()[0]
	stored := co.Count("customers")
	var victims []string
	co.Each("customers", func(r map[string]string) bool { victims = append(victims, r["id"]); return len(victims) <= stored/2 })
	for _, id := range victims {
		require.NoError(t, co.Delete("customers", id))
	}

	r := h.run(args...)
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stderr, fmt.Sprintf("\nsync: customers: reconcile: it would delete %d of the %d stored rows, more than 50%%; "+
		"nothing was deleted; if BC really lost them, a forced reconcile (Options.Force) deletes them; run with --force\n", len(victims), stored))
	require.Equal(t, before, h.snapshot(dest, h.plan("", bcsync.SetRef{Name: "customers"})))

	r = h.run(append(args, "--force")...)
	require.Equal(t, 0, r.code, r.stderr)
	h.requireSynced(dest, h.plan("", bcsync.SetRef{Name: "customers"}))
}

func TestSetupFailuresNameTheStepAndLeaveTheStoreAlone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dest := h.sqlite("setup.db")
	require.Equal(t, 0, h.run("--out", dest).code)
	before := h.snapshot(dest, h.plan("mosaic"))

	wrong := newHarness(t)
	wrong.env["BC_CLIENT_SECRET"] = "not-the-secret"
	wrong.env["BC_BASE_URL"], wrong.env["BC_TOKEN_URL"] = h.env["BC_BASE_URL"], h.env["BC_TOKEN_URL"]
	r := wrong.run("--out", dest)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "AADSTS7000215")
	require.Contains(t, r.stderr, "not its Secret ID")
	require.NotContains(t, r.stderr+r.stdout, "not-the-secret")

	app := bctest.DefaultApp()
	app.Registered = false
	h.srv.SetApp(app)
	r = h.run("--out", dest)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "Microsoft Entra Applications")
	require.Contains(t, r.stderr, "State = Enabled")

	app = bctest.DefaultApp()
	app.DeniedSets = []string{"timeRegistrationEntries"}
	h.srv.SetApp(app)
	r = h.run("--out", dest)
	require.Equal(t, 1, r.code, "one set failing is a partial failure")
	require.Contains(t, r.stderr, "timeRegistrationEntries")
	require.Contains(t, r.stderr, "permission set")
	require.Regexp(t, `customers\s+0\s+0\s+0\s+0\s+\d+\s+\d+\s+\d+\s+\S+\s+ok`, r.stdout, "the other sets are synced")

	h.srv.SetApp(bctest.DefaultApp())
	after := h.snapshot(dest, h.plan("mosaic"))
	require.Equal(t, before, after)
}

func TestBadInputFailsBeforeAnyWork(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"missing tenant", map[string]string{"BC_TENANT": ""}, nil, "--tenant: the tenant ID is empty"},
		{"malformed client id", map[string]string{"BC_CLIENT_ID": "my-app"}, nil, `BC_CLIENT_ID: the client ID "my-app" is not a GUID`},
		{"secret id instead of value", map[string]string{"BC_CLIENT_SECRET": "0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f0"}, nil, "looks like a GUID"},
		{"unknown entity set", nil, []string{"--entities", "custmers"}, `"custmers" is not an entity set`},
		{"bad custom route", nil, []string{"--entities", "jobTasks@/api/x"}, "set@/api/{publisher}/{group}/{version}"},
		{"bad profile", nil, []string{"--profile", "everything"}, "--profile"},
		{"bad since", nil, []string{"--since", "yesterday"}, "--since"},
		{"unwritable output", nil, []string{"--out", "sqlite:/proc/self/bcsync/bc.db"}, "--out"},
		{"unknown destination", nil, []string{"--out", "mysql://x"}, "--out"},
		{"no database server", nil, []string{"--out", "postgres://u:secretpw@127.0.0.1:1/db"}, "--out"},
		{"unknown company", nil, []string{"--companies", "Nobody Ltd"}, `no company named or with id "Nobody Ltd"`},
		{"unknown environment", map[string]string{"BC_ENVIRONMENT": "Sandbox2"}, nil, "Sandbox2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hh := *h
			hh.t = t
			hh.env = map[string]string{}
			for k, v := range h.env {
				hh.env[k] = v
			}
			for k, v := range tt.env {
				hh.env[k] = v
			}
			args := append([]string{"--out", h.sqlite("bad.db")}, tt.args...)
			r := hh.run(args...)
			require.Equal(t, 2, r.code, r.stderr)
			require.Contains(t, r.stderr, tt.want)
			require.Len(t, lines(r.stderr), 1, "one clear line: %s", r.stderr)
			require.NotContains(t, r.stderr, "secretpw")
		})
	}
}

func TestFaultsAndThrottlingLoseNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bctest.WithFaults(bctest.Faults{Seed: 11, Throttle: 0.05, ThrottleBare: 0.03, Unavailable: 0.03,
		GatewayTimeout: 0.03, Reset: 0.03, Truncate: 0.03, RetryAfter: time.Millisecond}))
	dest := h.sqlite("faults.db")
	r := h.run("--profile", "finance", "--out", dest, "--page-size", "200")
	require.Equal(t, 0, r.code, r.stderr)
	h.requireSynced(dest, h.plan("finance"))
	require.Positive(t, h.srv.Stats().FaultTotal())
}

func TestInterruptedRunsResume(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bctest.WithServiceModel(bctest.ServiceModel{Base: 2 * time.Millisecond, BytesPerSecond: 20e6, Scale: 1}))
	dest := h.sqlite("resume.db")
	rng := rand.New(rand.NewPCG(5, 5))
	resumed := 0
	for i := 0; i < 6; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(20+rng.IntN(250))*time.Millisecond)
		r := h.runCtx(ctx, "--profile", "finance", "--out", dest, "--page-size", "300", "--full")
		cancel()
		if r.code == 0 {
			break
		}
		resumed++
	}
	r := h.run("--profile", "finance", "--out", dest, "--page-size", "300", "--full")
	require.Equal(t, 0, r.code, r.stderr)
	h.requireSynced(dest, h.plan("finance"))
	require.Positive(t, resumed, "at least one run was cut short")
}
