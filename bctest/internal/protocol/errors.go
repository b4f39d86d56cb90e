package protocol

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is an error answer shaped like BC online's:
// {"error":{"code":…,"message":"…  CorrelationId:  <guid>."}}.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration
}

// WriteError answers with e in BC's JSON envelope.
func WriteError(w http.ResponseWriter, e *Error) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", retryAfterHeader(e.RetryAfter))
	}
	corr := NewID()
	w.Header().Set("ms-correlation-x", corr)
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")
	w.Header().Set("OData-Version", "4.0")
	w.WriteHeader(e.Status)
	body := map[string]map[string]string{"error": {"code": e.Code, "message": e.Message + "  CorrelationId:  " + corr + "."}}
	_ = json.NewEncoder(w).Encode(body)
}

// WriteXMLError answers the way BC's front door does for a request it
// routes to no environment: OData's XML error body, not the JSON envelope.
func WriteXMLError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(e.Status)
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	_, _ = fmt.Fprintf(w, `<error xmlns="http://docs.oasis-open.org/odata/ns/metadata"><code>%s</code><message>%s</message></error>`,
		esc.Replace(e.Code), esc.Replace(e.Message))
}

// WriteJSONHeader writes the headers of a JSON answer and its status.
func WriteJSONHeader(w http.ResponseWriter, status int) {
	h := w.Header()
	h.Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")
	h.Set("OData-Version", "4.0")
	w.WriteHeader(status)
}

// retryAfterHeader formats a Retry-After value in whole seconds, rounding
// down, so tests can ask for "Retry-After: 0" with a sub-second duration.
func retryAfterHeader(d time.Duration) string {
	return strconv.FormatInt(int64(d/time.Second), 10)
}

// BadRequest is a 400 answer.
func BadRequest(code, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// MethodNotAllowed refuses a method on an entity set.
func MethodNotAllowed(method, set string) *Error {
	return &Error{Status: http.StatusMethodNotAllowed, Code: "BadRequest_MethodNotAllowed",
		Message: "'" + method + "' requests for '" + set + "' of EdmType 'Entity' are not allowed within Dynamics 365 Business Central OData web services."}
}

// NotFoundSegment is BC's 404 for a path segment it does not know.
func NotFoundSegment(seg string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "BadRequest_NotFound", Message: "Resource not found for the segment '" + seg + "'."}
}

// EntityChanged is BC's 409 for a write whose If-Match no longer matches.
func EntityChanged() *Error {
	return &Error{Status: http.StatusConflict, Code: "Request_EntityChanged", Message: "Another user has already changed the record."}
}

// CompanyNotFound is BC's 404 for a company id or name it does not know.
func CompanyNotFound(key string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "Internal_CompanyNotFound", Message: "The company '" + key + "' does not exist."}
}
