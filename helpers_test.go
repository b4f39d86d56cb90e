package bc

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const (
	testTenant  = "11111111-2222-3333-4444-555555555555"
	testClient  = "66666666-7777-8888-9999-000000000000"
	testSecret  = "s3cr3t~value.that.must.never.leak"
	testCompany = "3ab5c248-e72b-f011-9a4a-7c1e5275406f"
	apiPrefix   = "/" + testTenant + "/Production/api/v2.0"
)

// staticTokens is a token source that counts its calls.
type staticTokens struct {
	calls atomic.Int32
	token string
}

func (s *staticTokens) Token() (*oauth2.Token, error) {
	n := s.calls.Add(1)
	return &oauth2.Token{AccessToken: fmt.Sprintf("%s-%d", s.token, n), Expiry: time.Now().Add(time.Hour)}, nil
}

// fastRetries keeps retry tests quick while exercising the same decisions.
func fastRetries() RetryPolicy {
	p := DefaultRetryPolicy()
	p.BaseDelay = time.Millisecond
	p.MaxDelay = 5 * time.Millisecond
	return p
}

// setup starts a per-test server and a client pointed at it. The mux serves
// paths under apiPrefix; anything else fails the test.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux, *staticTokens) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tokens := &staticTokens{token: "tok"}
	all := append([]Option{WithBaseURL(srv.URL), WithTokenSource(tokens), WithRetryPolicy(fastRetries())}, opts...)
	c, err := NewClient(testTenant, "Production", all...)
	require.NoError(t, err)
	return c, mux, tokens
}

func writeRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func bcError(code, msg string) string {
	return fmt.Sprintf(`{"error":{"code":%q,"message":%q}}`, code, msg+"  CorrelationId:  c32f628c-0e3c-4e8a-9b5e-1234567890ab.")
}
