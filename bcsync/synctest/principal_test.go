package synctest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/stretchr/testify/require"
)

// Three requests held at once count 3; after they end and a reset, one more
// counts 1. The ids are GUIDs, different for each principal.
func TestPrincipalCountsRequestsInFlight(t *testing.T) {
	p, q := NewPrincipal(), NewPrincipal()
	require.True(t, bc.IsGUID(p.Entra) && bc.IsGUID(p.Client), "%s/%s", p.Entra, p.Client)
	require.NotEqual(t, p.Entra, q.Entra)

	arrived, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(p.Count(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			arrived <- struct{}{}
			<-release
		}
	})))
	defer srv.Close()
	get := func(path string) {
		resp, err := http.Get(srv.URL + path)
		if err == nil {
			resp.Body.Close()
		}
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { get("/hold") })
	}
	for range 3 {
		<-arrived
	}
	close(release)
	wg.Wait()
	require.Equal(t, 3, p.MaxInFlight(true))
	get("/")
	require.Equal(t, 1, p.MaxInFlight(false))
	require.Equal(t, 0, q.MaxInFlight(false))
}
