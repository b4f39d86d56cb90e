package jobs

import (
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

// TestPickMode covers each rule of decideMode.
func TestPickMode(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	yesterday := now.Add(-24 * time.Hour)
	for _, c := range []struct {
		name       string
		last       store.Run
		ok         bool
		at         string
		reconciled time.Time
		renew      bool
		want       mode
	}{
		{name: "no run yet", want: modeFull},
		{name: "first load interrupted", last: store.Run{Mode: "full", Status: "interrupted"}, ok: true, want: modeFull},
		{name: "first load killed", last: store.Run{Mode: "full", Status: "running"}, ok: true, want: modeFull},
		{name: "first load failed", last: store.Run{Mode: "full", Status: "failed"}, ok: true, want: modeFull},
		{name: "reconcile interrupted", last: store.Run{Mode: "incremental", Status: "interrupted", Plan: "mode=incremental since=x reconcile=true"}, ok: true, at: "23:00", reconciled: now, want: modeReconcile},
		{name: "incremental interrupted", last: store.Run{Mode: "incremental", Status: "running", Plan: "mode=incremental reconcile=false"}, ok: true, at: "02:00", want: modeIncremental},
		{name: "after the first load", last: store.Run{Mode: "full", Status: "ok"}, ok: true, want: modeIncremental},
		{name: "reconcile due", last: store.Run{Mode: "incremental", Status: "ok"}, ok: true, at: "02:00", reconciled: yesterday, want: modeReconcile},
		{name: "reconciled today", last: store.Run{Mode: "incremental", Status: "ok"}, ok: true, at: "02:00", reconciled: now.Add(-30 * time.Minute), want: modeIncremental},
		{name: "before the reconcile time", last: store.Run{Mode: "incremental", Status: "ok"}, ok: true, at: "04:00", reconciled: yesterday, want: modeIncremental},
		{name: "renewal due", last: store.Run{Mode: "incremental", Status: "ok"}, ok: true, renew: true, want: modeRenew},
		{name: "renewal before the reconcile", last: store.Run{Mode: "incremental", Status: "ok"}, ok: true, at: "02:00", reconciled: yesterday, renew: true, want: modeRenew},
		{name: "first load before the renewal", renew: true, want: modeFull},
		{name: "a resumed run before the renewal", last: store.Run{Mode: "incremental", Status: "interrupted", Plan: "mode=incremental reconcile=false"}, ok: true, renew: true, want: modeIncremental},
	} {
		require.Equal(t, c.want, pickMode(c.last, c.ok, c.at, c.reconciled, c.renew, now), c.name)
	}
}

// TestRenewalDue covers when a tenant's subscriptions need a renew run, and
// when the tick must queue one however long the tenant's schedule.
func TestRenewalDue(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	const url = "https://hooks.example.com/bc"
	tn := Tenant{Name: "a", NotificationURL: url, Enabled: true, Every: 100 * time.Hour}
	fresh := []Subscription{{ID: "1", NotificationURL: url, Expires: now.Add(72 * time.Hour)}, {ID: "2", NotificationURL: url, Expires: now.Add(30 * time.Hour)}}
	for _, c := range []struct {
		name string
		t    Tenant
		subs []Subscription
		want bool
	}{
		{"no notification URL: never", Tenant{Name: "a"}, nil, false},
		{"no notification URL, old record: never", Tenant{Name: "a"}, []Subscription{{Expires: now}}, false},
		{"none yet: create them", tn, nil, true},
		{"all fresh", tn, fresh, false},
		{"one within a day of expiry", tn, append(fresh, Subscription{ID: "3", NotificationURL: url, Expires: now.Add(24 * time.Hour)}), true},
		{"one expired", tn, append(fresh, Subscription{ID: "3", NotificationURL: url, Expires: now.Add(-time.Hour)}), true},
		{"one posting elsewhere", tn, append(fresh, Subscription{ID: "3", NotificationURL: "https://old.example.com", Expires: now.Add(72 * time.Hour)}), true},
	} {
		require.Equal(t, c.want, renewalDue(c.t, c.subs, 24*time.Hour, now), c.name)
	}
	at := renewAt(tn, fresh, 24*time.Hour)
	require.Equal(t, now.Add(6*time.Hour), at)
	require.Equal(t, time.Time{}, renewAt(Tenant{Name: "a"}, fresh, 24*time.Hour))
	lastStart := now.Add(-time.Hour)
	require.False(t, due(tn, lastStart, at, now.Add(6*time.Hour-time.Second)))
	require.True(t, due(tn, lastStart, at, now.Add(6*time.Hour)), "the renewal makes it due before its 100h schedule")
	require.False(t, due(Tenant{Name: "a", Every: 100 * time.Hour}, lastStart, at, now.Add(7*time.Hour)), "a disabled tenant is never due")
}

// TestTenantCheck lists every wrong field, and never echoes what was put
// where a secret reference belongs.
func TestTenantCheck(t *testing.T) {
	t.Parallel()
	err := Tenant{Name: "bad name", SecretRef: "pa$$word", Profile: "sales", ReconcileAt: "2am"}.check()
	require.EqualError(t, err, `tenant name "bad name": use letters, digits, '.', '_' and '-' (at most 63)
the Entra tenant, the client id and the environment are all needed
the secret reference is not env:NAME, file:PATH or a provider's scheme:NAME (the registry never holds the secret itself)
profile "sales" is not one of mosaic, finance, all
every 0s: the time between syncs must be positive
reconcile at "2am": write a time of day as 15:04 (UTC)
no store: give a destination such as sqlite:PATH`)
	require.NotContains(t, err.Error(), "pa$$word")
}
