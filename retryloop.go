package bc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryLoop is one request's state across its attempts; its methods are the
// hooks retryablehttp calls.
type retryLoop struct {
	c     *Client
	r     *request
	shown string // the URL as logged: redacted
	st    *attempts
	// decided is the response CheckRetry last judged: retryablehttp asks
	// again after running the response handler, and a handler that succeeded
	// changes nothing about that answer.
	decided *http.Response
}

// client is a retryablehttp client for this request only, since its hooks
// share the request's state.
func (l *retryLoop) client() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:     l.c.http,
		RetryMax:       l.r.retry.MaxAttempts - 1,
		RequestLogHook: l.attempt,
		CheckRetry:     l.checkRetry,
		Backoff:        func(time.Duration, time.Duration, int, *http.Response) time.Duration { return l.st.next },
		ErrorHandler:   lastAnswer,
	}
}

// attempt counts attempt i (0-based) as it is handed to the transport.
func (l *retryLoop) attempt(_ retryablehttp.Logger, _ *http.Request, i int) {
	l.st.count = i + 1
	if i > 0 {
		l.c.stats.retries.Add(1)
	}
}

// checkRetry decides (attempts.decide) whether the answer or error of the
// latest attempt is retried, and logs each retry with its reason and wait.
func (l *retryLoop) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	var p permanent
	if errors.As(err, &p) {
		return false, err
	}
	if err == nil && resp != nil && resp == l.decided {
		return false, nil
	}
	l.decided = resp
	retry, cerr := l.st.decide(ctx, resp, err)
	if retry && l.st.count < l.r.retry.MaxAttempts {
		l.c.logger.LogAttrs(ctx, slog.LevelWarn, "bc: retrying request",
			slog.String("method", l.r.method), slog.String("url", l.shown),
			slog.Int("attempt", l.st.count), slog.String("reason", l.st.reasons[len(l.st.reasons)-1]),
			slog.Duration("wait", l.st.next))
	}
	return retry, cerr
}

// lastAnswer hands over the final attempt's response or error as it is,
// instead of retryablehttp's "giving up after n attempts" wrapping.
func lastAnswer(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// refusal is the *APIError of a final non-2xx answer, with the reasons of
// the attempts before it and why retrying stopped early, if it did.
func (l *retryLoop) refusal(resp *http.Response) error {
	retries := l.st.earlier()
	if l.st.stop != nil {
		retries = append(retries, "stopped retrying: "+l.st.stop.Error())
	}
	apiErr := newAPIError(resp, l.st.count, retries)
	apiErr.Method, apiErr.URL = l.r.method, l.shown
	return apiErr
}

// requestFailed is the error of a request that got no final answer: the
// caller's context ended, the token could not be had, a handler failed
// permanently, or the transport failed on every attempt.
func (c *Client) requestFailed(ctx context.Context, method, shown string, st *attempts, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("bc: %s %s: %w (after %d attempts)", method, shown, ctxErr, st.count)
	}
	var authErr *AuthError
	if errors.As(err, &authErr) {
		return authErr
	}
	var p permanent
	if errors.As(err, &p) {
		return p.err
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	retries := st.earlier()
	return &TransportError{Method: method, URL: shown, Attempts: max(st.count, 1), Retries: retries, Err: err}
}
