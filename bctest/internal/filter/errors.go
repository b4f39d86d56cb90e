package filter

import "net/http"

// Error is a refusal shaped like BC's error response: the HTTP status and
// the {"error":{"code","message"}} pair, so the fake server can send it as is.
type Error struct {
	Status  int
	Code    string
	Message string
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// BC's error codes and fixed messages for refused filters; see
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/dynamics-error-codes.
const (
	codeBadRequest = "BadRequest"
	// codeNotFound is what BC answers for errors raised while parsing and
	// binding the query (syntax errors, unknown properties).
	codeNotFound = "BadRequest_NotFound"

	msgSyntax     = "Bad Request - Error in query syntax."
	msgOr         = "The 'OR' operator is not supported on distinct fields on an OData filter."
	msgTooComplex = "The filter is too complex."
)

func errSyntax() *Error {
	return &Error{http.StatusBadRequest, codeNotFound, msgSyntax}
}

func errOr() *Error {
	return &Error{http.StatusBadRequest, codeBadRequest, msgOr}
}

func errTooComplex() *Error {
	return &Error{http.StatusBadRequest, codeBadRequest, msgTooComplex}
}

func errNoProperty(name, entityType string) *Error {
	return &Error{http.StatusBadRequest, codeNotFound,
		"Could not find a property named '" + name + "' on type '" + entityType + "'."}
}

func errConvert(text string, k Kind) *Error {
	return &Error{http.StatusBadRequest, codeBadRequest,
		"Unable to convert value '" + text + "' to " + k.String() + "."}
}

// errEnumMember is ODataLib's message for an enum literal that names no
// member; BC binds $filter with ODataLib, enum prefix free.
func errEnumMember(text string) *Error {
	return &Error{http.StatusBadRequest, codeNotFound,
		"The string '" + text + "' is not a valid enumeration type constant."}
}

// errSignature is ODataLib's message for a string function applied to a
// non-string operand.
func errSignature(fn string) *Error {
	sig := fn + "(Edm.String Nullable=true)"
	if fn != "tolower" && fn != "toupper" {
		sig = fn + "(Edm.String Nullable=true, Edm.String Nullable=true)"
	}
	return &Error{http.StatusBadRequest, codeNotFound,
		"No function signature for the function with name '" + fn +
			"' matches the specified arguments. The function signatures considered are: " + sig + "."}
}
