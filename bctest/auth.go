package bctest

// ExpireTokens ends every token issued so far, as if their lifetime had run
// out: BC answers requests carrying one with 401 "The access token has
// expired", so tests can make tokens expire mid-run whatever their lifetime.
func (s *Server) ExpireTokens() {
	s.tokens.ExpireAll()
}

// ExpireTokensAfter is ExpireTokens as the n-th BC request from now arrives,
// before its token is checked (see AtRequest). Expiry tied to a request
// rather than to a moment makes a mid-run expiry deterministic: a token
// fetched after it stays good, however slowly the client gets to use it,
// whereas a timer could end that token too before its first use. cancel
// disarms it if it has not happened yet.
func (s *Server) ExpireTokensAfter(n int) (cancel func() bool) { return s.AtRequest(n, s.ExpireTokens) }

// IssuedTokens returns every access token the fake has issued, so a test can
// prove none of them leaked into logs, errors or stores.
func (s *Server) IssuedTokens() []string {
	return s.tokens.Issued()
}
