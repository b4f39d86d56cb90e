package batch

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/stretchr/testify/require"
)

// The runner resolves each part's URL below the batch's route and hands it
// to the core; the answers come back in order, text bodies as JSON strings.
func TestRunnerHandsEachPartToTheCore(t *testing.T) {
	t.Parallel()
	var seen []string
	b := &Runner{
		Tenant: tenant.New(1, time.Now),
		Serve: func(w http.ResponseWriter, r *http.Request, resource []string) {
			seen = append(seen, r.Method+" "+strings.Join(resource, "/")+" "+r.URL.RawQuery+" "+r.Header.Get("If-Match"))
			if resource[0] == "$metadata" {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = w.Write([]byte("edmx"))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id":"1"}`))
		},
	}
	body := `{"requests":[
		{"id":"a","method":"post","url":"companies(x)/customers?$select=id","headers":{"If-Match":"*"},"body":{"displayName":"A"}},
		{"id":"b","method":"GET","url":"/v2.0/t/e/api/v2.0/$metadata"}]}`
	r := httptest.NewRequest(http.MethodPost, "/v2.0/t/e/api/v2.0/$batch", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	b.Run(w, r, []string{"$batch"})

	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, []string{"POST companies(x)/customers $select=id *", "GET $metadata  "}, seen)
	require.JSONEq(t, `{"responses":[
		{"id":"a","status":201,"headers":{"content-type":"application/json"},"body":{"id":"1"}},
		{"id":"b","status":200,"headers":{"content-type":"text/plain"},"body":"edmx"}]}`, w.Body.String())
}

func TestRunnerRefusesANestedBatch(t *testing.T) {
	t.Parallel()
	b := &Runner{Tenant: tenant.New(1, time.Now), Serve: func(http.ResponseWriter, *http.Request, []string) { t.Fatal("served") }}
	r := httptest.NewRequest(http.MethodPost, "/v2.0/t/e/api/v2.0/$batch", strings.NewReader(`{"requests":[{"id":"a","method":"POST","url":"$batch"}]}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	b.Run(w, r, []string{"$batch"})
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), `"status":400`)
	require.Contains(t, w.Body.String(), "A batch request cannot contain another batch.")
}
