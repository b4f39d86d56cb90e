package bctest

import (
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestTokenEndpointErrorsMapToSetupSteps(t *testing.T) {
	t.Parallel()
	srv := NewServer(WithEmptyTenant())
	t.Cleanup(srv.Close)
	tenant, client, secret := srv.Credentials()
	tests := []struct {
		name                   string
		tenant, client, secret string
		app                    *App
		want                   bc.AuthProblem
	}{
		{"unknown tenant", "99999999-9999-9999-9999-999999999999", client, secret, nil, bc.ProblemUnknownTenant},
		{"unknown client", tenant, "99999999-9999-9999-9999-999999999999", secret, nil, bc.ProblemUnknownClient},
		{"wrong secret", tenant, client, "wrong", nil, bc.ProblemInvalidSecret},
		{"expired secret", tenant, client, secret, &App{SecretExpired: true}, bc.ProblemExpiredSecret},
		{"disabled app", tenant, client, secret, &App{Disabled: true}, bc.ProblemAppDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srv
			if tt.app != nil {
				s = NewServer(WithEmptyTenant(), WithApp(*tt.app))
				t.Cleanup(s.Close)
			}
			_, err := bc.ClientCredentials(tt.tenant, tt.client, tt.secret, bc.WithTokenURL(s.TokenURL())).Token()
			var ae *bc.AuthError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tt.want, ae.Problem, err.Error())
			require.NotEmpty(t, ae.TraceID)
		})
	}
}

func TestAppNotRegisteredInBC(t *testing.T) {
	t.Parallel()
	app := DefaultApp()
	app.Registered = false
	srv, co := newCustomers(t, 1, WithApp(app))
	c := srv.Client(bc.WithRetryPolicy(fastPolicy()))
	_, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 401, apiErr.StatusCode)
	require.Equal(t, "Authentication_InvalidCredentials", apiErr.Code)
	require.Equal(t, "The server has rejected the client credentials.", apiErr.Message)
	require.Len(t, apiErr.CorrelationID, 36)
	require.Contains(t, err.Error(), "Microsoft Entra Applications")
	require.Equal(t, int64(2), srv.Stats().Unauthorized, "one forced refresh, one retry")
}

func TestMissingPermissionSet(t *testing.T) {
	t.Parallel()
	app := DefaultApp()
	app.DeniedSets = []string{"generalLedgerEntries"}
	srv, co := newCustomers(t, 1, WithApp(app))
	c := srv.Client()
	_, err := sets.For(c.Company(co.ID)).GeneralLedgerEntries().List(nil).Collect(t.Context())
	require.ErrorIs(t, err, bc.ErrForbidden)
	require.Contains(t, err.Error(), "Sorry, the current permissions prevented the action. (TableData 17 G/L Entry Read")
	_, err = sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	require.NoError(t, err, "other sets stay readable")
}

func TestTokensExpireAndTheClientRecovers(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(time.Date(2025, 9, 29, 9, 0, 0, 0, time.UTC))
	srv, co := newCustomers(t, 3, WithClock(clk))
	tenant, client, secret := srv.Credentials()
	base := bc.ClientCredentials(tenant, client, secret, bc.WithTokenURL(srv.TokenURL()))
	c, err := bc.NewClient(tenant, srv.Environment(), bc.WithBaseURL(srv.BaseURL()), bc.WithTokenSource(oauth2.ReuseTokenSource(&oauth2.Token{AccessToken: "x"}, base)))
	require.NoError(t, err)
	_, err = sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	require.Error(t, err, "an invalid token is refused")

	// The client's cache runs on real time, so only the fake knows the
	// token's hour is up: BC's 401 must make the client renew it.
	c, err = bc.NewClient(tenant, srv.Environment(), bc.WithBaseURL(srv.BaseURL()), bc.WithTokenSource(base))
	require.NoError(t, err)
	_, err = sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Zero(t, srv.Stats().ExpiredTokens)
	clk.Advance(time.Hour) // the token's lifetime on the fake's clock
	items, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, items, 3)
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens)
	require.Equal(t, int64(1), c.Stats().ForcedRefreshes)
}

func TestExpireTokensEndsThemMidRun(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 3)
	tenant, client, secret := srv.Credentials()
	ts := bc.ClientCredentials(tenant, client, secret, bc.WithTokenURL(srv.TokenURL()))
	c, err := bc.NewClient(tenant, srv.Environment(), bc.WithBaseURL(srv.BaseURL()), bc.WithTokenSource(ts))
	require.NoError(t, err)
	customers := sets.For(c.Company(co.ID)).Customers()
	_, err = customers.List(nil).Collect(t.Context())
	require.NoError(t, err)
	for round := 1; round <= 3; round++ {
		srv.ExpireTokens()
		items, err := customers.List(nil).Collect(t.Context())
		require.NoError(t, err)
		require.Len(t, items, 3)
		require.Equal(t, int64(round), srv.Stats().ExpiredTokens)
		require.Equal(t, int64(round), c.Stats().ForcedRefreshes)
	}
	require.Len(t, srv.IssuedTokens(), 4, "the first token and one per round")
}

func TestExpireTokensAfterEndsThemAtTheChosenRequest(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 3)
	c := srv.Client()
	list := func() {
		t.Helper()
		items, err := sets.For(c.Company(co.ID)).Customers().List(nil).Collect(t.Context())
		require.NoError(t, err)
		require.Len(t, items, 3)
	}
	srv.ExpireTokensAfter(3)
	list()
	list()
	require.Zero(t, srv.Stats().ExpiredTokens, "the first two requests come before the expiry")
	list()
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens, "the third request's token has ended")
	require.Equal(t, int64(1), c.Stats().ForcedRefreshes)
	for range 5 {
		list()
	}
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens, "one expiry, and the renewed token lives on")
	require.Len(t, srv.IssuedTokens(), 2)

	cancel := srv.ExpireTokensAfter(1)
	require.True(t, cancel())
	require.False(t, cancel(), "disarmed once")
	list()
	require.Equal(t, int64(1), srv.Stats().ExpiredTokens, "a disarmed expiry ends nothing")
}
