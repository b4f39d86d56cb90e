// Package jobs runs scheduled syncs of many tenants as River jobs
// (github.com/riverqueue/river): one SyncEnvironment job per tenant, a
// periodic Tick that inserts the syncs that are due, and a registry of
// tenants in the jobs database, which holds references to their secrets,
// never the secrets.
//
// The jobs database is SQLite for one process (embedded, nothing to
// install) or PostgreSQL for any number of processes and machines. BC
// limits requests per principal (5 at once), so the runs of the tenants
// that share an (Entra tenant, client id) take turns: a PostgreSQL
// advisory lock held on a connection of its own across processes, an
// in-process lock on SQLite; a job that finds its principal busy snoozes.
//
// A run's failure is classified for River: a 429 that outlasted the
// client's retries snoozes for Retry-After, a setup failure cancels the
// job and marks the tenant as needing attention with the doctor's step
// and fix, and anything else is retried by River, resuming from the
// engine's checkpoints.
//
// Open the database, Migrate it, fill the Registry, then NewClient (or
// Register, for a service that runs River itself) and Start.
package jobs
