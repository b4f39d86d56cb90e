package gate

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/stretchr/testify/require"
)

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

type meter struct {
	mu                sync.Mutex
	throttled, queued int
	faults            []string
	bytes             int
	service           time.Duration
}

func (m *meter) Throttled() { m.mu.Lock(); m.throttled++; m.mu.Unlock() }
func (m *meter) Queued()    { m.mu.Lock(); m.queued++; m.mu.Unlock() }
func (m *meter) Fault(name string) {
	m.mu.Lock()
	m.faults = append(m.faults, name)
	m.mu.Unlock()
}
func (m *meter) Served(bytes int, d time.Duration) {
	m.mu.Lock()
	m.bytes += bytes
	m.service += d
	m.mu.Unlock()
}

func (m *meter) counts() (throttled, queued int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.throttled, m.queued
}

var epoch = time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)

const queueFull = "The maximum number of concurrent and queued requests for this user has been reached. Please retry later."

func TestAcquireAdmitsFiveQueuesNinetyFiveThenRefuses(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := &meter{}
		g := New(DefaultLimits(), ServiceModel{}, m, &fakeClock{now: epoch})
		ctx := t.Context()

		var running []func()
		for range 5 {
			release, aerr := g.Acquire(ctx, "app")
			require.Nil(t, aerr)
			running = append(running, release)
		}
		var mu sync.Mutex
		admitted := 0
		queuedCtx, cancelQueued := context.WithCancel(ctx)
		var canceled *protocol.Error
		var wg sync.WaitGroup
		for i := range 95 {
			wg.Go(func() {
				c := ctx
				if i == 0 {
					c = queuedCtx
				}
				release, aerr := g.Acquire(c, "app")
				if aerr != nil {
					canceled = aerr
					return
				}
				mu.Lock()
				admitted++
				mu.Unlock()
				release()
			})
		}
		synctest.Wait()
		throttled, queued := m.counts()
		require.Equal(t, 95, queued)
		require.Zero(t, throttled)
		require.Zero(t, admitted, "all 95 wait for one of the 5 slots")

		_, aerr := g.Acquire(ctx, "app")
		require.Equal(t, &protocol.Error{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests", Message: queueFull}, aerr)
		throttled, _ = m.counts()
		require.Equal(t, 1, throttled)

		// Another principal has its own slots.
		release, aerr := g.Acquire(ctx, "other app")
		require.Nil(t, aerr)
		release()

		// A queued request whose caller gives up leaves the queue with 503.
		cancelQueued()
		synctest.Wait()
		require.Equal(t, &protocol.Error{Status: http.StatusServiceUnavailable, Code: "Application_Canceled", Message: "The request was canceled while queued."}, canceled)
		require.Zero(t, admitted)

		// Its place in the queue is free again: one more waits, none is refused.
		wg.Go(func() {
			release, aerr := g.Acquire(ctx, "app")
			if aerr == nil {
				mu.Lock()
				admitted++
				mu.Unlock()
				release()
			}
		})
		synctest.Wait()
		throttled, queued = m.counts()
		require.Equal(t, 1, throttled)
		require.Equal(t, 96, queued)

		for _, r := range running {
			r()
		}
		wg.Wait()
		require.Equal(t, 95, admitted, "94 of the first queue and the late one")
	})
}

func TestAcquireWithoutQueueRefusesTheSixth(t *testing.T) {
	t.Parallel()
	m := &meter{}
	g := New(Limits{Concurrency: 5, RetryAfter: 2 * time.Second}, ServiceModel{}, m, &fakeClock{now: epoch})
	for range 5 {
		_, aerr := g.Acquire(t.Context(), "app")
		require.Nil(t, aerr)
	}
	_, aerr := g.Acquire(t.Context(), "app")
	require.Equal(t, &protocol.Error{Status: 429, Code: "Application_TooManyRequests", Message: queueFull, RetryAfter: 2 * time.Second}, aerr)
	throttled, queued := m.counts()
	require.Equal(t, 1, throttled)
	require.Zero(t, queued)
}

func TestAcquireBudgetSlidesWithTheClock(t *testing.T) {
	t.Parallel()
	m := &meter{}
	clk := &fakeClock{now: epoch}
	g := New(Limits{Budget: 3, Window: time.Minute, RetryAfter: 30 * time.Second}, ServiceModel{}, m, clk)
	acquire := func() *protocol.Error {
		release, aerr := g.Acquire(t.Context(), "app")
		if aerr == nil {
			release()
		}
		return aerr
	}
	require.Nil(t, acquire()) // t=0
	clk.now = epoch.Add(20 * time.Second)
	require.Nil(t, acquire())
	require.Nil(t, acquire())
	want := &protocol.Error{Status: 429, Code: "Application_TooManyRequests",
		Message: "The request rate limit for this user has been exceeded. Please retry later.", RetryAfter: 30 * time.Second}
	require.Equal(t, want, acquire())

	clk.now = epoch.Add(time.Minute - time.Nanosecond)
	require.Equal(t, want, acquire(), "the first request is still inside the window")
	clk.now = epoch.Add(time.Minute)
	require.Nil(t, acquire(), "the first request has left the window; refused ones never entered it")
	require.Equal(t, want, acquire())

	_, aerr := g.Acquire(t.Context(), "other app")
	require.Nil(t, aerr, "the budget is per principal")
	throttled, queued := m.counts()
	require.Equal(t, 3, throttled)
	require.Zero(t, queued)
}

func TestZeroLimitsAdmitEverything(t *testing.T) {
	t.Parallel()
	m := &meter{}
	g := New(Limits{}, ServiceModel{}, m, &fakeClock{now: epoch})
	for range 1000 {
		_, aerr := g.Acquire(t.Context(), "app")
		require.Nil(t, aerr)
	}
	throttled, queued := m.counts()
	require.Zero(t, throttled)
	require.Zero(t, queued)
}

func get(path string) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }

func TestDecideAnswersEachFaultLikeBC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		faults Faults
		method string
		want   Fault
	}{
		{Faults{Throttle: 1, RetryAfter: 3 * time.Second}, http.MethodGet, Fault{Name: "throttle", Before: &protocol.Error{Status: 429,
			Code: "Application_TooManyRequests", Message: "Too many requests. Please retry later.", RetryAfter: 3 * time.Second}}},
		{Faults{ThrottleBare: 1}, http.MethodGet, Fault{Name: "throttle-bare", Before: &protocol.Error{Status: 429,
			Code: "Application_TooManyRequests", Message: "Too many requests. Please retry later."}}},
		{Faults{Unavailable: 1}, http.MethodPost, Fault{Name: "unavailable", Before: &protocol.Error{Status: 503,
			Code: "Internal_ServiceUnavailable", Message: "The service is temporarily unavailable.", RetryAfter: time.Second}}},
		{Faults{GatewayTimeout: 1}, http.MethodPatch, Fault{Name: "gateway-timeout", AfterWrite: true, Before: &protocol.Error{Status: 504,
			Code: "GatewayTimeout", Message: "The gateway did not receive a response in time."}}},
		{Faults{Reset: 1}, http.MethodGet, Fault{Name: "reset", body: "reset"}},
		{Faults{Truncate: 1}, http.MethodGet, Fault{Name: "truncate", body: "truncate"}},
		{Faults{Reset: 1}, http.MethodPost, Fault{}},
		{Faults{Truncate: 1}, http.MethodDelete, Fault{}},
		{Faults{Throttle: 1, OnlyPaths: []string{"/salesInvoices"}}, http.MethodGet, Fault{}},
		{Faults{}, http.MethodGet, Fault{}},
	} {
		fi := NewInjector(tc.faults, ServiceModel{})
		r := httptest.NewRequest(tc.method, "/v2.0/production/api/v2.0/companies(1)/customers", nil)
		require.Equal(t, tc.want, fi.Decide(r), "%+v %s", tc.faults, tc.method)
	}
}

func TestDecideRetryAfterScalesWithAFastModel(t *testing.T) {
	t.Parallel()
	fast := NewInjector(Faults{Throttle: 1, RetryAfter: 10 * time.Second}, ServiceModel{Base: time.Millisecond, Scale: 0.01})
	require.Equal(t, 100*time.Millisecond, fast.Decide(get("/x")).Before.RetryAfter)
	slow := NewInjector(Faults{Unavailable: 1}, ServiceModel{Base: time.Millisecond, Scale: 2})
	require.Equal(t, time.Second, slow.Decide(get("/x")).Before.RetryAfter, "a scale above 1 does not stretch Retry-After")
}

func TestDecideIsRepeatableFromTheSeed(t *testing.T) {
	t.Parallel()
	f := Faults{Seed: 7, Throttle: 0.2, Unavailable: 0.2, Reset: 0.2}
	draw := func(fi *Injector) []string {
		var names []string
		for range 200 {
			names = append(names, fi.Decide(get("/x")).Name)
		}
		return names
	}
	a := NewInjector(f, ServiceModel{})
	first := draw(a)
	require.Equal(t, first, draw(NewInjector(f, ServiceModel{})))
	counts := map[string]int{}
	for _, n := range first {
		counts[n]++
	}
	require.Len(t, counts, 4, "%v", counts)
	a.Set(f)
	require.Equal(t, first, draw(a), "Set reseeds")
	f.Seed = 8
	require.NotEqual(t, first, draw(NewInjector(f, ServiceModel{})))
}

func TestTakeEmptyListingCountsDown(t *testing.T) {
	t.Parallel()
	fi := NewInjector(Faults{EmptyListings: 2, OnlyPaths: []string{"/customers"}}, ServiceModel{})
	require.False(t, fi.TakeEmptyListing(get("/items")))
	require.True(t, fi.TakeEmptyListing(get("/customers")))
	require.True(t, fi.TakeEmptyListing(get("/customers")))
	require.False(t, fi.TakeEmptyListing(get("/customers")))
}

func TestWriterCutsOnlySuccessfulBodies(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 100)
	for _, tc := range []struct {
		fault      Fault
		status     int
		wantBody   string
		wantFaults []string
	}{
		{Fault{}, 200, body, nil},
		{Fault{Name: "truncate", body: "truncate"}, 200, body[:50], []string{"truncate"}},
		{Fault{Name: "truncate", body: "truncate"}, 404, body, nil},
	} {
		m := &meter{}
		g := New(Limits{}, ServiceModel{}, m, &fakeClock{now: epoch})
		rec := httptest.NewRecorder()
		w := g.Pace(rec, epoch, tc.fault)
		w.WriteHeader(tc.status)
		_, _ = w.Write([]byte(body))
		w.Finish()
		require.Equal(t, tc.status, rec.Code)
		require.Equal(t, tc.wantBody, rec.Body.String())
		require.Equal(t, tc.wantFaults, m.faults)
		require.Equal(t, len(tc.wantBody), m.bytes)
	}

	m := &meter{}
	g := New(Limits{}, ServiceModel{}, m, &fakeClock{now: epoch})
	rec := httptest.NewRecorder()
	w := g.Pace(rec, epoch, Fault{Name: "reset", body: "reset"})
	_, _ = w.Write([]byte(body))
	require.PanicsWithValue(t, http.ErrAbortHandler, w.Finish)
	require.Equal(t, body[:50], rec.Body.String())
	require.Equal(t, []string{"reset"}, m.faults)
	require.Equal(t, 50, m.bytes)
}

func TestWriterPacesByTheServiceModel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := &meter{}
		model := ServiceModel{Base: 100 * time.Millisecond, BytesPerSecond: 1000, Scale: 0.5}
		g := New(Limits{}, model, m, &fakeClock{now: epoch})
		start := time.Now()
		w := g.Pace(httptest.NewRecorder(), start, Fault{})
		_, _ = w.Write(make([]byte, 500))
		w.Finish()
		want := (100*time.Millisecond + 500*time.Millisecond) / 2
		require.Equal(t, want, time.Since(start))
		require.Equal(t, want, m.service)
		require.Equal(t, 500, m.bytes)
	})
}
