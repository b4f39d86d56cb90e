package sets

import (
	"net/http"
	"net/http/httptest"
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
