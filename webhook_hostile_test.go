package bc_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

const hookNote = `{"subscriptionId":"s","clientState":"st","resource":"api/v2.0/companies(a7f1d29f-b084-f011-a708-6045bd956d8a)/items","changeType":"collection"}`

// countingReader counts the bytes the handler read of a body.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// post sends body and returns the status and how many bytes of it the
// handler read.
func post(h http.Handler, body []byte) (int, int64) {
	cr := &countingReader{r: bytes.NewReader(body)}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/hook", cr))
	return rec.Code, cr.n
}

// hookLog is a handler logger that keeps its lines.
func hookLog() (*slog.Logger, func() []string) {
	var mu sync.Mutex
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&lockedWriter{mu: &mu, w: &buf}, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	return l, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestWebhookHandlerRefusesAnEmptyClientState(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]bc.WebhookOption{nil, {bc.AcceptClientStates("old", "")}} {
		state := "new"
		if opts == nil {
			state = ""
		}
		h, err := bc.NewWebhookHandler(state, opts...)
		require.EqualError(t, err, "bc: webhook handler: the client state is empty; pass the clientState the subscriptions are created with")
		require.Nil(t, h)
	}
}

// An 8 MiB post of {"value":[{},{},…]} without a clientState is refused at
// its first notification: 401, a few KiB read, one log line.
func TestWebhookForgedFloodIsRefusedAtTheFirstNotification(t *testing.T) {
	t.Parallel()
	logger, lines := hookLog()
	h, err := bc.NewWebhookHandler("st", bc.WebhookLogger(logger))
	require.NoError(t, err)
	body := []byte(`{"value":[{}` + strings.Repeat(`,{}`, 8<<20/3) + `]}`)
	code, read := post(h, body)
	require.Equal(t, http.StatusUnauthorized, code)
	require.Less(t, read, int64(64<<10), "the rest of the body is never read")
	require.Equal(t, []string{`level=WARN msg="bc: webhook: refused a post with an unknown clientState" remote=192.0.2.1:1234`}, lines())

	// Good notifications before the forged one are not queued either.
	code, _ = post(h, []byte(`{"value":[`+hookNote+`,`+hookNote+`,{}]}`))
	require.Equal(t, http.StatusUnauthorized, code)
	require.Len(t, lines(), 2)
	select {
	case ev := <-h.Events():
		t.Fatalf("queued %v", ev)
	default:
	}
}

// A post of our own notifications larger than MaxWebhookBody is refused
// with 413 and one log line.
func TestWebhookBodyAboveTheCapIsRefused(t *testing.T) {
	t.Parallel()
	logger, lines := hookLog()
	h, err := bc.NewWebhookHandler("st", bc.WebhookLogger(logger), bc.WebhookQueue(1<<16))
	require.NoError(t, err)
	n := bc.MaxWebhookBody/len(hookNote) + 1
	body := []byte(`{"value":[` + hookNote + strings.Repeat(","+hookNote, n) + `]}`)
	code, read := post(h, body)
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
	require.LessOrEqual(t, read, int64(bc.MaxWebhookBody+1))
	require.Equal(t, []string{`level=WARN msg="bc: webhook: refused a post larger than 4 MiB" remote=192.0.2.1:1234`}, lines())

	// 1,000 notifications, each with the largest clientState BC allows, fit.
	state := strings.Repeat("s", 2048)
	h, err = bc.NewWebhookHandler(state, bc.WebhookQueue(1000))
	require.NoError(t, err)
	big := `{"subscriptionId":"` + strings.Repeat("i", 150) + `","clientState":"` + state + `","expirationDateTime":"2025-10-02T10:21:44Z","resource":"api/contoso/mosaic/v1.0/companies(a7f1d29f-b084-f011-a708-6045bd956d8a)/jobTasks(015e4dd6-fc83-f011-a6f5-000d3a4b6d9d)","changeType":"updated","lastModifiedDateTime":"2025-09-29T10:22:52.363Z"}`
	code, _ = post(h, []byte(`{"value":[`+big+strings.Repeat(","+big, 999)+`]}`))
	require.Equal(t, http.StatusAccepted, code)
}

// After 10 refused posts, posts are answered 429 unread and unlogged until
// the budget refills (one a second); the next refusal's line counts them.
func TestWebhookRefusalsAreRateLimited(t *testing.T) {
	t.Parallel()
	logger, lines := hookLog()
	clk := bctest.NewManualClock(time.Date(2025, 9, 29, 10, 0, 0, 0, time.UTC))
	h, err := bc.NewWebhookHandler("st", bc.WebhookLogger(logger), bc.WebhookClock(clk))
	require.NoError(t, err)
	forged := []byte(`{"value":[{"clientState":"guess"}]}`)
	for range 10 {
		code, _ := post(h, forged)
		require.Equal(t, http.StatusUnauthorized, code)
	}
	for range 3 {
		code, read := post(h, forged)
		require.Equal(t, http.StatusTooManyRequests, code)
		require.Zero(t, read)
	}
	code, _ := post(h, []byte(`{"value":[`+hookNote+`]}`))
	require.Equal(t, http.StatusTooManyRequests, code, "BC retries a 429")
	require.Len(t, lines(), 10)

	clk.Advance(time.Second)
	code, _ = post(h, forged)
	require.Equal(t, http.StatusUnauthorized, code)
	got := lines()
	require.Len(t, got, 11)
	require.Equal(t, `level=WARN msg="bc: webhook: refused a post with an unknown clientState" remote=192.0.2.1:1234 throttledBefore=4`, got[10])
	code, _ = post(h, forged)
	require.Equal(t, http.StatusTooManyRequests, code)
}

// Eight posts that find the queue full wait side by side, and each is
// answered 503 when the wait (2 s) has passed.
func TestWebhookPostsToAFullQueueAreAnsweredConcurrently(t *testing.T) {
	t.Parallel()
	clk := bctest.NewManualClock(time.Date(2025, 9, 29, 10, 0, 0, 0, time.UTC))
	h, err := bc.NewWebhookHandler("st", bc.WebhookQueue(1), bc.WebhookClock(clk))
	require.NoError(t, err)
	code, _ := post(h, []byte(`{"value":[`+hookNote+`]}`))
	require.Equal(t, http.StatusAccepted, code)

	codes := make(chan int, 8)
	for range 8 {
		go func() {
			code, _ := post(h, []byte(`{"value":[`+hookNote+`]}`))
			codes <- code
		}()
	}
	// A guard, not a timing assert: with posts waiting in line only one is
	// ever waiting on the clock.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	require.NoError(t, clk.BlockUntil(ctx, 8), "every post waits on its own")
	clk.Advance(2 * time.Second)
	for range 8 {
		require.Equal(t, http.StatusServiceUnavailable, <-codes)
	}
	h.Close()
}
