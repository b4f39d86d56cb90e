package serve

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
)

// synthesizeMediaEntity builds the temporary entity BC computes for a
// single-valued navigation to a media holder (a customer's picture, an
// invoice's pdfDocument): its id is the parent's, so it always exists.
func synthesizeMediaEntity(n *node) *table.Row {
	if len(n.t.Type.StreamProperties()) == 0 {
		return nil
	}
	vals := make([]string, len(n.t.Cols))
	for i, c := range n.t.Cols {
		vals[i] = c.EmptyValue()
	}
	pk := n.parent.Vals[n.ptable.Key]
	vals[n.t.Key] = pk
	if i, ok := n.t.ColIdx["parentId"]; ok {
		vals[i] = pk
	}
	if i, ok := n.t.ColIdx["parentType"]; ok {
		want := strings.ReplaceAll(strings.TrimSuffix(strings.ToLower(n.ptable.Type.Name), "s"), " ", "")
		for _, m := range n.t.Cols[i].Enum {
			if strings.ReplaceAll(strings.ToLower(m), "_x0020_", "") == want {
				vals[i] = m
			}
		}
	}
	if i, ok := n.t.ColIdx["contentType"]; ok {
		vals[i] = "image/png"
	}
	return &table.Row{Seq: n.parent.Seq, Version: n.parent.Version, Vals: vals}
}

// media serves GET and PATCH on a stream property.
func (c *reqContext) media(n *node, prop string) {
	key := n.t.Set.Name + "(" + n.row.Vals[n.t.Key] + ")/" + prop
	store := n.co.Media()
	switch c.r.Method {
	case http.MethodGet:
		b, ok := store.Get(key)
		if !ok && prop == "pdfDocumentContent" {
			b = tenant.Blob{ContentType: "application/pdf", Data: fakePDF(n)}
			ok = true
		}
		if !ok {
			c.w.Header().Set("Content-Type", "application/octet-stream")
			c.w.WriteHeader(http.StatusNoContent)
			return
		}
		c.w.Header().Set("Content-Type", b.ContentType)
		c.w.WriteHeader(http.StatusOK)
		_, _ = c.w.Write(b.Data)
	case http.MethodPatch:
		if p, _ := n.t.Type.Property(prop); p != nil && p.ReadOnly {
			c.fail(protocol.MethodNotAllowed(http.MethodPatch, n.t.Set.Name))
			return
		}
		if c.r.Header.Get("If-Match") == "" {
			c.fail(protocol.BadRequest("BadRequest_InvalidToken", "Could not validate the client concurrency token required by the service. Please provide a valid token in the client request."))
			return
		}
		data, err := io.ReadAll(io.LimitReader(c.r.Body, 350<<20))
		if err != nil {
			c.fail(protocol.BadRequest("BadRequest", "Invalid Request Body"))
			return
		}
		ct := c.r.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		store.Put(key, tenant.Blob{ContentType: ct, Data: data})
		c.srv.Meter.Wrote()
		c.w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		store.Delete(key)
		c.w.WriteHeader(http.StatusNoContent)
	default:
		c.fail(protocol.MethodNotAllowed(c.r.Method, n.t.Set.Name))
	}
}

// fakePDF renders a small, valid-looking PDF naming the document.
func fakePDF(n *node) []byte {
	title := n.row.Vals[n.t.Key]
	if n.ptable != nil {
		if i, ok := n.ptable.ColIdx["number"]; ok {
			title = n.parent.Vals[i]
		}
	}
	return []byte(fmt.Sprintf("%%PDF-1.7\n%% bctest document %s\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n", title))
}
