package bctest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPlayDemoUser: each interval on the server's clock the demo user adds
// one customer (DEMO-n) and renames the first; after stop no timer is left.
func TestPlayDemoUser(t *testing.T) {
	t.Parallel()
	clock := NewManualClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	srv := NewDemoServer(DemoConfig{Seed: 3, Companies: 1, GLEntries: 10}, WithClock(clock))
	defer srv.Close()
	co := srv.Tenant().Companies()[0]
	before := co.Count("customers")
	reports := make(chan error, 1)
	stop := srv.PlayDemoUser(10*time.Second, func(company string, err error) {
		require.Equal(t, co.Name, company)
		reports <- err
	})
	for n := 1; n <= 2; n++ {
		require.NoError(t, clock.BlockUntil(t.Context(), 1))
		clock.Advance(10 * time.Second)
		require.NoError(t, <-reports)
		require.Equal(t, before+n, co.Count("customers"))
	}
	var first map[string]string
	co.Each("customers", func(r map[string]string) bool { first = r; return false })
	require.Equal(t, "Renamed in the demo (2)", first["displayName"])
	require.NoError(t, clock.BlockUntil(t.Context(), 1))
	stop()
	require.Zero(t, clock.Waiters(), "stop cancels the next change")
}
