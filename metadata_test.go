package bc_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// seenRequests records each request's "METHOD path" and Accept header.
type seenRequests struct {
	mu   sync.Mutex
	seen []string
}

func (s *seenRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.seen = append(s.seen, r.Method+" "+r.URL.EscapedPath()+" Accept: "+r.Header.Get("Accept"))
	s.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestRouteMetadata(t *testing.T) {
	t.Parallel()
	srv := bctest.NewServer(bctest.WithEmptyTenant(), bctest.WithCustomAPI("bcsdk", "demo", "v1.0", bctest.JobTasksAPI()))
	defer srv.Close()
	seen := &seenRequests{}
	c := srv.Client(bc.WithHTTPClient(&http.Client{Transport: seen}))
	tenant, env := c.TenantID(), c.Environment()

	std, err := c.StandardAPI().Metadata(t.Context())
	require.NoError(t, err)
	_, ok := std.EntitySet("customers")
	require.True(t, ok)

	custom, err := c.API("bcsdk", "demo", "v1.0").Metadata(t.Context())
	require.NoError(t, err)
	var names []string
	for _, es := range custom.EntitySets {
		names = append(names, es.Name)
	}
	require.Equal(t, []string{"companies", "jobTasks"}, names)

	seen.mu.Lock()
	defer seen.mu.Unlock()
	var bcRequests []string
	for _, s := range seen.seen {
		if s[:4] == "GET " && s[4:9] == "/v2.0" {
			bcRequests = append(bcRequests, s)
		}
	}
	require.Equal(t, []string{
		"GET /v2.0/" + tenant + "/" + env + "/api/v2.0/$metadata Accept: application/xml",
		"GET /v2.0/" + tenant + "/" + env + "/api/bcsdk/demo/v1.0/$metadata Accept: application/xml",
	}, bcRequests)
}

func TestRouteMetadataUnknownRoute(t *testing.T) {
	t.Parallel()
	srv := bctest.NewServer(bctest.WithEmptyTenant())
	defer srv.Close()

	svc, err := srv.Client().API("contoso", "missing", "v1.0").Metadata(t.Context())
	require.Nil(t, svc)
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	require.Equal(t, "GET", apiErr.Method)
	require.Equal(t, "BadRequest_NotFound", apiErr.Code)
}
