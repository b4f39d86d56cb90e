package bc

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseErrorBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, code, msg, corr string
	}{
		{"BC online envelope",
			`{"error":{"code":"Authentication_InvalidCredentials","message":"The server has rejected the client credentials.  CorrelationId:  c32f628c-0e3c-4e8a-9b5e-1234567890ab."}}`,
			"Authentication_InvalidCredentials", "The server has rejected the client credentials.", "c32f628c-0e3c-4e8a-9b5e-1234567890ab"},
		{"batch inner error",
			`{"error":{"code":"Unknown","message":"'Invalid Type' is not an option. The existing options are: Inventory,Service,Non-Inventory  CorrelationId:  0f4f2d9c-aaaa-bbbb-cccc-dddddddddddd."}}`,
			"Unknown", "'Invalid Type' is not an option. The existing options are: Inventory,Service,Non-Inventory", "0f4f2d9c-aaaa-bbbb-cccc-dddddddddddd"},
		{"no correlation", `{"error":{"code":"BadRequest_NotFound","message":"Bad Request - Error in query syntax."}}`,
			"BadRequest_NotFound", "Bad Request - Error in query syntax.", ""},
		{"html from a gateway", "<html>\r\n<body>502 Bad Gateway</body></html>", "", "<html>", ""},
		{"empty", "", "", "", ""},
		{"json but not the envelope", `{"message":"x"}`, "", `{"message":"x"}`, ""},
		{"xml from BC's front door (missing environment)",
			`<error xmlns="http://docs.oasis-open.org/odata/ns/metadata"><code>NoEnvironment</code><message>Environment does not exist.</message></error>`,
			"NoEnvironment", "Environment does not exist.", ""},
		{"xml with a namespace prefix and declaration",
			"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<m:error xmlns:m=\"http://docs.oasis-open.org/odata/ns/metadata\">\n  <m:code>BadRequest</m:code>\n  <m:message>Bad request.  CorrelationId:  c32f628c-0e3c-4e8a-9b5e-1234567890ab.</m:message>\n</m:error>",
			"BadRequest", "Bad request.", "c32f628c-0e3c-4e8a-9b5e-1234567890ab"},
		{"plain text", "Service Unavailable\r\nretry later", "", "Service Unavailable", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, msg, corr := ParseErrorBody([]byte(tt.body))
			require.Equal(t, tt.code, code)
			require.Equal(t, tt.msg, msg)
			require.Equal(t, tt.corr, corr)
		})
	}
}

func TestAPIErrorSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		code   string
		msg    string
		is     []error
		isNot  []error
	}{
		{404, "BadRequest_ResourceNotFound", "", []error{ErrNotFound}, []error{ErrConflict, ErrForbidden}},
		{400, "Internal_RecordNotFound", "", []error{ErrNotFound}, nil},
		{409, "Request_EntityChanged", "Another user has already changed the record.", []error{ErrConflict}, []error{ErrPrecondition}},
		{400, "BadRequest_InvalidToken", "Could not validate the client concurrency token required by the service.", []error{ErrPrecondition}, []error{ErrConflict}},
		{412, "", "", []error{ErrPrecondition}, nil},
		{429, "", "", []error{ErrThrottled}, nil},
		{401, "Authentication_InvalidCredentials", "", []error{ErrUnauthorized}, []error{ErrForbidden}},
		{403, "", "", []error{ErrForbidden}, nil},
		{400, "Internal_ServerError", "Sorry, the current permissions prevented the action. (TableData 17 G/L Entry Read: MOSAIC)", []error{ErrForbidden}, []error{ErrNotFound}},
		{400, "Authorization_NotAllowed", "", []error{ErrForbidden}, nil},
	}
	for _, tt := range tests {
		e := &APIError{StatusCode: tt.status, Code: tt.code, Message: tt.msg}
		for _, want := range tt.is {
			require.True(t, errors.Is(e, want), "%d %s should be %v", tt.status, tt.code, want)
		}
		for _, not := range tt.isNot {
			require.False(t, errors.Is(e, not), "%d %s should not be %v", tt.status, tt.code, not)
		}
	}
}

func TestAPIErrorHints(t *testing.T) {
	t.Parallel()
	const (
		notAccepted = "Entra issued a token but Business Central does not accept this app: in Business Central open the " +
			`"Microsoft Entra Applications" page (older name "Azure Active Directory Applications"), add the app's ` +
			"client ID, set State = Enabled and assign permission sets such as D365 AUTOMATION"
		expired = "BC found the access token expired even after the client renewed it: check that this machine's clock " +
			"is right and that a custom token source hands out fresh tokens"
		denied = "the app is registered in Business Central but its permission sets do not cover this data: " +
			`add the missing permission set to the app on the "Microsoft Entra Applications" page`
	)
	tests := []struct {
		name   string
		status int
		code   string
		msg    string
		hint   string
	}{
		{"app not registered or not enabled in BC", 401, "Authentication_InvalidCredentials", "The server has rejected the client credentials.", notAccepted},
		{"an unknown 401 of that code", 401, "Authentication_InvalidCredentials", "", notAccepted},
		{"expired token", 401, "Authentication_InvalidCredentials", "The access token has expired.", expired},
		{"expired token, identity model's words", 401, "Authentication_InvalidCredentials", "IDX10223: Lifetime validation failed. The token is expired.", expired},
		{"lacks permissions", 400, "Internal_ServerError", "Sorry, the current permissions prevented the action. (TableData 17 G/L Entry Read: MOSAIC)", denied},
		{"lacks permissions, older words", 400, "Application_DialogException", "You do not have the following permissions on TableData Customer: Read.", denied},
		{"forbidden", 403, "", "", denied},
		{"an Authorization_ code", 400, "Authorization_Forbidden", "", denied},
		{"no company", 400, "Internal_CompanyNotFound", "", "the request names no company or an unknown one: list companies first and use a company id"},
		{"a request error", 400, "BadRequest_NotFound", "Resource not found for the segment 'customerz'.", ""},
		{"a server error", 500, "", "", ""},
		{"expired is about tokens only", 400, "Application_DialogException", "The quote has expired.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &APIError{StatusCode: tt.status, Code: tt.code, Message: tt.msg, Method: "GET", URL: "https://x/y"}
			require.Equal(t, tt.hint, e.Hint())
		})
	}
	e := &APIError{StatusCode: 401, Code: "Authentication_InvalidCredentials", Message: "The access token has expired.", Method: "GET", URL: "https://x/y"}
	require.Equal(t, "bc: GET https://x/y: 401 Authentication_InvalidCredentials: The access token has expired. — "+expired, e.Error())
	e = &APIError{StatusCode: 500, Method: "GET", URL: "https://x/y"}
	require.Equal(t, "bc: GET https://x/y: 500 Internal Server Error", e.Error())
}

func TestAPIErrorFromResponse(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc(apiPrefix+"/thing", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("request-id", "req-123")
		writeRaw(w, 400, bcError("Application_DialogException", "A customerNumber or a customerID must be provided.")+strings.Repeat(" ", 100<<10))
	})
	_, err := doRaw(t, c, http.MethodPost)
	var e *APIError
	require.ErrorAs(t, err, &e)
	require.Equal(t, 400, e.StatusCode)
	require.Equal(t, "Application_DialogException", e.Code)
	require.Equal(t, "A customerNumber or a customerID must be provided.", e.Message)
	require.Equal(t, "req-123", e.RequestID)
	require.Equal(t, "c32f628c-0e3c-4e8a-9b5e-1234567890ab", e.CorrelationID)
	require.Len(t, e.Body, maxErrorBody, "the kept body is bounded")
	require.Equal(t, http.MethodPost, e.Method)
	require.True(t, strings.HasSuffix(e.URL, "/api/v2.0/thing"))
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	require.Equal(t, "https://h/p?a=1&client_secret=redacted", redactURL("https://user:pw@h/p?a=1&client_secret=abc"))
	require.Equal(t, "https://h/p?validationToken=redacted", redactURL("https://h/p?validationToken=abc"))
	require.Equal(t, "https://h/p?$filter=x%20eq%201", redactURL("https://h/p?$filter=x%20eq%201"))
	require.Equal(t, "(unparsable URL)", redactURL("://"))
}

func FuzzParseErrorBody(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"X","message":"m  CorrelationId:  c32f628c-0e3c-4e8a-9b5e-1234567890ab."}}`))
	f.Add([]byte(`{"error":{"code":1}}`))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte(`<error xmlns="http://docs.oasis-open.org/odata/ns/metadata"><code>NoEnvironment</code><message>Environment does not exist.</message></error>`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg, corr := ParseErrorBody(body)
		if corr != "" && strings.Contains(msg, "CorrelationId:") && strings.HasSuffix(strings.TrimSpace(msg), corr) {
			t.Fatalf("correlation id left in the message: %q", msg)
		}
		e := &APIError{StatusCode: 400, Code: code, Message: msg, CorrelationID: corr}
		_ = e.Error()
	})
}

func FuzzParseTokenError(f *testing.F) {
	f.Add(400, []byte(`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x","error_codes":[7000215]}`))
	f.Add(503, []byte("busy"))
	f.Add(400, []byte("grant_type=client_credentials&client_secret="+url.QueryEscape(echoSecret)))
	f.Add(400, []byte(`{"error":"x","error_description":"\u0051`+echoSecret[1:]+`"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := ParseTokenError(status, body, echoSecret)
		if e == nil || e.Error() == "" {
			t.Fatal("no error")
		}
		requireNoSecret(t, e, echoSecret)
		if strings.ContainsAny(e.Description, "\r\n") {
			t.Fatalf("description keeps trace lines: %q", e.Description)
		}
	})
}
