package bc

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Sentinel errors for errors.Is. Every *APIError matches at most a few of them,
// decided by [APIError.Is].
var (
	// ErrNotFound: the entity, company or route does not exist (HTTP 404).
	ErrNotFound = errors.New("bc: not found")
	// ErrConflict: the entity changed since its ETag was read (HTTP 409,
	// Request_EntityChanged "Another user has already changed the record").
	ErrConflict = errors.New("bc: conflict: the entity changed since it was read")
	// ErrPrecondition: the request lacks a valid concurrency token (HTTP 412, or
	// BC's BadRequest_InvalidToken when If-Match is missing or malformed).
	ErrPrecondition = errors.New("bc: precondition failed")
	// ErrThrottled: BC refused the request because of its rate or concurrency
	// limits (HTTP 429) even after the client's retries.
	ErrThrottled = errors.New("bc: throttled")
	// ErrUnauthorized: BC rejected the credentials (HTTP 401) for another
	// reason than an expired token: the app is not registered or enabled in
	// BC, or the token is not meant for BC. A setup step, not a passing state.
	ErrUnauthorized = errors.New("bc: unauthorized")
	// ErrTokenExpired: BC refused the token as expired (HTTP 401) even after
	// the client renewed it (see [APIError.Hint]). It passes with time or a
	// fresh token; it is never a setup step.
	ErrTokenExpired = errors.New("bc: the access token expired")
	// ErrForbidden: the app is authenticated but lacks permission (HTTP 403, or
	// a BC Authorization_* code, or "the current permissions prevented the action").
	ErrForbidden = errors.New("bc: forbidden")
)

// maxErrorBody bounds how much of an error response is kept in memory.
const maxErrorBody = 64 << 10

// APIError is returned for every response BC answers with a non-2xx status.
// Use errors.As to read it and errors.Is with the sentinels above to classify it.
type APIError struct {
	// StatusCode is the HTTP status of the final attempt.
	StatusCode int
	// Code is BC's error code, e.g. "Authentication_InvalidCredentials",
	// "BadRequest_NotFound", "Request_EntityChanged", "Internal_CompanyNotFound".
	Code string
	// Message is BC's message without the trailing "CorrelationId: …" sentence.
	Message string
	// CorrelationID is BC's correlation id, from the message or response headers;
	// quote it to Microsoft support.
	CorrelationID string
	// RequestID is the request id the client sent (client-request-id) or BC echoed.
	RequestID string
	// Method and URL of the request; the URL carries no credentials.
	Method, URL string
	// Attempts is how many times the request was sent.
	Attempts int
	// Retries lists why each earlier attempt failed, oldest first.
	Retries []string
	// RetryAfter is the wait BC asked for, if it sent Retry-After.
	RetryAfter time.Duration
	// Body is the start of the raw response body (at most 64 KiB).
	Body []byte
	// Header holds the response headers.
	Header http.Header
}

// Error reads like "GET …/customers: 404 BadRequest_NotFound: message (correlation id …, 1 attempt)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bc: %s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else if e.Code == "" {
		b.WriteString(" " + http.StatusText(e.StatusCode))
	}
	if hint := e.Hint(); hint != "" {
		b.WriteString(" — " + hint)
	}
	var extra []string
	if e.CorrelationID != "" {
		extra = append(extra, "correlation id "+e.CorrelationID)
	}
	switch {
	case e.Attempts > 1 && len(e.Retries) > 0:
		extra = append(extra, fmt.Sprintf("%d attempts: %s", e.Attempts, strings.Join(e.Retries, "; ")))
	case e.Attempts > 1:
		extra = append(extra, fmt.Sprintf("%d attempts", e.Attempts))
	case len(e.Retries) > 0:
		extra = append(extra, strings.Join(e.Retries, "; "))
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return b.String()
}

// Hint says what to fix for the errors whose cause is a setup step rather than
// the request, and "" for the others. BC answers 401
// Authentication_InvalidCredentials both for an app it does not accept and
// for an expired token; only the message tells them apart, and an expired
// token is not a setup step: the client renews a refused token and retries
// once on its own.
func (e *APIError) Hint() string {
	switch {
	case e.tokenExpired():
		return "BC found the access token expired even after the client renewed it: check that this machine's clock " +
			"is right and that a custom token source hands out fresh tokens"
	case e.Code == "Authentication_InvalidCredentials":
		return "Entra issued a token but Business Central does not accept this app: in Business Central open the " +
			`"Microsoft Entra Applications" page (older name "Azure Active Directory Applications"), add the app's ` +
			"client ID, set State = Enabled and assign permission sets such as D365 AUTOMATION"
	case e.permissionDenied():
		return "the app is registered in Business Central but its permission sets do not cover this data: " +
			`add the missing permission set to the app on the "Microsoft Entra Applications" page`
	case e.Code == "Internal_CompanyNotFound":
		return "the request names no company or an unknown one: list companies first and use a company id"
	}
	return ""
}

// tokenExpired reports BC's 401 for a token past its lifetime.
func (e *APIError) tokenExpired() bool { return expiredToken(e.StatusCode, e.Header, e.Message) }

// expiredToken reports a 401 that says the token's lifetime ran out, in the
// error message ("The access token has expired.", "… The token is expired.")
// or in the Bearer challenge of WWW-Authenticate (RFC 6750 §3:
// error="invalid_token", error_description="The access token expired"),
// which is the only place some front ends say it.
func expiredToken(status int, h http.Header, message string) bool {
	if status != http.StatusUnauthorized {
		return false
	}
	m := strings.ToLower(message)
	if strings.Contains(m, "token") && strings.Contains(m, "expired") {
		return true
	}
	for _, c := range h.Values("WWW-Authenticate") {
		if d := challengeDescription.FindStringSubmatch(c); d != nil && strings.Contains(strings.ToLower(d[1]), "expired") {
			return true
		}
	}
	return false
}

// challengeDescription finds error_description="…" in a WWW-Authenticate challenge.
var challengeDescription = regexp.MustCompile(`(?i)\berror_description\s*=\s*"([^"]*)"`)

// permissionDenied reports BC's refusals for want of permissions: today's
// "Sorry, the current permissions prevented the action. (TableData …)" and
// the older "You do not have the following permissions on TableData …".
func (e *APIError) permissionDenied() bool {
	return e.StatusCode == http.StatusForbidden || strings.HasPrefix(e.Code, "Authorization_") ||
		strings.Contains(e.Message, "current permissions prevented the action") ||
		strings.Contains(e.Message, "You do not have the following permissions")
}

// Is reports whether target is one of the sentinels this error belongs to.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.Code == "BadRequest_ResourceNotFound" ||
			e.Code == "Internal_RecordNotFound"
	case ErrConflict:
		return e.StatusCode == http.StatusConflict || e.Code == "Request_EntityChanged"
	case ErrPrecondition:
		return e.StatusCode == http.StatusPreconditionFailed || e.Code == "BadRequest_InvalidToken"
	case ErrThrottled:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized && !e.tokenExpired()
	case ErrTokenExpired:
		return e.tokenExpired()
	case ErrForbidden:
		return e.permissionDenied()
	}
	return false
}

// errorEnvelope is BC's (and OData's) JSON error body: {"error":{"code":…,"message":…}}.
type errorEnvelope struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// xmlError is OData's XML error body, which BC's front door answers with
// for a request it does not route, e.g. a missing environment (404):
// <error xmlns="http://docs.oasis-open.org/odata/ns/metadata"><code>NoEnvironment</code><message>…</message></error>.
// Element names match in any namespace (error or m:error).
type xmlError struct {
	XMLName xml.Name
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

var correlationInMessage = regexp.MustCompile(`\s*CorrelationId:\s*([0-9A-Fa-f-]{8,})\.?\s*$`)

// ParseErrorBody extracts BC's error code, the message and the correlation id
// that BC online appends to messages ("…  CorrelationId:  <guid>."). It reads
// OData's JSON and XML error bodies, accepts any other bytes and never fails:
// a body that is neither yields a message made of its first line.
func ParseErrorBody(body []byte) (code, message, correlationID string) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\ufeff")))
	var env errorEnvelope
	var xe xmlError
	switch {
	case json.Unmarshal(trimmed, &env) == nil && (env.Error.Code != "" || env.Error.Message != ""):
		code, message = env.Error.Code, env.Error.Message
	case bytes.HasPrefix(trimmed, []byte("<")) && xml.Unmarshal(trimmed, &xe) == nil &&
		xe.XMLName.Local == "error" && (xe.Code != "" || xe.Message != ""):
		code, message = strings.TrimSpace(xe.Code), strings.TrimSpace(xe.Message)
	default:
		message = firstLine(trimmed, 200)
	}
	if m := correlationInMessage.FindStringSubmatchIndex(message); m != nil {
		correlationID = message[m[2]:m[3]]
		message = strings.TrimSpace(message[:m[0]])
	}
	return code, message, correlationID
}

func firstLine(b []byte, limit int) string {
	b = bytes.TrimSpace(b)
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	s := strings.ToValidUTF8(string(b), "")
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return s
}

// newAPIError reads (a bounded part of) resp's body and closes it.
func newAPIError(resp *http.Response, attempts int, retries []string) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	code, msg, corr := ParseErrorBody(body)
	if corr == "" {
		corr = firstHeader(resp.Header, "ms-correlation-x", "x-ms-correlation-id", "x-correlation-id")
	}
	e := &APIError{
		StatusCode:    resp.StatusCode,
		Code:          code,
		Message:       msg,
		CorrelationID: corr,
		RequestID:     firstHeader(resp.Header, "request-id", "client-request-id", "x-ms-request-id"),
		Attempts:      attempts,
		Retries:       retries,
		Body:          body,
		Header:        resp.Header,
	}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.URL = redactURL(resp.Request.URL.String())
		if e.RequestID == "" {
			e.RequestID = resp.Request.Header.Get("client-request-id")
		}
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	return e
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// TransportError is returned when no HTTP response was obtained (connection
// refused or reset, TLS failure, truncated body…) after every allowed attempt.
type TransportError struct {
	Method, URL string
	// Attempts is how many times the request was sent.
	Attempts int
	// Retries lists why each earlier attempt failed, oldest first.
	Retries []string
	// Err is the last failure.
	Err error
}

func (e *TransportError) Error() string {
	s := fmt.Sprintf("bc: %s %s: %v", e.Method, e.URL, e.Err)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (gave up after %d attempts: %s)", e.Attempts, strings.Join(e.Retries, "; "))
	}
	return s
}

func (e *TransportError) Unwrap() error { return e.Err }
