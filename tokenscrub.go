package bc

import (
	"net/url"
	"slices"
	"strings"
)

// redacted replaces a value the client sent wherever a token endpoint's
// answer repeats it.
const redacted = "[redacted]"

// newScrubber returns a replacer that blanks out each of sent — the secret
// values of a token request's form — as the request carried them (form
// encoded, as an endpoint echoing the request body repeats them) and as they
// read once decoded. Empty values are skipped: they would match everywhere.
func newScrubber(sent []string) *strings.Replacer {
	var forms []string
	for _, v := range sent {
		if v == "" {
			continue
		}
		forms = append(forms, v, url.QueryEscape(v), url.PathEscape(v))
	}
	// Longest first, so a value is replaced whole rather than a shorter
	// encoding of it inside.
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	forms = slices.Compact(forms)
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, redacted)
	}
	return strings.NewReplacer(pairs...)
}

// scrub blanks out every field of e that came from the endpoint.
func (e *AuthError) scrub(r *strings.Replacer) {
	for _, s := range []*string{&e.Code, &e.OAuthError, &e.Description, &e.TraceID, &e.CorrelationID} {
		*s = r.Replace(*s)
	}
}
