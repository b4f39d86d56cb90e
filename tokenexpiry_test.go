package bc

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// expiredHint is APIError.Hint for a token BC still finds expired after the
// client's renewals.
const expiredHint = "BC found the access token expired even after the client renewed it: check that this machine's clock " +
	"is right and that a custom token source hands out fresh tokens"

// TestRenewedTokenExpiredBeforeUseIsRenewedAgain: a token renewed after a
// 401 that has expired again by the time BC reads it (a loaded machine, a
// short-lived token) is renewed once more, whether BC says so in the
// message or only in WWW-Authenticate, and the call succeeds.
func TestRenewedTokenExpiredBeforeUseIsRenewedAgain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		challenge string // WWW-Authenticate of the refusal
		message   string
	}{
		{"the message says expired", "", "The access token has expired."},
		{"only WWW-Authenticate says expired", `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="The token is expired"`,
			"The server has rejected the client credentials."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, tokens := setup(t)
			seen := serveRecordingAuth(mux, func(w http.ResponseWriter, r *http.Request) {
				switch r.Header.Get("Authorization") {
				case "Bearer tok-1", "Bearer tok-2":
					if tt.challenge != "" {
						w.Header().Set("WWW-Authenticate", tt.challenge)
					}
					writeRaw(w, 401, bcError("Authentication_InvalidCredentials", tt.message))
				default:
					ok(w, r)
				}
			})
			_, err := doRaw(t, c, http.MethodPost)
			require.NoError(t, err)
			require.Equal(t, []string{"Bearer tok-1", "Bearer tok-2", "Bearer tok-3"}, seen())
			require.Equal(t, int32(3), tokens.calls.Load(), "the first token and two renewals")
			require.Equal(t, int64(2), c.Stats().ForcedRefreshes)
		})
	}
}

// TestDeadTokensGiveABoundedErrorThatIsNotSetup: a token endpoint that only
// hands out tokens already expired costs each request three token requests
// and three attempts, and the error is ErrTokenExpired with the clock hint —
// never ErrUnauthorized, whose hint sends the user to BC's "Microsoft Entra
// Applications" page.
func TestDeadTokensGiveABoundedErrorThatIsNotSetup(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	ts.expiresIn = -60
	c, mux, _ := setup(t, WithTokenSource(ClientCredentials(testTenant, testClient, testSecret, WithTokenURL(ts.url()))))
	seen := serveRecordingAuth(mux, func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 401, bcError("Authentication_InvalidCredentials", "The access token has expired."))
	})
	_, err := doRaw(t, c, http.MethodGet)
	require.Equal(t, []string{"Bearer entra-1", "Bearer entra-2", "Bearer entra-3"}, seen())
	require.Equal(t, int32(3), ts.calls.Load(), "the first token and two renewals, then the 401 is the answer")
	require.ErrorIs(t, err, ErrTokenExpired)
	require.NotErrorIs(t, err, ErrUnauthorized)
	var apiErr *APIError
	require.True(t, errors.As(err, &apiErr))
	require.Equal(t, expiredHint, apiErr.Hint())
	require.NotContains(t, err.Error(), "Microsoft Entra Applications")
	require.NotContains(t, err.Error(), "entra-")
}

// TestExpiredTokenSentinels: a 401 is ErrTokenExpired when its message or
// its Bearer challenge says the token expired, and ErrUnauthorized otherwise.
func TestExpiredTokenSentinels(t *testing.T) {
	t.Parallel()
	challenge := func(v string) http.Header { return http.Header{"Www-Authenticate": {v}} }
	tests := []struct {
		name    string
		status  int
		msg     string
		header  http.Header
		expired bool
	}{
		{"message", 401, "The access token has expired.", nil, true},
		{"identity model's words", 401, "IDX10223: Lifetime validation failed. The token is expired.", nil, true},
		{"challenge", 401, "The server has rejected the client credentials.", challenge(`Bearer error="invalid_token", error_description="The access token expired"`), true},
		{"challenge in other case", 401, "", challenge(`bearer ERROR_DESCRIPTION = "Token Expired"`), true},
		{"an invalid token that did not expire", 401, "The server has rejected the client credentials.", challenge(`Bearer error="invalid_token", error_description="The signature is invalid"`), false},
		{"expired elsewhere in the challenge", 401, "", challenge(`Bearer realm="expired", error="invalid_token"`), false},
		{"app not accepted", 401, "The server has rejected the client credentials.", nil, false},
		{"not a 401", 400, "The quote has expired.", challenge(`Bearer error_description="expired"`), false},
	}
	for _, tt := range tests {
		e := &APIError{StatusCode: tt.status, Code: "Authentication_InvalidCredentials", Message: tt.msg, Header: tt.header}
		require.Equal(t, tt.expired, errors.Is(e, ErrTokenExpired), tt.name)
		require.Equal(t, tt.status == 401 && !tt.expired, errors.Is(e, ErrUnauthorized), tt.name)
	}
}
