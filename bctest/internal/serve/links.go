package serve

import (
	"strings"

	"github.com/bcsdk/bc/bctest/internal/query"
)

// nextLink is the request URL with its query kept verbatim and the
// $skiptoken replaced, made absolute, as BC does.
func (c *reqContext) nextLink(tok query.SkipToken) string { return c.linkWith(tok.Encode()) }

// linkWith is the request URL, absolute, with its $skiptoken replaced by
// token, or dropped when token is empty.
func (c *reqContext) linkWith(token string) string {
	var kept []string
	for _, part := range strings.Split(c.r.URL.RawQuery, "&") {
		if part == "" || strings.HasPrefix(part, "$skiptoken=") || strings.HasPrefix(part, "%24skiptoken=") {
			continue
		}
		kept = append(kept, part)
	}
	if token != "" {
		kept = append(kept, "$skiptoken="+token)
	}
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host + c.r.URL.EscapedPath() + "?" + strings.Join(kept, "&")
}
