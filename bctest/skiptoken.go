package bctest

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// skipToken is the opaque position a nextLink carries: the last row served
// (its seq, and its $orderby values), and what remains of $top.
type skipToken struct {
	Seq     int64    `json:"s"`
	Order   []string `json:"o,omitempty"`
	TopLeft int      `json:"t"`
}

func (s skipToken) encode() string {
	b, _ := json.Marshal(s)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeSkipToken(v string) (*skipToken, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, false
	}
	var s skipToken
	if json.Unmarshal(b, &s) != nil {
		return nil, false
	}
	return &s, true
}

// nextLink is the request URL with its query kept verbatim and the
// $skiptoken replaced, made absolute, as BC does.
func (c *reqContext) nextLink(tok skipToken) string { return c.linkWith(tok.encode()) }

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
