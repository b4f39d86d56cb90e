package bctest

import (
	"context"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

func TestManualClockFiresWhatFallsDueInOrder(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 9, 29, 9, 0, 0, 0, time.UTC)
	clk := NewManualClock(start)
	var _ bc.Clock = clk // it drives a bc.Renewer too
	fired := make(chan string, 3)
	clk.AfterFunc(2*time.Minute, func() { fired <- "2m" })
	stop := clk.AfterFunc(3*time.Minute, func() { fired <- "3m" })
	after := clk.After(time.Minute)
	require.Equal(t, 3, clk.Waiters())

	clk.Advance(59 * time.Second)
	require.Equal(t, start.Add(59*time.Second), clk.Now())
	require.Equal(t, 3, clk.Waiters(), "nothing is due yet")
	clk.Advance(time.Minute + time.Second)
	require.Equal(t, start.Add(2*time.Minute), <-after)
	require.Equal(t, "2m", <-fired)
	require.True(t, stop(), "stopped before it was due")
	require.False(t, stop(), "stopped once")
	require.Zero(t, clk.Waiters())
	clk.Advance(time.Hour)
	require.Empty(t, fired)

	clk.Set(start) // never backwards
	require.Equal(t, start.Add(time.Hour+2*time.Minute), clk.Now())
	require.Equal(t, clk.Now(), <-clk.After(0), "a wait of zero is over at once")
}

func TestManualClockBlockUntilWaitsForWaiters(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(time.Date(2025, 9, 29, 9, 0, 0, 0, time.UTC))
	go func() { <-clk.After(time.Second) }()
	require.NoError(t, clk.BlockUntil(t.Context(), 1))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.ErrorIs(t, clk.BlockUntil(ctx, 2), context.Canceled)
}

// The fake's clock dates responses, tokens, row changes and the request
// budget's window.
func TestTheFakeTellsTimeByItsClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 9, 29, 9, 0, 0, 0, time.UTC)
	clk := NewManualClock(start)
	srv, co := newCustomers(t, 1, WithClock(clk), WithLimits(Limits{Budget: 2, Window: time.Minute}))
	c := srv.Client(bc.WithRetryPolicy(bc.RetryPolicy{MaxAttempts: 1}))
	customers := sets.For(c.Company(co.ID)).Customers()

	page, err := customers.List(nil).NextPage(t.Context())
	require.NoError(t, err)
	require.Equal(t, "Mon, 29 Sep 2025 09:00:00 GMT", page.Response.Header.Get("Date"))
	row, err := co.Insert("customers", map[string]any{"number": "N"})
	require.NoError(t, err)
	require.Equal(t, "2025-09-29T09:00:00Z", row["lastModifiedDateTime"])

	_, err = customers.List(nil).Collect(t.Context())
	require.NoError(t, err)
	_, err = customers.List(nil).Collect(t.Context())
	require.ErrorIs(t, err, bc.ErrThrottled, "the budget of 2 per minute is spent")
	clk.Advance(time.Minute)
	_, err = customers.List(nil).Collect(t.Context())
	require.NoError(t, err, "a new window")
	require.Zero(t, srv.Stats().ExpiredTokens)

	clk.Advance(time.Hour) // the tokens' lifetime
	_, err = customers.List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens, "the token issued at 09:00 ended at 10:00")
}
