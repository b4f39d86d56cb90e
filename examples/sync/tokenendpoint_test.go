package main

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// No token endpoint at the token URL (nothing listens there) is a setup
// error: the sync says so in one line, at once, and exits 2.
func TestNoTokenEndpointIsOneSetupLine(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now
	h := newHarness(t)
	h.env["BC_TOKEN_URL"] = "http://" + addr + "/{tenant}/oauth2/v2.0/token"

	r := h.run("--out", h.sqlite("none.db"))
	require.Equal(t, 2, r.code, r.stderr)
	require.Equal(t, []string{"sync: listing companies: bc: could not obtain a token from Microsoft Entra: no token endpoint: " + addr +
		" refused the connection — check the token URL (WithTokenURL; the sync's --token-url) and this machine's network and proxy settings (HTTPS_PROXY)"},
		lines(r.stderr))
	require.Zero(t, h.srv.Stats().Requests, "BC was not asked")
}
