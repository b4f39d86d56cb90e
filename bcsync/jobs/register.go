package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
)

// Register adds the workers of SyncEnvironment and Tick to workers, for a
// service that runs River itself, and returns the periodic tick to put in
// its river.Config.PeriodicJobs. TTx is the transaction type of the
// service's River driver (pgx.Tx for riverpgxv5, *sql.Tx for riversqlite);
// the tick inserts through the client running it.
func Register[TTx any](workers *river.Workers, cfg Config) ([]*river.PeriodicJob, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	var locks principalLocks = &mutexLocks{}
	if cfg.DB.Postgres() {
		locks = advisoryLocks{cfg.DB.locks}
	}
	if err := river.AddWorkerSafely(workers, &syncWorker{cfg: cfg, locks: locks}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &tickWorker[TTx]{cfg: cfg}); err != nil {
		return nil, err
	}
	tick := river.NewPeriodicJob(river.PeriodicInterval(cfg.TickEvery),
		func() (river.JobArgs, *river.InsertOpts) { return Tick{}, nil },
		&river.PeriodicJobOpts{ID: KindTick, RunOnStart: true})
	return []*river.PeriodicJob{tick}, nil
}

// tickWorker inserts a SyncEnvironment job for every enabled tenant that
// is due. Uniqueness absorbs the tenants whose job is still queued or
// running.
type tickWorker[TTx any] struct {
	river.WorkerDefaults[Tick]
	cfg Config
}

func (w *tickWorker[TTx]) Work(ctx context.Context, _ *river.Job[Tick]) error {
	params, err := dueSyncs(ctx, w.cfg)
	if err != nil || len(params) == 0 {
		return err
	}
	client, err := river.ClientFromContextSafely[TTx](ctx)
	if err != nil {
		return err
	}
	_, err = client.InsertMany(ctx, params)
	return err
}

// dueSyncs are the jobs of the tenants due now.
func dueSyncs(ctx context.Context, cfg Config) ([]river.InsertManyParams, error) {
	reg := cfg.DB.Registry()
	tenants, err := reg.List(ctx)
	if err != nil {
		return nil, err
	}
	starts, err := cfg.DB.lastStarts(ctx)
	if err != nil {
		return nil, err
	}
	subs, err := cfg.DB.subscriptions(ctx, "")
	if err != nil {
		return nil, err
	}
	byTenant := map[string][]Subscription{}
	for _, s := range subs {
		byTenant[s.Tenant] = append(byTenant[s.Tenant], s)
	}
	now := cfg.Clock.Now()
	var params []river.InsertManyParams
	for _, t := range tenants {
		if due(t, starts[t.Name], renewAt(t, byTenant[t.Name], cfg.RenewBefore), now) {
			params = append(params, river.InsertManyParams{Args: SyncArgs(t)})
		}
	}
	return params, nil
}

// Client is what a program does with a River client of either driver:
// River's *Client[pgx.Tx] and *Client[*sql.Tx] both have these methods.
type Client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Stopped() <-chan struct{}
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// NewClient returns a River client on the jobs database running this
// package's workers and tick, with rc's other settings (queues, intervals,
// timeouts). rc.Queues defaults to the default queue with 10 workers.
func NewClient(cfg Config, rc river.Config) (Client, error) {
	if cfg.DB == nil {
		return nil, fmt.Errorf("jobs: Config.DB is needed")
	}
	if rc.Queues == nil {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}}
	}
	if rc.Workers == nil {
		rc.Workers = river.NewWorkers()
	}
	if cfg.DB.Postgres() {
		return newClient[pgx.Tx](riverpgxv5.New(cfg.DB.Pool), cfg, rc)
	}
	return newClient[*sql.Tx](riversqlite.New(cfg.DB.SQL), cfg, rc)
}

func newClient[TTx any](driver riverdriver.Driver[TTx], cfg Config, rc river.Config) (Client, error) {
	tick, err := Register[TTx](rc.Workers, cfg)
	if err != nil {
		return nil, err
	}
	rc.PeriodicJobs = append(rc.PeriodicJobs, tick...)
	return river.NewClient(driver, &rc)
}
