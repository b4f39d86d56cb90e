package bc

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stall answers an attempt partway, then never finishes it: with headers and
// half a page when body is true, with nothing at all otherwise. It returns
// when the client gives up on the connection or the test ends.
func stall(body bool, done <-chan struct{}) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if body {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"value":[{"id":"a"},{"id":`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}
}

// The timeouts are tiny so the test is quick, but nothing depends on how long
// they take: the server never sends the rest, so the only possible outcome is
// the stall error, whenever it comes.
func TestStalledAttemptsFailAndOnlyReadsAreRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		body      bool
		wantCalls int32
	}{
		{"GET whose body stalls is retried", http.MethodGet, true, 3},
		{"GET without response headers is retried", http.MethodGet, false, 3},
		{"POST whose body stalls is not retried", http.MethodPost, true, 1},
		{"POST without response headers is not retried", http.MethodPost, false, 1},
		{"PATCH without response headers is not retried", http.MethodPatch, false, 1},
		{"DELETE whose body stalls is not retried", http.MethodDelete, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := fastRetries()
			p.MaxAttempts = 3
			// Only the timeout under test is tiny: the other must never be what fires.
			header, idle := 20*time.Millisecond, time.Hour
			if tt.body {
				header, idle = time.Hour, 20*time.Millisecond
			}
			c, mux, _ := setup(t, WithRetryPolicy(p), WithResponseHeaderTimeout(header), WithIdleReadTimeout(idle))
			done := make(chan struct{})
			t.Cleanup(func() { close(done) }) // runs before the server's Close, which waits for handlers
			var calls atomic.Int32
			path := apiPrefix + "/companies(" + testCompany + ")/customers"
			mux.Handle(path, countingHandler(&calls, stall(tt.body, done)))

			var err error
			if tt.method == http.MethodGet {
				_, err = Set[map[string]any](c.Company(testCompany), "customers").List(nil).Collect(context.Background())
			} else {
				var req *http.Request
				req, err = c.NewRequest(context.Background(), tt.method, "api/v2.0/companies("+testCompany+")/customers", map[string]string{"displayName": "x"})
				require.NoError(t, err)
				_, err = c.Do(req, nil)
			}
			var se *StallError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.body, se.Body)
			require.True(t, se.Timeout())
			var te *TransportError
			require.ErrorAs(t, err, &te)
			require.Equal(t, int(tt.wantCalls), te.Attempts)
			require.Equal(t, tt.wantCalls, calls.Load())
			want := "no response headers within 20ms"
			if tt.body {
				want = "the response body stalled, no byte for 20ms"
			}
			require.Equal(t, tt.wantCalls-1, int32(len(te.Retries)))
			for _, r := range te.Retries {
				require.Equal(t, want, r)
			}
			require.True(t, strings.HasPrefix(err.Error(), "bc: "+tt.method+" "), err.Error())
			require.Contains(t, err.Error(), want)
		})
	}
}

// The idle clock runs only while a read waits for the server: between reads
// no timer is pending, so a caller that is slow to consume a body (a media
// stream copied to a slow disk) is never cut off.
func TestIdleClockRunsOnlyDuringReads(t *testing.T) {
	t.Parallel()
	canceled := false
	b := &idleBody{ReadCloser: io.NopCloser(strings.NewReader("page")), idle: time.Hour, cancel: func() { canceled = true }}
	buf := make([]byte, 2)
	for _, want := range []string{"pa", "ge"} {
		n, err := b.Read(buf)
		require.NoError(t, err)
		require.Equal(t, want, string(buf[:n]))
		require.False(t, b.timer.Stop(), "a timer is pending between reads")
	}
	_, err := b.Read(buf)
	require.ErrorIs(t, err, io.EOF)
	require.NoError(t, b.Close())
	require.True(t, canceled, "closing the body ends the attempt's context")
}
