package bc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// countingHandler answers with the given responders in turn, then repeats the last.
func countingHandler(calls *atomic.Int32, responders ...func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1)) - 1
		if n >= len(responders) {
			n = len(responders) - 1
		}
		responders[n](w, r)
	}
}

func status(code int, header ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		writeRaw(w, code, bcError("Test_"+http.StatusText(code), "status "+http.StatusText(code)))
	}
}

func ok(w http.ResponseWriter, r *http.Request) { writeRaw(w, 200, `{"id":"done"}`) }

func doRaw(t *testing.T, c *Client, method string) (*Response, error) {
	t.Helper()
	var body any
	if method != http.MethodGet {
		body = map[string]string{"displayName": "x"}
	}
	req, err := c.NewRequest(t.Context(), method, "api/v2.0/thing", body)
	require.NoError(t, err)
	var out map[string]any
	return c.Do(req, &out)
}

func TestRetryDecisions(t *testing.T) {
	t.Parallel()
	type responder = func(http.ResponseWriter, *http.Request)
	tests := []struct {
		name       string
		method     string
		responders []responder
		wantCalls  int32
		wantStatus int   // 0: success expected
		wantIs     error // sentinel the error must match
	}{
		{"429 then ok, GET", http.MethodGet, []responder{status(429), ok}, 2, 0, nil},
		{"429 then ok, POST (BC did not execute it)", http.MethodPost, []responder{status(429), ok}, 2, 0, nil},
		{"503 then ok, PATCH", http.MethodPatch, []responder{status(503), ok}, 2, 0, nil},
		{"502 then ok, DELETE", http.MethodDelete, []responder{status(502), ok}, 2, 0, nil},
		{"504 GET retried", http.MethodGet, []responder{status(504), ok}, 2, 0, nil},
		{"408 GET retried", http.MethodGet, []responder{status(408), ok}, 2, 0, nil},
		{"504 POST not retried: it may have run", http.MethodPost, []responder{status(504), ok}, 1, 504, nil},
		{"408 POST not retried", http.MethodPost, []responder{status(408), ok}, 1, 408, nil},
		{"400 never retried", http.MethodGet, []responder{status(400), ok}, 1, 400, nil},
		{"404 not found", http.MethodGet, []responder{status(404)}, 1, 404, ErrNotFound},
		{"409 conflict", http.MethodPatch, []responder{status(409)}, 1, 409, ErrConflict},
		{"429 forever gives up", http.MethodGet, []responder{status(429)}, 8, 429, ErrThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			var calls atomic.Int32
			mux.Handle(apiPrefix+"/thing", countingHandler(&calls, tt.responders...))
			resp, err := doRaw(t, c, tt.method)
			require.Equal(t, tt.wantCalls, calls.Load())
			if tt.wantStatus == 0 {
				require.NoError(t, err)
				require.Equal(t, int(tt.wantCalls), resp.Attempts)
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.wantStatus, apiErr.StatusCode)
			require.Equal(t, int(tt.wantCalls), apiErr.Attempts)
			require.Len(t, apiErr.Retries, int(tt.wantCalls)-1)
			require.Equal(t, tt.method, apiErr.Method)
			if tt.wantIs != nil {
				require.ErrorIs(t, err, tt.wantIs)
			}
		})
	}
}

func TestGiveUpErrorSaysWhy(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.Handle(apiPrefix+"/thing", countingHandler(&calls, status(503, "Retry-After", "0"), status(429), status(429)))
	p := fastRetries()
	p.MaxAttempts = 3
	c.retry = p
	_, err := doRaw(t, c, http.MethodGet)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 3, apiErr.Attempts)
	require.Equal(t, []string{"503 Service Unavailable (Retry-After 0s)", "429 Too Many Requests"}, apiErr.Retries)
	require.Equal(t, "Test_Too Many Requests", apiErr.Code)
	require.Equal(t, "c32f628c-0e3c-4e8a-9b5e-1234567890ab", apiErr.CorrelationID)
	require.Contains(t, err.Error(), "3 attempts: 503 Service Unavailable (Retry-After 0s); 429 Too Many Requests")
}

func TestRetryAfterWinsOverBackoff(t *testing.T) {
	t.Parallel()
	p := DefaultRetryPolicy()
	p.BaseDelay = time.Hour // if backoff were used the test would hang
	p.MaxDelay = time.Hour
	c, mux, _ := setup(t, WithRetryPolicy(p))
	var calls atomic.Int32
	past := time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat)
	mux.Handle(apiPrefix+"/thing", countingHandler(&calls, status(429, "Retry-After", "0"), status(503, "Retry-After", past), ok))
	resp, err := doRaw(t, c, http.MethodGet)
	require.NoError(t, err)
	require.Equal(t, 3, resp.Attempts)
	require.Equal(t, 1, resp.Throttled)
	st := c.Stats()
	require.Equal(t, int64(2), st.Retries)
	require.Equal(t, int64(1), st.Throttled)
	require.Equal(t, int64(1), st.ServerErrors)
}

func TestRetryAfterBeyondCapGivesUp(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.Handle(apiPrefix+"/thing", countingHandler(&calls, status(429, "Retry-After", "3600"), ok))
	_, err := doRaw(t, c, http.MethodGet)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, int32(1), calls.Load())
	require.Equal(t, time.Hour, apiErr.RetryAfter)
	require.Contains(t, err.Error(), "more than RetryPolicy.MaxRetryAfter")
}

func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.Handle(apiPrefix+"/thing", countingHandler(&calls, status(429, "Retry-After", "60")))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	req, err := c.NewRequest(ctx, http.MethodGet, "api/v2.0/thing", nil)
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, time.Since(start), 30*time.Second, "the wait must watch the context")
	require.Equal(t, int32(1), calls.Load())
}

// hijackReset writes a status line, part of a body, then drops the connection.
func hijackReset(partial string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + partial)
		_ = buf.Flush()
		_ = conn.Close()
	}
}

func TestConnectionResetMidBody(t *testing.T) {
	t.Parallel()
	t.Run("GET is retried and the page is read whole", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		var calls atomic.Int32
		mux.Handle(apiPrefix+"/companies("+testCompany+")/customers", countingHandler(&calls,
			hijackReset(`{"value":[{"id":"a"},{"id":"b"},{"id":`),
			func(w http.ResponseWriter, r *http.Request) {
				writeRaw(w, 200, `{"value":[{"id":"a"},{"id":"b"},{"id":"c"}]}`)
			}))
		items, err := Set[map[string]any](c.Company(testCompany), "customers").List(nil).Collect(t.Context())
		require.NoError(t, err)
		require.Len(t, items, 3, "items of the broken attempt must not be kept")
		require.Equal(t, int32(2), calls.Load())
	})
	t.Run("POST is not retried: BC may have executed it", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		var calls atomic.Int32
		mux.Handle(apiPrefix+"/thing", countingHandler(&calls, hijackReset(`{"id":"x`), ok))
		_, err := doRaw(t, c, http.MethodPost)
		var te *TransportError
		require.ErrorAs(t, err, &te)
		require.Equal(t, int32(1), calls.Load())
		require.Equal(t, 1, te.Attempts)
	})
}

func TestWriteRetriedWhenNeverSent(t *testing.T) {
	t.Parallel()
	// A closed server: the dial fails, so the write never reached BC.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	p := fastRetries()
	p.MaxAttempts = 3
	c, err := NewClient(testTenant, "Production", WithBaseURL(url), WithTokenSource(&staticTokens{token: "t"}), WithRetryPolicy(p))
	require.NoError(t, err)
	_, err = doRaw(t, c, http.MethodPost)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	require.Equal(t, 3, te.Attempts)
	require.Len(t, te.Retries, 2)
	require.Contains(t, te.Error(), "connection refused")
}

func TestBackoffIsCappedFullJitter(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := 0; n < 12; n++ {
		for range 50 {
			d := p.backoff(n)
			require.GreaterOrEqual(t, d, time.Duration(0))
			window := min(100*time.Millisecond<<n, time.Second)
			require.LessOrEqual(t, d, window)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"7", 7 * time.Second, true}, {" 0 ", 0, true}, {"-1", 0, false}, {"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		require.Equal(t, tt.ok, ok, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

func TestBudgetSlidingWindow(t *testing.T) {
	t.Parallel()
	b := newBudget(3, time.Minute)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return now }
	for range 3 {
		require.NoError(t, b.wait(t.Context()))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, b.wait(ctx), context.DeadlineExceeded, "the fourth request in the window must wait")
	now = now.Add(time.Minute)
	require.NoError(t, b.wait(t.Context()), "after the window slides the request fits")
}

func TestRequestBudgetLimitsAttempts(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithRequestBudget(2, time.Hour))
	mux.HandleFunc(apiPrefix+"/thing", ok)
	for range 2 {
		_, err := doRaw(t, c, http.MethodGet)
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	req, err := c.NewRequest(ctx, http.MethodGet, "api/v2.0/thing", nil)
	require.NoError(t, err)
	_, err = c.Do(req, nil)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
}
