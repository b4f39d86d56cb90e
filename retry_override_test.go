package bc

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWithRetryOverridesThePolicyForOneCall counts the requests BC sees: the
// call with WithRetry follows its policy, the next call without it the
// client's again.
func TestWithRetryOverridesThePolicyForOneCall(t *testing.T) {
	t.Parallel()
	once := fastRetries()
	once.MaxAttempts = 1
	patient := fastRetries()
	patient.MaxAttempts = 4
	tests := []struct {
		name       string
		client     RetryPolicy
		call       RetryPolicy
		responders []func(http.ResponseWriter, *http.Request)
		wantCalls  int32
		wantErr    bool
	}{
		{"fewer attempts than the client's 8", fastRetries(), once, []func(http.ResponseWriter, *http.Request){status(429)}, 1, true},
		{"more attempts than the client's 1", once, patient, []func(http.ResponseWriter, *http.Request){status(429), status(503), status(429), ok}, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t, WithRetryPolicy(tt.client))
			var calls atomic.Int32
			mux.Handle(apiPrefix+"/companies("+testCompany+")/", countingHandler(&calls, tt.responders...))
			things := Set[map[string]any](c.Company(testCompany), "things")

			_, err := things.Get(t.Context(), "1", nil, WithRetry(tt.call))
			require.Equal(t, tt.wantCalls, calls.Load())
			var apiErr *APIError
			if tt.wantErr {
				require.ErrorAs(t, err, &apiErr)
				require.Equal(t, int(tt.wantCalls), apiErr.Attempts)
			} else {
				require.NoError(t, err)
			}

			calls.Store(0)
			_, err = things.Get(t.Context(), "1", nil)
			require.Equal(t, int32(tt.client.MaxAttempts), calls.Load(), "the client's policy again")
			require.ErrorAs(t, err, &apiErr)
		})
	}
}

// TestWithRetryHoldsForEveryPage: the policy of a List call is kept on the
// requests that follow its nextLinks.
func TestWithRetryHoldsForEveryPage(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var first, second atomic.Int32
	mux.HandleFunc(apiPrefix+"/companies("+testCompany+")/things", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "" {
			first.Add(1)
			writeRaw(w, 200, `{"value":[{"id":"a"}],"@odata.nextLink":"http://`+r.Host+apiPrefix+`/companies(`+testCompany+`)/things?page=2"}`)
			return
		}
		second.Add(1)
		status(503)(w, r)
	})
	p := fastRetries()
	p.MaxAttempts = 3
	got, err := Set[map[string]any](c.Company(testCompany), "things").List(nil, WithRetry(p)).Collect(t.Context())
	require.Len(t, got, 1)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 503, apiErr.StatusCode)
	require.Equal(t, int32(1), first.Load())
	require.Equal(t, int32(3), second.Load())
}

// TestWithRetryThroughDoAndItsRefusals: Do takes WithRetry; NewRequest, which
// does not send, refuses it, and an invalid policy fails before any request.
func TestWithRetryThroughDoAndItsRefusals(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.Handle(apiPrefix+"/thing", countingHandler(&calls, status(429)))
	twice := fastRetries()
	twice.MaxAttempts = 2

	req, err := c.NewRequest(t.Context(), http.MethodGet, "api/v2.0/thing", nil)
	require.NoError(t, err)
	_, err = c.Do(req, nil, WithRetry(twice))
	require.ErrorIs(t, err, ErrThrottled)
	require.Equal(t, int32(2), calls.Load())

	_, err = c.NewRequest(t.Context(), http.MethodGet, "api/v2.0/thing", nil, WithRetry(twice))
	require.EqualError(t, err, "bc: NewRequest: pass WithRetry to Do, which sends the request")
	_, err = c.Do(req, nil, WithHeader("Accept-Language", "da-DK"))
	require.EqualError(t, err, "bc: Do takes only WithRetry; pass headers, If-Match, Fields and ReadWrite to NewRequest")
	_, err = Set[map[string]any](c.StandardAPI(), "thing").List(nil, WithRetry(RetryPolicy{})).Collect(t.Context())
	require.EqualError(t, err, "bc: RetryPolicy.MaxAttempts must be at least 1 (in WithRetry)")
	require.Equal(t, int32(2), calls.Load(), "no request for the refused calls")
}
