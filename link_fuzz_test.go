package bc

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzFollowLink feeds arbitrary nextLinks to followLink: whatever BC (or
// anything between it and us) puts there, the next request goes to the
// service host only, over the same scheme, never climbs out of the service
// root, and an absolute link on the host keeps its path and its opaque
// $skiptoken untouched.
func FuzzFollowLink(f *testing.F) {
	for _, s := range []string{
		"https://api.businesscentral.dynamics.com/v2.0/t/e/api/v2.0/companies(1)/customers?$skiptoken=abc%27def",
		"https://API.businesscentral.dynamics.com/v2.0/t/e/x?$skiptoken=1",
		"https://evil.example/v2.0/t/e/api",
		"https://api.businesscentral.dynamics.com@evil.example/x",
		"http://api.businesscentral.dynamics.com/v2.0/t/e/x",
		"//evil.example/x",
		"api/v2.0/companies?$skiptoken=x y",
		"api/../../other",
		"/abs/path",
		"HTTPS://evil.example/x",
		"HTTP://otherhost/x",
		"HTTPS://api.businesscentral.dynamics.com/v2.0/t/e/x?$skiptoken=1",
		"api/%2e%2e/.%2E/x",
		"api/v2.0/companies(%27a%2Fb%27)/customers",
		"%zz",
	} {
		f.Add(s)
	}
	c, err := NewClient("contoso.onmicrosoft.com", "production", WithTokenSource(&staticTokens{}))
	require.NoError(f, err)
	root, err := url.Parse(c.ServiceRoot())
	require.NoError(f, err)
	prev := &request{method: http.MethodGet, header: http.Header{"Prefer": {"odata.maxpagesize=5"}}}

	f.Fuzz(func(t *testing.T, link string) {
		r, err := c.followLink(prev, link)
		if err != nil {
			require.NotContains(t, err.Error(), "Bearer")
			return
		}
		u, err := url.Parse(r.url)
		require.NoError(t, err, "the request URL parses")
		require.Equal(t, root.Scheme, u.Scheme)
		require.True(t, strings.EqualFold(root.Host, u.Host), "link %q led to host %q", link, u.Host)
		require.Empty(t, u.User, "no credentials in the URL")
		require.Equal(t, http.MethodGet, r.method)
		require.Equal(t, "odata.maxpagesize=5", r.header.Get("Prefer"), "the page size carries over")
		if strings.HasPrefix(strings.ToLower(link), "https://") {
			// An absolute link on the host is followed as sent: its path
			// and its query (the opaque $skiptoken) byte for byte.
			want, err := url.Parse(link)
			require.NoError(t, err)
			require.Equal(t, want.EscapedPath(), u.EscapedPath())
			require.Equal(t, want.RawQuery, u.RawQuery)
			return
		}
		require.True(t, strings.HasPrefix(u.Path, root.Path+"/"), "link %q left the service root: %q", link, u.Path)
		require.NotContains(t, u.Path, "..")
	})
}
