package bc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/oauth2"
)

// The client wraps the caller's transport, never replacing it, in three layers
// that see every attempt (retries and the forced refresh on 401 included):
//
//	retryablehttp → http.Client → authTransport → limitTransport → stallTransport → caller's transport

// limitTransport enforces the concurrency gate and the optional request
// budget, and counts attempts. A slot is held until the response body is
// closed, because BC counts a request as running until its response is sent.
type limitTransport struct {
	base   http.RoundTripper
	gate   *gate
	budget *budget // nil when no budget is set
	stats  *counters
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.budget != nil {
		if err := t.budget.wait(ctx); err != nil {
			closeBody(req)
			return nil, err
		}
	}
	if err := t.gate.acquire(ctx); err != nil {
		closeBody(req)
		return nil, err
	}
	t.stats.attempts.Add(1)
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.gate.release()
		t.stats.transportErrors.Add(1)
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		t.stats.throttled.Add(1)
	case resp.StatusCode >= 500:
		t.stats.serverErrors.Add(1)
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: t.gate.release}
	return resp, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// releasingBody gives the gate slot back exactly once, when the body is closed.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// authTransport adds the bearer token to requests for the BC host only, so a
// redirect or a link to another host never carries it, refuses to send it over
// plain http except to loopback, and answers a 401 with a renewed token,
// at most maxTokenRenewals times.
type authTransport struct {
	base   http.RoundTripper
	tokens *tokenCache
	host   string // host[:port] of the service root
	stats  *counters
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.tokens == nil || !strings.EqualFold(req.URL.Host, t.host) {
		return t.base.RoundTrip(req)
	}
	if req.URL.Scheme != "https" && !isLoopback(req.URL.Hostname()) {
		closeBody(req)
		return nil, fmt.Errorf("bc: refusing to send a bearer token over plain http to %s; use https", req.URL.Host)
	}
	tok, err := t.tokens.token(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.base.RoundTrip(withToken(req, tok))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// BC rejected the token: it may have been revoked or expired early. Try
	// again with another token — the one another request has renewed it to,
	// or a new one — at most maxTokenRenewals times. A token this request
	// fetched itself is renewed again only when BC says it expired (it can
	// expire between its fetch and its use); any other refusal of it is the
	// answer.
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return resp, nil
	}
	for renewals := 1; ; renewals++ {
		drain(resp.Body)
		fresh, fetched, err := t.tokens.renew(req.Context(), tok)
		if err != nil {
			return nil, err
		}
		if fetched {
			t.stats.forcedRefreshes.Add(1)
		}
		retry := withToken(req, fresh)
		if req.GetBody != nil {
			if retry.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		resp, err = t.base.RoundTrip(retry)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || renewals == maxTokenRenewals {
			return resp, err
		}
		if fetched && !refusedAsExpired(resp) {
			return resp, nil
		}
		tok = fresh
	}
}

// maxTokenRenewals bounds the other tokens one request tries after BC
// refused its token: a renewed token that expired before its use is renewed
// once more, and a token endpoint that hands out dead tokens costs each
// request at most this many token requests.
const maxTokenRenewals = 2

// refusedAsExpired reports whether BC's 401 says the token expired. It reads
// the (bounded) error body and puts it back for the caller.
func refusedAsExpired(resp *http.Response) bool {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	_, msg, _ := ParseErrorBody(body)
	return expiredToken(resp.StatusCode, resp.Header, msg)
}

func withToken(req *http.Request, tok *oauth2.Token) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return r
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// drain reads a little of a body so the connection can be reused, then closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// counters are the client's running totals, read with Client.Stats.
type counters struct {
	requests        atomic.Int64
	attempts        atomic.Int64
	retries         atomic.Int64
	throttled       atomic.Int64
	serverErrors    atomic.Int64
	transportErrors atomic.Int64
	forcedRefreshes atomic.Int64
}

// Stats are running totals over the life of a Client.
type Stats struct {
	// Requests is the number of logical requests (a request and its retries count once).
	Requests int64
	// Attempts is the number of HTTP attempts sent, retries and forced token refreshes included.
	Attempts int64
	// Retries is the number of attempts that were retries.
	Retries int64
	// Throttled is the number of 429 responses received.
	Throttled int64
	// ServerErrors is the number of 5xx responses received.
	ServerErrors int64
	// TransportErrors is the number of attempts that got no response.
	TransportErrors int64
	// ForcedRefreshes is the number of token refreshes forced by a 401.
	ForcedRefreshes int64
	// MaxInFlight is the highest number of attempts that were in flight at once.
	MaxInFlight int
}

var errNoTokenSource = errors.New("bc: no credentials: pass WithTokenSource(bc.ClientCredentials(tenantID, clientID, secret))")
