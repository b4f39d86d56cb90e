package bc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Media is a stream property (Edm.Stream): an item picture, an invoice's PDF,
// an attachment's content. Content is streamed in both directions, never held
// in memory by the client.
type Media struct {
	c    *Client
	path string
}

// MediaAt returns the media at a link BC gave, e.g. an
// "…@odata.mediaReadLink" value, which should be followed rather than rebuilt.
func (c *Client) MediaAt(link string) *Media { return &Media{c: c, path: link} }

// Path returns the media's path relative to the service root (or its link).
func (m *Media) Path() string { return m.path }

// Open starts a download and returns the body and its content type. The
// caller must close the body; until then the request holds one of the
// client's concurrency slots.
func (m *Media) Open(ctx context.Context, opts ...RequestOption) (io.ReadCloser, string, error) {
	r, err := m.c.newRequest(http.MethodGet, m.path, nil, nil, opts)
	if err != nil {
		return nil, "", err
	}
	r.header.Set("Accept", "*/*")
	resp, err := m.c.send(ctx, r, nil)
	if err != nil {
		return nil, "", err
	}
	return resp.Body, resp.Header.Get("Content-Type"), nil
}

// Download copies the content to w and returns the number of bytes written.
func (m *Media) Download(ctx context.Context, w io.Writer, opts ...RequestOption) (int64, error) {
	body, _, err := m.Open(ctx, opts...)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n, err := io.Copy(w, body)
	if err != nil {
		return n, fmt.Errorf("bc: downloading %s: %w", redactURL(m.path), err)
	}
	return n, nil
}

// Upload replaces the content with what r holds (BC: PATCH with
// application/octet-stream). r is streamed; because it is an io.ReadSeeker it
// can be rewound for a retry. BC requires If-Match: without an IfMatch option
// "*" is sent, as BC's docs do for media.
func (m *Media) Upload(ctx context.Context, r io.ReadSeeker, contentType string, opts ...RequestOption) error {
	if r == nil {
		return errors.New("bc: Upload needs content")
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	req, err := m.c.newRequest(http.MethodPatch, m.path, nil, r, append([]RequestOption{IfMatchAny()}, opts...))
	if err != nil {
		return err
	}
	req.header.Set("Content-Type", contentType)
	_, err = m.c.send(ctx, req, decodeInto(nil))
	return err
}
