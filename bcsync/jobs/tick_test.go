package jobs

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// TestDueSyncsQueuesRenewals: the tick queues a tenant whose webhook
// subscriptions fall due for renewal although its schedule has not come
// round, and only from that moment.
func TestDueSyncsQueuesRenewals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "jobs.db"))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Migrate(ctx))
	clock := bctest.NewManualClock(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC))
	cfg, err := Config{DB: db, Clock: clock}.withDefaults()
	require.NoError(t, err)
	base := Tenant{EntraTenant: "e", ClientID: "c", SecretRef: "env:S", Environment: "E", Profile: "mosaic", Every: 100 * time.Hour, Store: "sqlite:x.db", Enabled: true}
	hooked, plain := base, base
	hooked.Name, hooked.NotificationURL = "hooked", "https://hooks.example.com/bc"
	plain.Name = "plain"
	for _, tn := range []Tenant{hooked, plain} {
		require.NoError(t, db.Registry().Add(ctx, tn))
		_, err := db.beginRun(ctx, Run{Tenant: tn.Name, Principal: tn.Key(), Mode: "incremental", Started: clock.Now()})
		require.NoError(t, err)
	}
	require.NoError(t, db.recordSubscriptions(ctx, "hooked", []Subscription{{ID: "s1", Resource: "api/v2.0/companies(x)/customers", NotificationURL: hooked.NotificationURL, Expires: clock.Now().Add(72 * time.Hour)}}))
	queued := func() []string {
		params, err := dueSyncs(ctx, cfg)
		require.NoError(t, err)
		var names []string
		for _, p := range params {
			names = append(names, p.Args.(SyncEnvironment).Tenant)
		}
		return names
	}
	clock.Advance(48*time.Hour - time.Second)
	require.Empty(t, queued())
	clock.Advance(time.Second) // 24h before the expiry
	require.Equal(t, []string{"hooked"}, queued())
	clock.Advance(52 * time.Hour) // 100h after the last runs
	require.Equal(t, []string{"hooked", "plain"}, queued())
}
