package jobs

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMigrateAddsNotificationURL: a registry made before tenants had a
// notification URL gains the column, and its tenants read back without one.
func TestMigrateAddsNotificationURL(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "jobs.db"))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.exec(ctx, `CREATE TABLE bcsync_tenants (
		name TEXT PRIMARY KEY, entra_tenant TEXT NOT NULL, client_id TEXT NOT NULL, secret_ref TEXT NOT NULL,
		environment TEXT NOT NULL, profile TEXT NOT NULL, every_us BIGINT NOT NULL, reconcile_at TEXT NOT NULL,
		store TEXT NOT NULL, base_url TEXT NOT NULL, token_url TEXT NOT NULL, enabled BOOLEAN NOT NULL,
		attention_step TEXT NOT NULL, attention_detail TEXT NOT NULL, attention_fix TEXT NOT NULL, attention_at BIGINT NOT NULL)`)
	require.NoError(t, err)
	_, err = db.exec(ctx, `INSERT INTO bcsync_tenants VALUES ('old', 'e', 'c', 'env:S', 'E', 'mosaic', 60000000, '', 'sqlite:x.db', '', '', true, '', '', '', 0)`)
	require.NoError(t, err)
	require.NoError(t, db.Migrate(ctx))
	require.NoError(t, db.Migrate(ctx), "a second Migrate finds the column")
	got, err := db.Registry().Get(ctx, "old")
	require.NoError(t, err)
	require.Equal(t, Tenant{Name: "old", EntraTenant: "e", ClientID: "c", SecretRef: "env:S", Environment: "E", Profile: "mosaic", Every: time.Minute, Store: "sqlite:x.db", Enabled: true}, got)
}
