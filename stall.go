package bc

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// DefaultResponseHeaderTimeout is how long an attempt waits for the response
// headers once the request has been sent. BC ends an operation after 8 minutes
// with 408 and its gateway answers 504 after 10 minutes, so past 11 minutes no
// answer is coming; the extra minute lets BC's own (retryable) answer arrive first. See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/administration/operational-limits-online
const DefaultResponseHeaderTimeout = 11 * time.Minute

// DefaultIdleReadTimeout is how long a read of a response body may wait for
// its next byte. Once BC answers it streams the page (about 2 MB/s); two
// minutes of silence mid-body is a stalled connection, not a slow query.
const DefaultIdleReadTimeout = 2 * time.Minute

// StallError is how an attempt fails when its answer stalls: no response
// headers within the response-header timeout, or no byte of the body within
// the idle-read timeout. It is a network error (net.Error, Timeout true), so
// a GET or HEAD is retried like a dropped connection; a write is not, because
// BC may have run it.
type StallError struct {
	// Body is false when the response headers never came, true when the body stopped.
	Body bool
	// Wait is the timeout that expired.
	Wait time.Duration
}

func (e *StallError) Error() string {
	if e.Body {
		return fmt.Sprintf("the response body stalled, no byte for %s", e.Wait)
	}
	return fmt.Sprintf("no response headers within %s", e.Wait)
}

// Timeout reports true: a stall is a timeout (net.Error).
func (e *StallError) Timeout() bool { return true }

// Temporary reports true: another attempt may get an answer (net.Error).
func (e *StallError) Temporary() bool { return true }

// stallTransport bounds each attempt, whatever the caller's transport: the
// headers must come within header after the request body is sent, and each
// read of the body must get a byte within idle. It cancels the attempt's
// context to break the stalled connection and reports a *StallError.
type stallTransport struct {
	base         http.RoundTripper
	header, idle time.Duration
}

func (t *stallTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	wait := &headerWait{d: t.header, fire: cancel}
	req = req.WithContext(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		// The transport closes the request body once it has sent it; the
		// wait for the answer starts then, so a long upload is not cut short.
		req.Body = &sentBody{ReadCloser: req.Body, sent: wait.start}
	} else {
		wait.start()
	}
	resp, err := t.base.RoundTrip(req)
	if wait.stop() {
		cancel()
		if resp != nil {
			_ = resp.Body.Close()
		}
		return nil, &StallError{Wait: t.header}
	}
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &idleBody{ReadCloser: resp.Body, idle: t.idle, cancel: cancel}
	return resp, nil
}

// headerWait is the response-header timer, started from the transport's
// goroutine that sends the body and stopped when RoundTrip returns.
type headerWait struct {
	d    time.Duration
	fire func()

	mu      sync.Mutex
	timer   *time.Timer
	stopped bool
}

func (w *headerWait) start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped && w.timer == nil {
		w.timer = time.AfterFunc(w.d, w.fire)
	}
}

// stop ends the wait and reports whether the timeout had expired.
func (w *headerWait) stop() (expired bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	return w.timer != nil && !w.timer.Stop()
}

// sentBody calls sent when the transport closes the request body.
type sentBody struct {
	io.ReadCloser
	once sync.Once
	sent func()
}

func (b *sentBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.sent)
	return err
}

// idleBody fails a read that gets no byte within idle. The clock runs only
// while a read waits, so a caller that is slow to read is never cut off.
type idleBody struct {
	io.ReadCloser
	idle    time.Duration
	cancel  context.CancelFunc
	timer   *time.Timer // used by Read only
	stalled bool
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.stalled {
		return 0, &StallError{Body: true, Wait: b.idle}
	}
	if b.timer == nil {
		b.timer = time.AfterFunc(b.idle, b.cancel)
	} else {
		b.timer.Reset(b.idle)
	}
	n, err := b.ReadCloser.Read(p)
	if !b.timer.Stop() {
		b.stalled = true
		return n, &StallError{Body: true, Wait: b.idle}
	}
	return n, err
}

func (b *idleBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
