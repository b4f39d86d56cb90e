package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync"
)

// Tenant is one BC environment the registry syncs: whose app reads it,
// where its secret is found (never the secret), what is read, how often,
// and into which store.
type Tenant struct {
	// Name is the registry's key, e.g. "contoso-prod".
	Name string
	// EntraTenant and ClientID are the Entra tenant and the app; BC's
	// request limits are per principal, so runs are capped per pair.
	EntraTenant, ClientID string
	// SecretRef finds the client secret: env:NAME, file:PATH or the scheme
	// of a SecretProvider.
	SecretRef   string
	Environment string
	// Profile is one of bcsync.Profiles.
	Profile string
	// Every is the time between incremental syncs.
	Every time.Duration
	// ReconcileAt is the time of day (UTC, "15:04") after which the first
	// sync of a day reconciles deletions; "" never reconciles.
	ReconcileAt string
	// Store is the destination (as bcsync/store.New takes it).
	Store string
	// BaseURL and TokenURL point elsewhere than BC online and Entra (a
	// fake, a sovereign cloud); "" for the defaults.
	BaseURL, TokenURL string
	// NotificationURL is where BC posts the changes of the tenant's webhook
	// subscriptions (a receiver that answers BC's validation handshake and
	// queues the tenant's sync); the jobs create and renew one subscription
	// per company × subscribable set of the profile. "" keeps none.
	NotificationURL string
	Enabled         bool
	// Attention is set when the tenant's setup failed: its syncs stop until
	// it is fixed and the tenant is enabled again (Registry.Enable).
	Attention *Attention
}

// Attention is what an operator must fix: the doctor's failing step, what
// it found and the fix.
type Attention struct {
	Step, Detail, Fix string
	At                time.Time
}

// Key is the principal whose request limits a run consumes.
func (t Tenant) Key() string { return t.EntraTenant + "/" + t.ClientID }

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// check says what is wrong with t, one line per field.
func (t Tenant) check() error {
	var errs []error
	if !namePattern.MatchString(t.Name) {
		errs = append(errs, fmt.Errorf("tenant name %q: use letters, digits, '.', '_' and '-' (at most 63)", t.Name))
	}
	if t.EntraTenant == "" || t.ClientID == "" || t.Environment == "" {
		errs = append(errs, errors.New("the Entra tenant, the client id and the environment are all needed"))
	}
	if err := CheckSecretRef(t.SecretRef); err != nil {
		errs = append(errs, err)
	}
	if !slices.Contains(bcsync.Profiles(), t.Profile) {
		errs = append(errs, fmt.Errorf("profile %q is not one of %s", t.Profile, strings.Join(bcsync.Profiles(), ", ")))
	}
	if t.Every <= 0 {
		errs = append(errs, fmt.Errorf("every %v: the time between syncs must be positive", t.Every))
	}
	if t.ReconcileAt != "" {
		if _, err := time.Parse("15:04", t.ReconcileAt); err != nil {
			errs = append(errs, fmt.Errorf("reconcile at %q: write a time of day as 15:04 (UTC)", t.ReconcileAt))
		}
	}
	if t.Store == "" {
		errs = append(errs, errors.New("no store: give a destination such as sqlite:PATH"))
	}
	if u, err := url.Parse(t.NotificationURL); t.NotificationURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		errs = append(errs, errors.New("the notification URL must be an absolute https:// (or http://) URL that BC can reach"))
	}
	return errors.Join(errs...)
}

// Registry is the tenant registry in the jobs database.
type Registry struct{ db *DB }

// Registry returns the registry of the jobs database.
func (db *DB) Registry() *Registry { return &Registry{db} }

// ErrUnknownTenant is the error for a tenant the registry does not have.
var ErrUnknownTenant = errors.New("unknown tenant")

const tenantColumns = "name, entra_tenant, client_id, secret_ref, environment, profile, every_us, reconcile_at, store, base_url, token_url, notification_url, enabled, attention_step, attention_detail, attention_fix, attention_at"

// Add adds t, or replaces the tenant of that name (clearing its
// attention).
func (r *Registry) Add(ctx context.Context, t Tenant) error {
	if err := t.check(); err != nil {
		return err
	}
	_, err := r.db.exec(ctx, `DELETE FROM bcsync_tenants WHERE name = ?`, t.Name)
	if err == nil {
		_, err = r.db.exec(ctx, "INSERT INTO bcsync_tenants ("+tenantColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', 0)",
			t.Name, t.EntraTenant, t.ClientID, t.SecretRef, t.Environment, t.Profile, t.Every.Microseconds(), t.ReconcileAt, t.Store, t.BaseURL, t.TokenURL, t.NotificationURL, t.Enabled)
	}
	if err != nil {
		return fmt.Errorf("adding tenant %s: %w", t.Name, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanTenant(s scanner) (Tenant, error) {
	var t Tenant
	var every, at int64
	var a Attention
	err := s.Scan(&t.Name, &t.EntraTenant, &t.ClientID, &t.SecretRef, &t.Environment, &t.Profile, &every, &t.ReconcileAt, &t.Store, &t.BaseURL, &t.TokenURL, &t.NotificationURL, &t.Enabled, &a.Step, &a.Detail, &a.Fix, &at)
	t.Every = time.Duration(every) * time.Microsecond
	if a.Step != "" {
		a.At = time.UnixMicro(at).UTC()
		t.Attention = &a
	}
	return t, err
}

// Get returns the tenant name; ErrUnknownTenant if there is none.
func (r *Registry) Get(ctx context.Context, name string) (Tenant, error) {
	t, err := scanTenant(r.db.queryRow(ctx, "SELECT "+tenantColumns+" FROM bcsync_tenants WHERE name = ?", name))
	if isNoRows(err) {
		return Tenant{}, fmt.Errorf("%w %q: add it to the registry first", ErrUnknownTenant, name)
	}
	return t, err
}

// List returns every tenant, by name.
func (r *Registry) List(ctx context.Context) ([]Tenant, error) {
	rows, err := r.db.query(ctx, "SELECT "+tenantColumns+" FROM bcsync_tenants ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Enable enables or disables the tenant name. Enabling clears its
// attention: the operator says it is fixed.
func (r *Registry) Enable(ctx context.Context, name string, on bool) error {
	q := "UPDATE bcsync_tenants SET enabled = ? WHERE name = ?"
	if on {
		q = "UPDATE bcsync_tenants SET enabled = ?, attention_step = '', attention_detail = '', attention_fix = '', attention_at = 0 WHERE name = ?"
	}
	return r.update(ctx, name, q, on, name)
}

// markAttention records what must be fixed and disables the tenant.
func (r *Registry) markAttention(ctx context.Context, name string, a Attention) error {
	return r.update(ctx, name, "UPDATE bcsync_tenants SET enabled = ?, attention_step = ?, attention_detail = ?, attention_fix = ?, attention_at = ? WHERE name = ?",
		false, a.Step, a.Detail, a.Fix, a.At.UnixMicro(), name)
}

func (r *Registry) update(ctx context.Context, name, q string, args ...any) error {
	res, err := r.db.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%w %q", ErrUnknownTenant, name)
	}
	return nil
}

// migrateRegistry creates the registry's tables.
func (db *DB) migrateRegistry(ctx context.Context) error {
	id := "INTEGER PRIMARY KEY AUTOINCREMENT"
	if db.Postgres() {
		id = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
	}
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.Postgres() {
		// CREATE … IF NOT EXISTS races with itself; processes starting
		// together take turns.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('bcsync_jobs_migrate'))"); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS bcsync_tenants (
			name TEXT PRIMARY KEY, entra_tenant TEXT NOT NULL, client_id TEXT NOT NULL, secret_ref TEXT NOT NULL,
			environment TEXT NOT NULL, profile TEXT NOT NULL, every_us BIGINT NOT NULL, reconcile_at TEXT NOT NULL,
			store TEXT NOT NULL, base_url TEXT NOT NULL, token_url TEXT NOT NULL, notification_url TEXT NOT NULL DEFAULT '', enabled BOOLEAN NOT NULL,
			attention_step TEXT NOT NULL, attention_detail TEXT NOT NULL, attention_fix TEXT NOT NULL, attention_at BIGINT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS bcsync_runs (
			id ` + id + `, tenant TEXT NOT NULL, principal TEXT NOT NULL, job_id BIGINT NOT NULL, attempt INTEGER NOT NULL,
			mode TEXT NOT NULL, started_us BIGINT NOT NULL, finished_us BIGINT NOT NULL, status TEXT NOT NULL,
			rows_synced BIGINT NOT NULL, requests BIGINT NOT NULL, throttled BIGINT NOT NULL, error TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS bcsync_runs_tenant ON bcsync_runs (tenant, started_us)`,
		`CREATE TABLE IF NOT EXISTS bcsync_subscriptions (
			tenant TEXT NOT NULL, subscription_id TEXT NOT NULL, resource TEXT NOT NULL,
			notification_url TEXT NOT NULL, expires_us BIGINT NOT NULL, PRIMARY KEY (tenant, subscription_id))`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	// Registries made before the tenants had a notification URL.
	if err := db.addColumn(ctx, tx, "bcsync_tenants", "notification_url", "TEXT NOT NULL DEFAULT ''"); err != nil {
		return err
	}
	return tx.Commit()
}

// addColumn adds a column to a table that lacks it.
func (db *DB) addColumn(ctx context.Context, tx *sql.Tx, table, column, def string) error {
	q := "SELECT COUNT(*) FROM pragma_table_info('" + table + "') WHERE name = ?"
	if db.Postgres() {
		q = "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '" + table + "' AND column_name = ?"
	}
	var n int
	if err := tx.QueryRowContext(ctx, db.rebind(q), column).Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := tx.ExecContext(ctx, "ALTER TABLE "+table+" ADD COLUMN "+column+" "+def)
	return err
}
