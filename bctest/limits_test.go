package bctest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

func TestAtRequestRunsAtTheChosenRequests(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 1)
	c := srv.Client()
	var ran []string
	srv.AtRequest(2, func() { ran = append(ran, fmt.Sprint("second at ", srv.Stats().Requests)) })
	srv.AtRequest(2, func() { ran = append(ran, "armed later, same request") })
	srv.AtRequest(0, func() { ran = append(ran, fmt.Sprint("next at ", srv.Stats().Requests)) })
	for range 3 {
		_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
		require.NoError(t, err)
	}
	require.Equal(t, []string{"next at 1", "second at 2", "armed later, same request"}, ran)
}

func TestConcurrencyLimitQueuesThenThrottles(t *testing.T) {
	t.Parallel()
	model := ServiceModel{Base: 40 * time.Millisecond, Scale: 1}
	srv, co := newCustomers(t, 2, WithServiceModel(model))
	c := srv.Client(bc.WithMaxConcurrency(20), bc.WithRetryPolicy(fastPolicy()))
	var wg sync.WaitGroup
	for range 15 {
		wg.Go(func() {
			_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
			require.NoError(t, err)
		})
	}
	wg.Wait()
	st := srv.Stats()
	require.Equal(t, int64(5), st.MaxInFlight, "BC processes 5 requests at once per principal")
	require.Positive(t, st.Queued)
	require.Zero(t, st.Throttled)

	small := Limits{Concurrency: 1, Queue: 1}
	srv2, co2 := newCustomers(t, 1, WithServiceModel(model), WithLimits(small))
	p := fastPolicy()
	p.MaxAttempts = 1
	c2 := srv2.Client(bc.WithMaxConcurrency(10), bc.WithRetryPolicy(p))
	var throttled int
	var mu sync.Mutex
	for range 6 {
		wg.Go(func() {
			_, err := sets.For(c2.Company(co2.ID)).Customers().List(nil).Collect(t.Context())
			if errors.Is(err, bc.ErrThrottled) {
				mu.Lock()
				throttled++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Positive(t, throttled, "past the queue BC answers 429")
	require.Equal(t, int64(throttled), srv2.Stats().Throttled)
}

func TestRequestBudget(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 1, WithLimits(Limits{Concurrency: 5, Queue: 95, Budget: 3, Window: time.Hour, RetryAfter: time.Hour}))
	c := srv.Client(bc.WithRetryPolicy(fastPolicy()))
	for range 3 {
		_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
		require.NoError(t, err)
	}
	_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 429, apiErr.StatusCode)
	require.Equal(t, time.Hour, apiErr.RetryAfter)
}

func TestFaultsAreAbsorbedByTheClient(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 400, WithFaults(Faults{Seed: 3, Throttle: 0.1, ThrottleBare: 0.05, Unavailable: 0.05, GatewayTimeout: 0.05, Reset: 0.1, Truncate: 0.1, RetryAfter: time.Millisecond}))
	c := srv.Client(bc.WithRetryPolicy(fastPolicy()))
	got, err := sets.For(c.Company(co.ID)).Customers().List(odata.New().MaxPageSize(10)).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 400)
	ids := map[string]bool{}
	for _, cu := range got {
		ids[cu.ID] = true
	}
	require.Len(t, ids, 400)
	st := srv.Stats()
	require.GreaterOrEqual(t, len(st.FaultKinds()), 5, "%v", st.Faults)
	require.Equal(t, st.FaultTotal(), c.Stats().Retries, "every fault cost exactly one retry")
}

func TestServiceModelFloor(t *testing.T) {
	t.Parallel()
	model := ServiceModel{Base: 20 * time.Millisecond, BytesPerSecond: 1e6, Scale: 1}
	srv, co := newCustomers(t, 40, WithServiceModel(model))
	c := srv.Client()
	start := time.Now()
	_, err := sets.For(c.Company(co.ID)).Customers().List(odata.New().MaxPageSize(10)).Collect(t.Context())
	require.NoError(t, err)
	elapsed := time.Since(start)
	st := srv.Stats()
	want := 4*20*time.Millisecond + time.Duration(float64(st.Bytes)/1e6*float64(time.Second))
	require.InDelta(t, float64(want), float64(st.ServiceTime), float64(time.Millisecond))
	require.Equal(t, st.ServiceTime/5, st.Floor)
	require.GreaterOrEqual(t, elapsed, st.ServiceTime, "a sequential client cannot beat the sum of service times")
}
