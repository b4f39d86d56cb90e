package bcsync_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// tenant is a fake BC with one small company and a client for it.
type tenant struct {
	srv    *bctest.Server
	client *bc.Client
	dest   string
}

func newTenant(t *testing.T, secret string) *tenant {
	t.Helper()
	srv := bctest.NewServer(bctest.WithDemo(bctest.DemoConfig{Seed: 7, Companies: 1, GLEntries: 300}))
	t.Cleanup(srv.Close)
	tenantID, clientID, good := srv.Credentials()
	if secret == "" {
		secret = good
	}
	client, err := bc.NewClient(tenantID, srv.Environment(), bc.WithBaseURL(srv.BaseURL()),
		bc.WithTokenSource(bc.ClientCredentials(tenantID, clientID, secret, bc.WithTokenURL(srv.TokenURL()))))
	require.NoError(t, err)
	return &tenant{srv, client, "sqlite:" + filepath.Join(t.TempDir(), "bc.db")}
}

func (tn *tenant) engine(t *testing.T, o bcsync.Options) *bcsync.Engine {
	t.Helper()
	st, err := store.New(tn.dest)
	require.NoError(t, err)
	e, err := bcsync.New(tn.client, st, o)
	require.NoError(t, err)
	return e
}

// requireSynced checks the store holds exactly the fake's rows of sets.
func (tn *tenant) requireSynced(t *testing.T, sets synctest.Sets) {
	t.Helper()
	var ids []string
	for _, co := range tn.srv.Tenant().Companies() {
		ids = append(ids, co.ID)
	}
	want, err := synctest.Expected(tn.srv, sets, ids)
	require.NoError(t, err)
	got, err := synctest.Actual(context.Background(), tn.dest, sets.Tables())
	require.NoError(t, err)
	require.Empty(t, synctest.Diff(want, got))
}

// TestCancelCommitsAndTheNextRunResumes cancels a run's context as its
// tenth request arrives: Run returns ErrInterrupted with the run recorded
// as interrupted, and the next Run resumes it to exactly the fake's rows.
func TestCancelCommitsAndTheNextRunResumes(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	o := bcsync.Options{Profile: "finance", Full: true, PageSize: 50, Workers: 1}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tn.srv.AtRequest(10, cancel)
	summary, err := tn.engine(t, o).Run(ctx)
	require.ErrorIs(t, err, bcsync.ErrInterrupted)
	require.Equal(t, bcsync.StatusInterrupted, summary.Status)
	require.NotEmpty(t, summary.Results)

	summary, err = tn.engine(t, o).Run(t.Context())
	require.NoError(t, err)
	require.True(t, summary.Resumed)
	require.Equal(t, bcsync.StatusOK, summary.Status)
	sets, err := synctest.PlanSets("finance")
	require.NoError(t, err)
	tn.requireSynced(t, sets)
}

// TestDrainTimeoutCommitsTheRequestInFlight cancels the run while the
// second page of customers is in flight: with a drain timeout the engine
// waits for it (it arms the drain's timer on the run's clock, which the
// test never moves), commits its rows and asks for no third page.
func TestDrainTimeoutCommitsTheRequestInFlight(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	clock := bctest.NewManualClock(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	o := bcsync.Options{Sets: []bcsync.SetRef{{Name: "customers"}}, Full: true, NoSplit: true, PageSize: 50, Workers: 1,
		DrainTimeout: time.Hour, Clock: clock}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Requests: companies, $metadata, customers page 1, page 2.
	tn.srv.AtRequest(4, func() {
		cancel()
		require.NoError(t, clock.BlockUntil(t.Context(), 1), "the drain waits on the clock")
	})
	third := tn.srv.AtRequest(5, func() { t.Error("a request started after the cancel") })
	defer third()
	summary, err := tn.engine(t, o).Run(ctx)
	require.ErrorIs(t, err, bcsync.ErrInterrupted)
	// A first load is staged: its rows count once it is published.
	require.Equal(t, []bcsync.SetResult{{SetKey: summary.Results[0].SetKey, Requests: 2,
		Duration: 0, Err: summary.Results[0].Err}}, summary.Results)
	require.True(t, summary.Results[0].Interrupted())
	require.Equal(t, int64(100), committedRows(t, tn.dest, "customers"), "both pages were committed")
}

// committedRows sums the rows the checkpoints of set in dest's last run
// committed.
func committedRows(t *testing.T, dest, set string) int64 {
	t.Helper()
	st, err := store.New(dest)
	require.NoError(t, err)
	require.NoError(t, st.Open(t.Context()))
	defer st.Close()
	run, ok, err := st.LastRun(t.Context())
	require.NoError(t, err)
	require.True(t, ok)
	cps, err := st.Checkpoints(t.Context(), run.ID)
	require.NoError(t, err)
	var n int64
	for _, cp := range cps {
		if cp.Set == set {
			n += cp.Rows
		}
	}
	return n
}

// TestSetupErrorsNameTheirStep: each setup failure is a *SetupError with
// its step, and a Run that fails its setup creates no store.
func TestSetupErrorsNameTheirStep(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		secret string
		o      bcsync.Options
		step   bcsync.SetupStep
		msg    string
	}{
		{"bad credentials", "not-the-secret", bcsync.Options{Profile: "mosaic"}, bcsync.StepCredentials, "listing companies: "},
		{"unknown company", "", bcsync.Options{Profile: "mosaic", Companies: []string{"Nobody Ltd"}}, bcsync.StepCompanySelection,
			`no company named or with id "Nobody Ltd"; the environment has `},
		{"unknown set", "", bcsync.Options{Sets: []bcsync.SetRef{{Name: "custmers"}}}, bcsync.StepPlan, `unknown entity set "custmers" on /api/v2.0`},
		{"unreadable custom route", "", bcsync.Options{Sets: []bcsync.SetRef{{Name: "jobTasks", Route: "api/x/y/v1.0"}}}, bcsync.StepMetadata,
			"reading the $metadata of /api/x/y/v1.0: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := newTenant(t, tt.secret)
			_, err := tn.engine(t, tt.o).Plan(t.Context())
			var setup *bcsync.SetupError
			require.ErrorAs(t, err, &setup)
			require.Equal(t, tt.step, setup.Step)
			require.Contains(t, err.Error(), tt.msg)
			require.NotContains(t, err.Error(), "--")

			_, err = tn.engine(t, tt.o).Run(t.Context())
			require.ErrorAs(t, err, &setup)
			require.Equal(t, tt.step, setup.Step)
			require.NoFileExists(t, tn.dest[len("sqlite:"):])
		})
	}
}

// observed records an Observer's calls.
type observed struct {
	mu    sync.Mutex
	calls []string
}

func (o *observed) add(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, fmt.Sprintf(format, args...))
}

func (o *observed) SetPlanned(k bcsync.SetKey, est int64) {
	o.add("planned %s %s %d", k.Company.Name, k.Set, est)
}
func (o *observed) PageCommitted(k bcsync.SetKey, rows int64) {
	o.add("committed %s %s %d", k.Company.Name, k.Set, rows)
}
func (o *observed) SetFinished(r bcsync.SetResult) {
	o.add("finished %s %s inserted=%d requests=%d err=%v", r.Company.Name, r.Set, r.Counts.Inserted, r.Requests, r.Err)
}

// TestObserverSeesPlannedCommittedFinished syncs the 120 customers of one
// company in pages of 50: the Observer hears the set planned, each page
// after its commit, and the set finished, in that order.
func TestObserverSeesPlannedCommittedFinished(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	obs := &observed{}
	o := bcsync.Options{Sets: []bcsync.SetRef{{Name: "customers"}}, Full: true, NoSplit: true, PageSize: 50, Observer: obs}
	e := tn.engine(t, o)
	p, err := e.Plan(t.Context())
	require.NoError(t, err)
	co := p.Companies[0].Name
	require.Equal(t, []bcsync.PlannedSet{{Route: bc.StandardRoute, Name: "customers", Table: "customers", Incremental: true}}, p.Sets)
	summary, err := e.Run(t.Context())
	require.NoError(t, err)
	require.Equal(t, []string{"companies", "customers"}, summary.Tables())
	require.Equal(t, []string{
		"planned " + co + " customers -1",
		"committed " + co + " customers 50",
		"committed " + co + " customers 50",
		"committed " + co + " customers 20",
		"finished " + co + " customers inserted=120 requests=3 err=<nil>",
	}, obs.calls)
}

// TestNewRefusesBadOptions: New checks the options without I/O and says
// what to change, in the options' own terms.
func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	st, err := store.New(tn.dest)
	require.NoError(t, err)
	for _, tt := range []struct {
		o    bcsync.Options
		want string
	}{
		{bcsync.Options{}, "neither Profile nor Sets say what to sync"},
		{bcsync.Options{Profile: "everything"}, `Profile "everything" is not one of mosaic, finance, all`},
		{bcsync.Options{Sets: []bcsync.SetRef{{Name: "jobTasks", Route: "api/x"}}}, "Sets: a custom route is written set@/api/{publisher}/{group}/{version}"},
		{bcsync.Options{Sets: []bcsync.SetRef{{Route: bc.StandardRoute}}}, "Sets: has no entity set name"},
		{bcsync.Options{Profile: "mosaic", Full: true, Since: time.Now()}, "Full and Since contradict each other: a full read reads everything"},
		{bcsync.Options{Profile: "mosaic", PageSize: 20001}, "PageSize 20001 is not from 1 to 20000 (BC's largest page)"},
		{bcsync.Options{Profile: "mosaic", Workers: -1}, "Workers -1 cannot be negative"},
		{bcsync.Options{Profile: "mosaic", DrainTimeout: -time.Second}, "Overlap and DrainTimeout cannot be negative"},
	} {
		_, err := bcsync.New(tn.client, st, tt.o)
		require.EqualError(t, err, tt.want)
	}
	_, err = bcsync.New(nil, st, bcsync.Options{Profile: "mosaic"})
	require.EqualError(t, err, "bcsync.New needs a client and a store")
	require.NoFileExists(t, tn.dest[len("sqlite:"):])
	require.False(t, errors.Is(err, bcsync.ErrInterrupted))
}
