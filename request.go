package bc

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bcsdk/bc/odata"
	"github.com/hashicorp/go-retryablehttp"
)

// Response is the HTTP response of a completed request. Its body has been read
// and closed.
type Response struct {
	*http.Response
	// Attempts is how many times the request was sent.
	Attempts int
	// Throttled is how many of the attempts BC answered with 429.
	Throttled int
}

// NewRequest builds a request for anything not yet typed. path is relative to
// the service root ("api/v2.0/companies(…)/customers") or an absolute URL on
// the same host (an @odata.nextLink or a media link). body is JSON-encoded
// unless it is nil, []byte or an io.Reader. WithRetry belongs to Do, which
// sends the request.
func (c *Client) NewRequest(ctx context.Context, method, path string, body any, opts ...RequestOption) (*http.Request, error) {
	if collectOptions(opts).retry != nil {
		return nil, errors.New("bc: NewRequest: pass WithRetry to Do, which sends the request")
	}
	r, err := c.newRequest(method, path, nil, body, opts)
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	switch b := r.body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, rd)
	if err != nil {
		return nil, fmt.Errorf("bc: %w", err)
	}
	req.Header = r.header
	return req, nil
}

// Do sends req through the client's pipeline (gate, auth, retries) and, for a
// 2xx response, decodes its JSON body into v unless v is nil. A non-2xx
// response is returned as *APIError. Of the options only WithRetry applies
// here; the others shape the request and belong to NewRequest.
func (c *Client) Do(req *http.Request, v any, opts ...RequestOption) (*Response, error) {
	o := collectOptions(opts)
	if len(o.header) > 0 || o.ifMatch != "" || o.fields != nil || o.readWrite {
		return nil, errors.New("bc: Do takes only WithRetry; pass headers, If-Match, Fields and ReadWrite to NewRequest")
	}
	policy, err := c.retryPolicy(o)
	if err != nil {
		return nil, err
	}
	r := &request{method: req.Method, url: req.URL.String(), header: req.Header, retry: policy}
	switch {
	case req.GetBody != nil:
		r.body = retryablehttp.ReaderFunc(func() (io.Reader, error) { return req.GetBody() })
	case req.Body != nil && req.Body != http.NoBody:
		r.body = req.Body
	}
	return c.send(req.Context(), r, decodeInto(v))
}

// request is a request before it is sent: everything the pipeline needs.
type request struct {
	method string
	url    string
	header http.Header
	body   any // nil, []byte, io.ReadSeeker, io.Reader or retryablehttp.ReaderFunc
	retry  RetryPolicy
}

// newRequest resolves path, encodes the query and body, and sets the headers
// every BC request carries.
func (c *Client) newRequest(method, path string, q *odata.Query, body any, opts []RequestOption) (*request, error) {
	o := collectOptions(opts)
	policy, err := c.retryPolicy(o)
	if err != nil {
		return nil, err
	}
	u, err := c.resolve(path)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", c.userAgent)
	h.Set("client-request-id", newRequestID())
	if q != nil {
		enc, err := q.Encode()
		if err != nil {
			return nil, err
		}
		if enc != "" {
			if u.RawQuery != "" {
				u.RawQuery += "&" + enc
			} else {
				u.RawQuery = enc
			}
		}
		if n := q.PageSize(); n > 0 {
			h.Set("Prefer", fmt.Sprintf("odata.maxpagesize=%d", n))
		}
	}
	if method == http.MethodGet || method == http.MethodHead {
		switch {
		case o.readWrite:
			h.Set("Data-Access-Intent", "ReadWrite")
		case c.readOnlyIntent:
			h.Set("Data-Access-Intent", "ReadOnly")
		}
	}
	if o.ifMatch != "" {
		h.Set("If-Match", o.ifMatch)
	}
	r := &request{method: method, url: u.String(), header: h, retry: policy}
	switch b := body.(type) {
	case nil:
	case []byte:
		r.body = b
		h.Set("Content-Type", "application/json")
	case io.Reader:
		r.body = b
		h.Set("Content-Type", "application/octet-stream")
	default:
		b, err := encodeJSON(body)
		if err != nil {
			return nil, fmt.Errorf("bc: encoding the request body: %w", err)
		}
		r.body = b
		h.Set("Content-Type", "application/json")
	}
	for k, v := range o.header {
		h[k] = v
	}
	return r, nil
}

// retryPolicy is the policy of one call: WithRetry's, or the client's.
func (c *Client) retryPolicy(o callOptions) (RetryPolicy, error) {
	if o.retry == nil {
		return c.retry, nil
	}
	if err := o.retry.validate(); err != nil {
		return RetryPolicy{}, fmt.Errorf("%w (in WithRetry)", err)
	}
	return *o.retry, nil
}

// resolve turns a service-root-relative path, or an absolute URL on the
// service's host, into a URL. Other hosts are refused so that a link in a
// response can never send the bearer token elsewhere.
func (c *Client) resolve(path string) (*url.URL, error) {
	rel, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("bc: invalid path %q: %w", redactURL(path), err)
	}
	// url.Parse lowercases the scheme, so HTTP://other/x is an absolute
	// URL here, refused for its host, not a path re-rooted onto BC's.
	if rel.Scheme != "" || rel.Host != "" {
		if !strings.EqualFold(rel.Host, c.root.Host) || rel.Scheme != c.root.Scheme || rel.User != nil {
			return nil, fmt.Errorf("bc: refusing to follow %s: it is not on the service host %s", redactURL(path), c.root.Host)
		}
		return rel, nil
	}
	// rel.Path is percent-decoded: %2e%2e, .%2e and %2E. are ".." too.
	if strings.Contains(path, "..") || strings.Contains(rel.Path, "..") || strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("bc: path %q must be relative to the service root and must not contain '..'", path)
	}
	u := *c.root
	u.Path = strings.TrimRight(u.Path, "/") + "/" + rel.Path
	if rel.RawPath != "" || u.RawPath != "" {
		u.RawPath = strings.TrimRight(c.root.EscapedPath(), "/") + "/" + rel.EscapedPath()
	}
	u.RawQuery = rel.RawQuery
	return &u, nil
}

// permanent marks a failure of a response handler that another attempt cannot
// fix (the JSON does not fit the target type), so it is not retried.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// decodeInto returns a handler that decodes a JSON body into v. A type
// mismatch is permanent; a body cut short is retried like a dropped connection.
func decodeInto(v any) func(*http.Response) error {
	return func(resp *http.Response) error {
		if v == nil {
			_, err := io.Copy(io.Discard, resp.Body)
			return err
		}
		if w, ok := v.(io.Writer); ok {
			_, err := io.Copy(w, resp.Body)
			return err
		}
		dec := json.NewDecoder(resp.Body)
		dec.UseNumber() // numbers decoded into any stay exact, as in pages
		err := dec.Decode(v)
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return nil // 204 No Content or an empty body
		case errors.As(err, &typeErr):
			return permanent{fmt.Errorf("bc: decoding the response: %w", err)}
		}
		return err
	}
}

// send runs one logical request through the retry loop. handle, if not nil,
// consumes the body of a 2xx response inside the loop, so a connection that
// breaks mid-body is retried (for reads) like one that broke before the answer.
func (c *Client) send(ctx context.Context, r *request, handle func(*http.Response) error) (*Response, error) {
	c.stats.requests.Add(1)
	rreq, err := retryablehttp.NewRequestWithContext(ctx, r.method, r.url, r.body)
	if err != nil {
		return nil, fmt.Errorf("bc: %w", err)
	}
	rreq.Header = r.header
	if handle != nil {
		rreq.SetResponseHandler(c.successHandler(handle))
	}
	l := &retryLoop{c: c, r: r, shown: redactURL(r.url), st: &attempts{policy: r.retry, method: r.method}}
	start := time.Now()
	resp, err := l.client().Do(rreq)
	if err != nil {
		return nil, c.requestFailed(ctx, r.method, l.shown, l.st, err)
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "bc: request",
		slog.String("method", r.method), slog.String("url", l.shown), slog.Int("status", resp.StatusCode),
		slog.Int("attempts", l.st.count), slog.Duration("duration", time.Since(start)))
	out := &Response{Response: resp, Attempts: l.st.count, Throttled: l.st.throttled}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return out, l.refusal(resp)
	}
	// Without a handler the caller streams the body and must close it.
	return out, nil
}

// successHandler wraps handle for retryablehttp: it reads a 2xx body within
// the client's response bound and leaves other answers to the caller. A body
// past the bound is permanent: the server would send the same again.
func (c *Client) successHandler(handle func(*http.Response) error) retryablehttp.ResponseHandlerFunc {
	return func(resp *http.Response) error {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil // left for refusal
		}
		defer resp.Body.Close()
		body := resp.Body
		resp.Body = io.NopCloser(boundedBody(resp, c.maxResponseSize))
		err := handle(resp)
		resp.Body = body
		if errors.Is(err, ErrTooLarge) {
			return permanent{err}
		}
		return err
	}
}

// newRequestID makes a GUID for client-request-id, which BC logs in its
// telemetry so a request can be traced on both sides.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
