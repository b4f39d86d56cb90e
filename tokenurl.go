package bc

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// ValidateTokenURL accepts an absolute https token endpoint URL, or plain
// http to a loopback host (a fake endpoint in a test): the token request
// carries the client secret, which must not travel in clear text — the same
// rule the bearer token follows.
func ValidateTokenURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("the token URL %q is not an absolute http(s) URL: give one such as %s", truncate(s, 80), DefaultTokenURL)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return fmt.Errorf("the token URL %s uses plain http, which would send the client secret in clear text: use https (plain http is accepted only to a loopback host)", truncate(s, 80))
	}
	return nil
}

// tokenHTTPClient is hc (or a default client) that never follows a
// redirect: Go re-posts the form on a 307 or 308, and the form holds the
// client secret, which must reach the configured endpoint only.
func tokenHTTPClient(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// tokenTimeout is the bound of one token request: WithTokenTimeout's, else
// the caller's client's own Timeout, else DefaultTokenTimeout.
func tokenTimeout(option time.Duration, hc *http.Client) time.Duration {
	switch {
	case option > 0:
		return option
	case hc != nil && hc.Timeout > 0:
		return hc.Timeout
	}
	return DefaultTokenTimeout
}

func redirect(status int) bool { return status >= 300 && status < 400 }

// redirectError is the final failure for a token endpoint that answered with
// a redirect, which was not followed. It names where the endpoint pointed, so
// the user can check that address and configure it directly.
func redirectError(resp *http.Response, tokenURL string, sent []string) *AuthError {
	to := "another address"
	if loc := resp.Header.Get("Location"); loc != "" {
		to = truncate(newScrubber(sent).Replace(loc), 120)
	}
	return &AuthError{
		Problem:    ProblemNoTokenEndpoint,
		StatusCode: resp.StatusCode,
		Description: fmt.Sprintf("%s answered %s, a redirect to %s, which was not followed (it would send the client secret there): configure the token URL the endpoint really has",
			truncate(tokenURL, 120), resp.Status, to),
	}
}
