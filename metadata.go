package bc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/bcsdk/bc/schema"
)

// Metadata reads the route's live $metadata document and returns its model.
// A newer BC's document carries properties the built-in entities lack, so
// consumers that follow the live schema (the sync's tables) read it here. A
// non-2xx answer is an *APIError; a document that is not usable $metadata
// is reported with the *schema.ParseError (or XML error) inside.
func (r *Route) Metadata(ctx context.Context) (*schema.Service, error) {
	req, err := r.c.newRequest(http.MethodGet, r.path+"/$metadata", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	req.header.Set("Accept", "application/xml")
	var doc []byte
	if _, err := r.c.send(ctx, req, func(resp *http.Response) error {
		doc, err = io.ReadAll(resp.Body) // whole per attempt: a retry starts afresh
		return err
	}); err != nil {
		return nil, err
	}
	svc, err := schema.Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("bc: the $metadata of /%s: %w", r.path, err)
	}
	return svc, nil
}
