package sets

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/stretchr/testify/require"
)

const (
	testTenant  = "11111111-2222-3333-4444-555555555555"
	testCompany = "3ab5c248-e72b-f011-9a4a-7c1e5275406f"
	invoiceID   = "a417d159-d936-f011-9a4a-7c1e5271c536"
	apiPrefix   = "/" + testTenant + "/Production/api/v2.0"
)

// setup starts a per-test server and a client (without auth) pointed at it.
func setup(t *testing.T) (*bc.Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := bc.NewClient(testTenant, "Production", bc.WithBaseURL(srv.URL), bc.WithoutAuth())
	require.NoError(t, err)
	return c, mux
}

func writeRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// recorder captures requests with their bodies.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method, path, query string
	header              http.Header
	body                string
}

func (rc *recorder) handle(answer func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(body)})
		rc.mu.Unlock()
		answer(w, r)
	}
}

func (rc *recorder) last(t *testing.T) recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	require.NotEmpty(t, rc.reqs)
	return rc.reqs[len(rc.reqs)-1]
}
