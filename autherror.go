package bc

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"

	"golang.org/x/oauth2"
)

// AuthProblem classifies a failure to obtain a token by the setup value or
// step that has to change.
type AuthProblem int

// The AuthProblem values. Each maps to one value the BC admin handed over
// (tenant ID, client ID, client secret) or one step of the setup guide.
const (
	ProblemUnknown         AuthProblem = iota // an Entra error not classified below
	ProblemMalformedTenant                    // the tenant ID is not a GUID or domain
	ProblemUnknownTenant                      // Entra does not know the tenant
	ProblemMalformedClient                    // the client ID is not a GUID
	ProblemUnknownClient                      // no app with that client ID in the tenant
	ProblemMissingSecret                      // no secret was given
	ProblemInvalidSecret                      // the secret is wrong (often the secret's ID instead of its value)
	ProblemExpiredSecret                      // the secret has expired
	ProblemMissingConsent                     // API permissions lack admin consent, or BC is not provisioned in the tenant
	ProblemAppDisabled                        // the app or its service principal is disabled
	ProblemInvalidScope                       // the scope asked for is not valid
	ProblemUnreachable                        // the token endpoint could not be reached or failed (temporary)
	ProblemNoTokenEndpoint                    // the token URL's host is unknown to DNS or refuses connections
)

var problemNames = map[AuthProblem]string{
	ProblemUnknown: "unknown", ProblemMalformedTenant: "malformed tenant ID", ProblemUnknownTenant: "unknown tenant",
	ProblemMalformedClient: "malformed client ID", ProblemUnknownClient: "unknown client ID",
	ProblemMissingSecret: "missing client secret", ProblemInvalidSecret: "invalid client secret",
	ProblemExpiredSecret: "expired client secret", ProblemMissingConsent: "missing admin consent",
	ProblemAppDisabled: "app disabled", ProblemInvalidScope: "invalid scope", ProblemUnreachable: "token endpoint unreachable",
	ProblemNoTokenEndpoint: "no token endpoint",
}

// String names the problem.
func (p AuthProblem) String() string {
	if s, ok := problemNames[p]; ok {
		return s
	}
	return fmt.Sprintf("AuthProblem(%d)", int(p))
}

// Fix says, in the words of the setup guide, what to change.
func (p AuthProblem) Fix() string {
	switch p {
	case ProblemMalformedTenant, ProblemUnknownTenant:
		return "check the tenant ID: use the Directory (tenant) ID shown on the app registration's overview page in Microsoft Entra"
	case ProblemMalformedClient, ProblemUnknownClient:
		return "check the client ID: use the Application (client) ID of the app registration, registered in this tenant"
	case ProblemMissingSecret:
		return "give the client secret (BC_CLIENT_SECRET)"
	case ProblemInvalidSecret:
		return "check the client secret: use the secret's Value (shown once when it was created), not its Secret ID; create a new secret under Certificates & secrets if the value is lost"
	case ProblemExpiredSecret:
		return "the client secret has expired: create a new one under Certificates & secrets of the app registration and hand over its Value"
	case ProblemMissingConsent:
		return "grant admin consent: in the app registration's API permissions, add Dynamics 365 Business Central application permissions API.ReadWrite.All (and Automation.ReadWrite.All) and click \"Grant admin consent\""
	case ProblemAppDisabled:
		return "the app is disabled in Microsoft Entra: enable its enterprise application (Properties → Enabled for users to sign in)"
	case ProblemInvalidScope:
		return "use the scope https://api.businesscentral.dynamics.com/.default"
	case ProblemUnreachable:
		return "the Microsoft Entra token endpoint could not be reached; check the network or the token URL, then retry"
	case ProblemNoTokenEndpoint:
		return "check the token URL (WithTokenURL; the sync's --token-url) and this machine's network and proxy settings (HTTPS_PROXY)"
	}
	return "see the Entra error code at https://login.microsoftonline.com/error"
}

// AuthError is a failure to obtain a token from Microsoft Entra. Problem says
// which handed-over value or setup step is wrong; Code is Entra's AADSTS code.
type AuthError struct {
	Problem AuthProblem
	// Code is Entra's code, e.g. "AADSTS7000215".
	Code string
	// OAuthError is the OAuth2 error, e.g. "invalid_client".
	OAuthError string
	// Description is Entra's first sentence, without trace lines.
	Description string
	// StatusCode is the token endpoint's HTTP status (0 if none was received).
	StatusCode int
	// TraceID and CorrelationID identify the failure to Microsoft support.
	TraceID, CorrelationID string
	// Err is the underlying error for network failures.
	Err error
}

// Error says what failed and what to fix in one line.
func (e *AuthError) Error() string {
	var b strings.Builder
	b.WriteString("bc: could not obtain a token from Microsoft Entra: ")
	b.WriteString(e.Problem.String())
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.Err != nil && e.Description == "" {
		b.WriteString(": " + e.Err.Error())
	}
	b.WriteString(" — " + e.Problem.Fix())
	return b.String()
}

// Unwrap returns the underlying network error, if any.
func (e *AuthError) Unwrap() error { return e.Err }

// Temporary reports whether trying again later may succeed: the endpoint
// could not be reached, or answered with a status that says "later" (5xx,
// 429, 408). Any other answer is final, whatever code its body carries, so
// a token request, which carries the secret, is not repeated for it.
func (e *AuthError) Temporary() bool {
	return e.Problem == ProblemUnreachable && (e.StatusCode == 0 || retryableStatus(e.StatusCode))
}

func retryableStatus(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout
}

// aadstsProblems maps Entra's AADSTS codes to the setup value or step to fix.
// Codes: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
var aadstsProblems = map[string]AuthProblem{
	"AADSTS90002":   ProblemUnknownTenant,   // Tenant '…' not found
	"AADSTS90019":   ProblemUnknownTenant,   // no tenant-identifying information found
	"AADSTS50059":   ProblemUnknownTenant,   // no tenant-identifying information found
	"AADSTS900023":  ProblemMalformedTenant, // tenant identifier is neither a valid DNS name nor an external domain
	"AADSTS700016":  ProblemUnknownClient,   // application not found in the directory
	"AADSTS7000215": ProblemInvalidSecret,   // invalid client secret provided
	"AADSTS7000222": ProblemExpiredSecret,   // the client secret keys are expired
	"AADSTS7000218": ProblemMissingSecret,   // body must contain client_assertion or client_secret
	"AADSTS65001":   ProblemMissingConsent,  // consent not granted
	"AADSTS650051":  ProblemMissingConsent,  // consent not granted
	"AADSTS500011":  ProblemMissingConsent,  // resource principal (Business Central) not found in the tenant
	"AADSTS501051":  ProblemMissingConsent,  // app not assigned a role for the resource
	"AADSTS7000112": ProblemAppDisabled,     // application is disabled
	"AADSTS70011":   ProblemInvalidScope,    // invalid scope
	"AADSTS1002012": ProblemInvalidScope,    // scope value is not valid
	"AADSTS90033":   ProblemUnreachable,     // transient error, try again
	"AADSTS90055":   ProblemUnreachable,     // too many requests
	"AADSTS50196":   ProblemUnreachable,     // client loop detected, back off
}

var aadstsInText = regexp.MustCompile(`AADSTS\d+`)

// entraErrorBody is the JSON error body of Entra's token endpoint.
type entraErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
}

// ParseTokenError turns a token endpoint's error response body into an
// *AuthError. It accepts any bytes and never fails. sent are the secret values
// the request carried (the client secret, an assertion): each is replaced by
// "[redacted]" wherever the body repeats it, raw or form encoded, before
// anything of the body reaches the error — an endpoint that echoes the
// request must not put the secret into a log line.
func ParseTokenError(status int, body []byte, sent ...string) *AuthError {
	scrub := newScrubber(sent)
	body = []byte(scrub.Replace(string(body)))
	e := &AuthError{StatusCode: status}
	var b entraErrorBody
	if json.Unmarshal(body, &b) == nil {
		e.OAuthError = b.Error
		e.TraceID, e.CorrelationID = b.TraceID, b.CorrelationID
		e.Description = firstSentence(b.ErrorDescription)
		if len(b.ErrorCodes) > 0 {
			e.Code = fmt.Sprintf("AADSTS%d", b.ErrorCodes[0])
		}
	}
	if e.Code == "" {
		e.Code = aadstsInText.FindString(e.Description)
		if e.Code == "" {
			e.Code = aadstsInText.FindString(string(body))
		}
	}
	if e.Description == "" && e.OAuthError == "" {
		e.Description = firstLine(body, 200)
	}
	// Decoding JSON escapes can spell a value out again.
	e.scrub(scrub)
	e.Problem = classifyTokenError(e)
	return e
}

func classifyTokenError(e *AuthError) AuthProblem {
	if p, ok := aadstsProblems[e.Code]; ok {
		return p
	}
	switch {
	case retryableStatus(e.StatusCode):
		return ProblemUnreachable
	case e.OAuthError == "invalid_scope":
		return ProblemInvalidScope
	case e.OAuthError == "unauthorized_client" && e.Code == "":
		return ProblemUnknownClient
	}
	return ProblemUnknown
}

// firstSentence keeps Entra's message and drops the "Trace ID: … Correlation
// ID: … Timestamp: …" lines that follow it.
func firstSentence(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "AADSTS") {
		s = s[i+2:]
	}
	return strings.TrimSpace(s)
}

// tokenError maps an error from x/oauth2, fetching a token from tokenURL with
// the secret values sent, to *AuthError.
func tokenError(err error, tokenURL string, sent ...string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.Response == nil {
			return ParseTokenError(0, re.Body, sent...)
		}
		if redirect(re.Response.StatusCode) {
			return redirectError(re.Response, tokenURL, sent)
		}
		return ParseTokenError(re.Response.StatusCode, re.Body, sent...)
	}
	if why := noEndpoint(err); why != "" {
		return &AuthError{Problem: ProblemNoTokenEndpoint, Description: hostOf(tokenURL) + " " + why, Err: err}
	}
	return &AuthError{Problem: ProblemUnreachable, Err: err}
}

// hostOf is the host of the token URL, for messages; the URL itself if it
// has none.
func hostOf(tokenURL string) string {
	if u, err := url.Parse(tokenURL); err == nil && u.Host != "" {
		return u.Host
	}
	return tokenURL
}

// noEndpoint says why no token endpoint answers when trying again cannot
// help — its host is unknown to DNS, or nothing listens at its address — and
// "" for the network failures that may pass (timeouts, resets, a DNS server
// not answering). Those are a wrong token URL, a missing proxy or no network:
// setup, to be fixed before anything else, not waited out.
func noEndpoint(err error) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return "is unknown to DNS (no such host)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused the connection"
	}
	return ""
}
