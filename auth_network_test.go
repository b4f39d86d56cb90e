package bc

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// closedLoopbackAddr is a loopback address nothing listens at.
func closedLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// A token URL whose host is unknown to DNS, or where nothing listens, is a
// setup mistake: one attempt, then an error naming the host and what to check.
func TestNoTokenEndpointFailsAtOnce(t *testing.T) {
	t.Parallel()
	refused := closedLoopbackAddr(t)
	// The resolver's answer for a name that does not exist, given by the
	// dialer, so the test needs no DNS: .invalid never resolves anyway.
	nxdomain := func(_ context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	var dialer net.Dialer
	for _, tc := range []struct {
		name, tokenURL string
		dial           func(ctx context.Context, network, addr string) (net.Conn, error)
		description    string
		cause          error
	}{
		{"connection refused", "http://" + refused + "/{tenant}/oauth2/v2.0/token", dialer.DialContext,
			refused + " refused the connection", syscall.ECONNREFUSED},
		{"host unknown to DNS", "https://login.example.invalid/{tenant}/oauth2/v2.0/token", nxdomain,
			"login.example.invalid is unknown to DNS (no such host)", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var dials atomic.Int32
			hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials.Add(1)
				return tc.dial(ctx, network, addr)
			}}}
			ts := ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(tc.tokenURL), WithTokenHTTPClient(hc))
			c, mux, _ := setup(t, WithTokenSource(ts))
			var served atomic.Int32
			mux.HandleFunc(apiPrefix+"/thing", func(w http.ResponseWriter, r *http.Request) { served.Add(1); ok(w, r) })

			_, err := doRaw(t, c, http.MethodGet)
			var ae *AuthError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, ProblemNoTokenEndpoint, ae.Problem)
			require.Equal(t, tc.description, ae.Description)
			require.False(t, ae.Temporary())
			if tc.cause != nil {
				require.ErrorIs(t, err, tc.cause)
			}
			require.Equal(t, "bc: could not obtain a token from Microsoft Entra: no token endpoint: "+tc.description+
				" — check the token URL (WithTokenURL; the sync's --token-url) and this machine's network and proxy settings (HTTPS_PROXY)", ae.Error())
			require.Equal(t, int32(1), dials.Load(), "one attempt, no retries")
			require.Zero(t, served.Load())
			require.NotContains(t, err.Error(), testSecret)
			require.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

// Network failures that may pass stay temporary, and are retried.
func TestTokenEndpointOutagesStayTemporary(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "login.microsoftonline.com", IsTemporary: true}},
		&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		context.DeadlineExceeded,
	} {
		var ae *AuthError
		require.True(t, errors.As(tokenError(err, DefaultTokenURL), &ae))
		require.Equal(t, ProblemUnreachable, ae.Problem, "%v", err)
		require.True(t, ae.Temporary())
	}
}

// A token endpoint that accepts the request and never answers is given up
// on after the token timeout, as a temporary outage, instead of holding every
// request that waits for the token.
func TestStalledTokenEndpointTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK) // headers out, then no body
		w.(http.Flusher).Flush()
		<-release
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	ts := ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(srv.URL), WithTokenTimeout(50*time.Millisecond))
	_, err := ts.Token()
	var ae *AuthError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, ProblemUnreachable, ae.Problem)
	require.True(t, ae.Temporary())
	require.Equal(t, strings.TrimPrefix(srv.URL, "http://")+" did not answer within 50ms (WithTokenTimeout)", ae.Description)
}

func TestTokenTimeoutChoice(t *testing.T) {
	t.Parallel()
	require.Equal(t, DefaultTokenTimeout, tokenTimeout(0, nil))
	require.Equal(t, DefaultTokenTimeout, tokenTimeout(0, &http.Client{}))
	require.Equal(t, 5*time.Second, tokenTimeout(0, &http.Client{Timeout: 5 * time.Second}), "the caller's client keeps its own")
	require.Equal(t, time.Second, tokenTimeout(time.Second, &http.Client{Timeout: 5 * time.Second}), "WithTokenTimeout wins")

	_, err := ClientCredentials(testTenant, testClient, testSecret, WithTokenTimeout(-time.Second)).Token()
	require.EqualError(t, err, "bc: could not obtain a token from Microsoft Entra: unknown: WithTokenTimeout(-1s): must be positive — "+ProblemUnknown.Fix())
}
