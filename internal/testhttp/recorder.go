// Package testhttp holds what the SDK's handler tests share: a recorder of
// the requests a per-test server received.
package testhttp

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Request is one request as the server received it.
type Request struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// Recorder captures requests with their bodies. Its zero value is ready.
type Recorder struct {
	mu   sync.Mutex
	reqs []Request
}

// Handle records each request, then passes it on to answer with its body
// still readable.
func (rc *Recorder) Handle(answer http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, Request{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(body)})
		rc.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		answer(w, r)
	}
}

// Last is the latest request; the test fails if there was none.
func (rc *Recorder) Last(t testing.TB) Request {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	require.NotEmpty(t, rc.reqs)
	return rc.reqs[len(rc.reqs)-1]
}

// All is every request so far, oldest first.
func (rc *Recorder) All() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Request(nil), rc.reqs...)
}

// Reset forgets the requests recorded so far.
func (rc *Recorder) Reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reqs = nil
}
