package jobs

import (
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// KindSyncEnvironment and KindTick are the job kinds of this package.
const (
	KindSyncEnvironment = "bcsync_sync_environment"
	KindTick            = "bcsync_tick"
)

// SyncEnvironment syncs one tenant's BC environment. The registry is
// authoritative (a job carries no secret, only who and what); the mode —
// first load, incremental, the nightly reconcile, or a renewal of the
// webhook subscriptions — is decided from the store's state and the
// subscriptions' record when the job runs.
type SyncEnvironment struct {
	// Tenant is the registry's name; one job per tenant is queued at a time.
	Tenant      string `json:"tenant" river:"unique"`
	EntraTenant string `json:"entra_tenant"`
	ClientID    string `json:"client_id"`
	Environment string `json:"environment"`
	Profile     string `json:"profile"`
}

// Kind is the job's kind.
func (SyncEnvironment) Kind() string { return KindSyncEnvironment }

// uniqueStates are the states in which a tenant's job absorbs another
// insert: queued, waiting to retry, or running.
var uniqueStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

// InsertOpts makes a tenant's jobs unique: an insert while one is queued,
// retrying or running is skipped (JobInsertResult.UniqueSkippedAsDuplicate),
// whoever inserts it — the tick, a webhook, an operator.
func (SyncEnvironment) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: uniqueStates}}
}

// SyncArgs are the job args that sync t.
func SyncArgs(t Tenant) SyncEnvironment {
	return SyncEnvironment{Tenant: t.Name, EntraTenant: t.EntraTenant, ClientID: t.ClientID, Environment: t.Environment, Profile: t.Profile}
}

// Tick inserts the syncs that are due; it runs periodically on River's
// elected leader.
type Tick struct{}

// Kind is the job's kind.
func (Tick) Kind() string { return KindTick }

// InsertOpts keeps one tick queued at a time.
func (Tick) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: uniqueStates}}
}

// due reports whether t should sync at now, given when its last run
// started (zero: never) and when its webhook subscriptions are due for
// renewal (zero: none): a renewal cannot wait for a long schedule.
func due(t Tenant, lastStart, renewAt, now time.Time) bool {
	return t.Enabled && (lastStart.IsZero() || !now.Before(lastStart.Add(t.Every)) || (!renewAt.IsZero() && !now.Before(renewAt)))
}
