package bc

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
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
			// Attempts are counted where the client hands them to the
			// transport: under load a 20 ms header wait can end before the
			// server's handler has even run, so the server may see fewer.
			var sent atomic.Int32
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				sent.Add(1)
				return http.DefaultTransport.RoundTrip(r)
			})}
			c, mux, _ := setup(t, WithHTTPClient(hc), WithRetryPolicy(p), WithResponseHeaderTimeout(header), WithIdleReadTimeout(idle))
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
			require.Equal(t, tt.wantCalls, sent.Load())
			if tt.body {
				require.Equal(t, tt.wantCalls, calls.Load(), "every attempt had its headers from the server")
			} else {
				require.LessOrEqual(t, calls.Load(), tt.wantCalls)
			}
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

// roundTripFunc is a transport made of a function (package bc_test has its own).
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestHeaderTimeoutStartsWhenTheBodyIsSent: an upload that takes an hour is
// not cut off; the wait for the headers starts when the transport has sent
// (and closed) the request body, and ends the attempt exactly one timeout
// later. synctest's clock moves only when every goroutine waits, so the
// durations are exact.
func TestHeaderTimeoutStartsWhenTheBodyIsSent(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		upload, uploading := io.Pipe()
		base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
			_, _ = io.Copy(io.Discard, req.Body)
			_ = req.Body.Close()
			<-req.Context().Done() // BC never answers
			return nil, req.Context().Err()
		})
		tr := &stallTransport{base: base, header: time.Minute, idle: time.Minute}
		req, err := http.NewRequest(http.MethodPost, "https://bc.test/media", upload)
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() {
			_, err := tr.RoundTrip(req)
			done <- err
		}()
		for range 60 {
			_, err := uploading.Write([]byte("a chunk of a long upload"))
			require.NoError(t, err)
			time.Sleep(time.Minute)
		}
		synctest.Wait()
		require.Empty(t, done, "the attempt ended while its body was still being sent")
		sent := time.Now()
		require.NoError(t, uploading.Close())
		err = <-done
		var se *StallError
		require.ErrorAs(t, err, &se)
		require.Equal(t, StallError{Body: false, Wait: time.Minute}, *se)
		require.Equal(t, time.Minute, time.Since(sent))
	})
}

// TestIdleTimeoutCountsOnlyWhileAReadWaits: a caller that takes an hour
// between reads is not cut off; a read that waits for the server fails
// exactly one idle timeout after it began, and so do the reads after it.
func TestIdleTimeoutCountsOnlyWhileAReadWaits(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		page, server := io.Pipe()
		canceled := make(chan struct{})
		var once sync.Once
		b := &idleBody{ReadCloser: page, idle: 2 * time.Minute, cancel: func() {
			once.Do(func() { close(canceled) })
			_ = server.CloseWithError(context.Canceled) // what cancelling does to a real connection
		}}
		go func() { _, _ = server.Write([]byte(`{"value":[`)) }()
		buf := make([]byte, 64)
		n, err := b.Read(buf)
		require.NoError(t, err)
		require.Equal(t, `{"value":[`, string(buf[:n]))

		time.Sleep(time.Hour) // the caller is busy; the server has nothing more to send yet
		go func() { _, _ = server.Write([]byte(`{"id":"a"},`)) }()
		n, err = b.Read(buf)
		require.NoError(t, err)
		require.Equal(t, `{"id":"a"},`, string(buf[:n]))

		start := time.Now()
		_, err = b.Read(buf) // the server stalls
		require.Equal(t, 2*time.Minute, time.Since(start))
		var se *StallError
		require.ErrorAs(t, err, &se)
		require.Equal(t, StallError{Body: true, Wait: 2 * time.Minute}, *se)
		<-canceled
		_, err = b.Read(buf)
		require.ErrorAs(t, err, &se)
		require.NoError(t, b.Close())
	})
}
