package query

import (
	"encoding/base64"
	"encoding/json"
)

// SkipToken is the opaque position a nextLink carries: the last row served
// (its seq, and its $orderby values), and what remains of $top.
type SkipToken struct {
	Seq     int64    `json:"s"`
	Order   []string `json:"o,omitempty"`
	TopLeft int      `json:"t"`
}

// Encode writes the token as it goes in a nextLink.
func (s SkipToken) Encode() string {
	b, _ := json.Marshal(s)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeSkipToken reads a token Encode wrote; ok is false for anything else.
func DecodeSkipToken(v string) (tok *SkipToken, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, false
	}
	var s SkipToken
	if json.Unmarshal(b, &s) != nil {
		return nil, false
	}
	return &s, true
}
