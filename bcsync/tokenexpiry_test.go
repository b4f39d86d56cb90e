package bcsync_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// TestRenewedTokenExpiringAgainMidRunIsAbsorbed: the tokens end as the 10th
// request arrives, and the token renewed for it ends too before BC reads it
// (the 11th request is that retry). The client renews once more and the run
// ends ok, with exactly the fake's rows — not a setup failure.
func TestRenewedTokenExpiringAgainMidRunIsAbsorbed(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	tn.srv.ExpireTokensAfter(10)
	tn.srv.ExpireTokensAfter(11)
	o := bcsync.Options{Profile: "mosaic", Full: true, PageSize: 50, Workers: 1}
	summary, err := tn.engine(t, o).Run(t.Context())
	require.NoError(t, err)
	require.Equal(t, bcsync.StatusOK, summary.Status)
	st := tn.srv.Stats()
	require.Equal(t, int64(2), st.ExpiredTokens, "the first token, then the one renewed for its 401")
	require.Equal(t, int64(3), st.Tokens, "the first token and two renewals")
	sets, err := synctest.PlanSets("mosaic")
	require.NoError(t, err)
	tn.requireSynced(t, sets)
}

// TestDeadTokensFailTheRunButNotTheSetup: a token endpoint that hands out
// tokens already expired makes the run fail after three token requests
// and three refused attempts, with bc.ErrTokenExpired and no
// *SetupError (the sync exits 1, not 2 with a setup step to fix), and
// nothing is created.
func TestDeadTokensFailTheRunButNotTheSetup(t *testing.T) {
	t.Parallel()
	srv := bctest.NewServer(bctest.WithDemo(bctest.DemoConfig{Seed: 7, Companies: 1, GLEntries: 30}), bctest.WithTokenLifetime(-time.Minute))
	t.Cleanup(srv.Close)
	tenantID, clientID, secret := srv.Credentials()
	client, err := bc.NewClient(tenantID, srv.Environment(), bc.WithBaseURL(srv.BaseURL()),
		bc.WithTokenSource(bc.ClientCredentials(tenantID, clientID, secret, bc.WithTokenURL(srv.TokenURL()))))
	require.NoError(t, err)
	tn := &tenant{srv, client, "sqlite:" + filepath.Join(t.TempDir(), "bc.db")}

	summary, err := tn.engine(t, bcsync.Options{Profile: "mosaic"}).Run(t.Context())
	require.Nil(t, summary)
	require.ErrorIs(t, err, bc.ErrTokenExpired)
	require.NotErrorIs(t, err, bc.ErrUnauthorized)
	var setup *bcsync.SetupError
	require.NotErrorAs(t, err, &setup)
	require.Contains(t, err.Error(), "listing companies: ")
	st := srv.Stats()
	require.Equal(t, int64(3), st.Tokens)
	require.Equal(t, int64(3), st.ExpiredTokens)
	require.NoFileExists(t, tn.dest[len("sqlite:"):])
}
