package record_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/bctest/internal/record"
)

// This test records the fake BC, so it is an external test: package bctest
// imports package record. export_test.go lends it the session helpers.

// TestRecordFakeBC records a session with the fake BC served as BC online and
// Entra (their real host names, over TLS, throttling a third of the
// requests), then replays it with the fake ids.
func TestRecordFakeBC(t *testing.T) {
	t.Parallel()
	fake := bctest.NewUnstartedServer(bctest.WithFaults(bctest.Faults{Seed: 7, Throttle: 0.3, RetryAfter: time.Millisecond}))
	srv := httptest.NewTLSServer(fake.Handler())
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	tenant, clientID, secret := fake.Credentials()

	path := filepath.Join(t.TempDir(), "fake.json")
	rec := record.NewRecorder(path, record.Redirect(u, srv.Client().Transport), record.Redact(secret))
	hc := &http.Client{Transport: rec}
	c, err := bc.NewClient(tenant, fake.Environment(), bc.WithHTTPClient(hc),
		bc.WithTokenSource(bc.ClientCredentials(tenant, clientID, secret, bc.WithTokenHTTPClient(hc))))
	require.NoError(t, err)
	live, err := record.RunSession(t.Context(), c, "")
	require.NoError(t, err)
	require.Greater(t, live.Stats.Throttled, int64(0))
	require.Greater(t, len(live.Customers), 2, "several pages")
	require.NoError(t, rec.Save())

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	secrets := []string{secret, tenant, clientID, "https://api.businesscentral.dynamics.com", "https://login.microsoftonline.com", u.Host}
	tokens := fake.IssuedTokens()
	require.NotEmpty(t, tokens)
	secrets = append(secrets, tokens...)
	for _, co := range fake.Tenant().Companies() {
		secrets = append(secrets, co.ID)
	}
	record.RequireAbsent(t, data, secrets...)
	require.Contains(t, string(data), `&$skiptoken=eyJ`, "base64 skiptokens are not mistaken for JWTs")
	require.Contains(t, string(data), `"@odata.nextLink": "https://bc.invalid/v2.0/`+record.FakeTenantID+`/Production/api/v2.0/companies(00000000-0000-0000-c0c0-`)

	rep, err := record.NewReplayer(path)
	require.NoError(t, err)
	hc = &http.Client{Transport: rep}
	c, err = bc.NewClient(record.FakeTenantID, "Production", bc.WithHTTPClient(hc), bc.WithBaseURL(record.FakeBaseURL), bc.WithTokenSource(
		bc.ClientCredentials(record.FakeTenantID, record.FakeClientID, "x", bc.WithTokenURL(record.FakeTokenURL), bc.WithTokenHTTPClient(hc))))
	require.NoError(t, err)
	replayed, err := record.RunSession(t.Context(), c, "")
	require.NoError(t, err)
	require.Empty(t, rep.Unused())
	for i := range live.Companies {
		require.Equal(t, record.FakeCompanyID(live.Companies[i].ID), replayed.Companies[i].ID)
		live.Companies[i].ID = replayed.Companies[i].ID
	}
	require.Equal(t, record.ZeroCorrelationID, replayed.NotFound.CorrelationID)
	live.NotFound.CorrelationID = record.ZeroCorrelationID
	live.Stats.MaxInFlight, replayed.Stats.MaxInFlight = 0, 0
	record.ForgetReads(&live)
	record.ForgetReads(&replayed)
	require.Equal(t, live, replayed)
}
