package protocol

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// ReadBody decodes a request's JSON object body, keeping numbers as written.
func ReadBody(r *http.Request) (map[string]json.RawMessage, *Error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 350<<20))
	if err != nil {
		return nil, BadRequest("BadRequest", "Invalid Request Body")
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, BadRequest("BadRequest", "Invalid Request Body")
	}
	return m, nil
}

// CheckIfMatch applies BC's concurrency rules to a write of a record at
// version: If-Match is required, and must be "*" or the record's ETag.
func CheckIfMatch(h http.Header, version int64) *Error {
	m := h.Get("If-Match")
	switch {
	case m == "":
		return BadRequest("BadRequest_InvalidToken", "Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.")
	case m == "*" || m == table.ETag(version):
		return nil
	}
	return EntityChanged()
}
