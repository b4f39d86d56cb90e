package bc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/odata"
)

// EntitySet is a typed handle on one entity set in a scope: a company's
// customers, a custom API's jobTasks, an invoice's lines. It does no I/O until
// one of its methods is called. T is the entity model, normally generated
// (package entities) with `bc:"key"`/`bc:"readonly"` struct tags that tell
// Create and Update what never to send.
type EntitySet[T any] struct {
	scope     Scope
	name      string
	stringKey bool
	composite bool // T has several `bc:"key"` fields: ids are made by Key
	err       error
}

// SetOption configures an EntitySet.
type SetOption func(*setConfig)

type setConfig struct{ stringKey bool }

// StringKey marks the set's key as an Edm.String, so keys are always quoted,
// even ones that look like GUIDs (webhook subscriptions).
func StringKey() SetOption { return func(c *setConfig) { c.stringKey = true } }

// Set returns the entity set name in scope, e.g.
// bc.Set[JobTask](c.API("contoso", "mosaic", "v1.0").Company(id), "jobTasks").
func Set[T any](scope Scope, name string, opts ...SetOption) *EntitySet[T] {
	var cfg setConfig
	for _, o := range opts {
		o(&cfg)
	}
	s := &EntitySet[T]{scope: scope, name: name, stringKey: cfg.stringKey, err: validName("entity set", name)}
	if t := reflect.TypeFor[T](); t.Kind() == reflect.Struct {
		s.composite = len(modelOf(t).keys) > 1
	}
	return s
}

// Name returns the entity set's name.
func (s *EntitySet[T]) Name() string { return s.name }

// Path returns the set's path relative to the service root.
func (s *EntitySet[T]) Path() string { return s.scope.Path() + "/" + s.name }

// Client returns the client the set uses.
func (s *EntitySet[T]) Client() *Client { return s.scope.Client() }

func (s *EntitySet[T]) keyPath(id string) string {
	if s.composite {
		return s.Path() + compositeSegment(id)
	}
	if s.stringKey {
		return s.Path() + StringKeySegment(id)
	}
	return s.Path() + KeySegment(id)
}

// Entity returns the handle of one entity, the scope of the sets contained in
// it: bc.Set[Line](invoices.Entity(id), "salesInvoiceLines").
func (s *EntitySet[T]) Entity(id string) *Entity {
	return &Entity{c: s.Client(), path: s.keyPath(id)}
}

// List returns a lazy pager over the set. q may be nil.
func (s *EntitySet[T]) List(q *odata.Query, opts ...RequestOption) *Pager[T] {
	if s.err != nil {
		return newPager[T](s.Client(), nil, s.err)
	}
	r, err := s.Client().newRequest(http.MethodGet, s.Path(), q, nil, opts)
	return newPager[T](s.Client(), r, err)
}

// ListFrom continues a listing from a nextLink saved earlier (a sync
// resuming after a crash). q gives the per-request headers the listing was
// made with (MaxPageSize); its filter and options are already in the link.
func (s *EntitySet[T]) ListFrom(nextLink string, q *odata.Query, opts ...RequestOption) *Pager[T] {
	c := s.Client()
	if s.err != nil {
		return newPager[T](c, nil, s.err)
	}
	r, err := c.newRequest(http.MethodGet, nextLink, nil, nil, opts)
	if err == nil && q != nil && q.PageSize() > 0 {
		r.header.Set("Prefer", fmt.Sprintf("odata.maxpagesize=%d", q.PageSize()))
	}
	return newPager[T](c, r, err)
}

// Get reads one entity by key. q may select and expand.
func (s *EntitySet[T]) Get(ctx context.Context, id string, q *odata.Query, opts ...RequestOption) (T, error) {
	var out T
	if s.err != nil {
		return out, s.err
	}
	r, err := s.Client().newRequest(http.MethodGet, s.keyPath(id), q, nil, opts)
	if err != nil {
		return out, err
	}
	_, err = s.Client().send(ctx, r, s.Client().entityHandler(&out))
	return out, err
}

// Create inserts v and returns the entity BC created. Read-only fields,
// keys BC assigns (GUID ids) and empty values are not sent, keys the client
// supplies (a custom API's Document_No, Line_No) are; collection navigation fields that hold
// items are sent too, which is BC's deep insert (a document with its lines in
// one call).
func (s *EntitySet[T]) Create(ctx context.Context, v T, opts ...RequestOption) (T, error) {
	var out T
	if s.err != nil {
		return out, s.err
	}
	body, err := writableJSON(v, writeCreate, nil)
	if err != nil {
		return out, err
	}
	r, err := s.Client().newRequest(http.MethodPost, s.Path(), nil, body, opts)
	if err != nil {
		return out, err
	}
	_, err = s.Client().send(ctx, r, s.Client().entityHandler(&out))
	return out, err
}

// Update PATCHes v with If-Match set to v's @odata.etag and returns the
// updated entity with its new ETag. It sends only the properties that
// differ from the entity as it was read (kept in v's embedded
// entities.Record), so a $select read never blanks what it did not select;
// a model not read from BC sends its non-empty writable properties, and
// Fields sends exactly the properties named. Keys, read-only properties and
// media links are never sent; changed Extra properties are. If the entity
// changed since it was read, the error matches ErrConflict; pass IfMatchAny
// to overwrite regardless. A model with several `bc:"key"` fields is
// addressed by its composite key, (a='x',b=1).
func (s *EntitySet[T]) Update(ctx context.Context, v T, opts ...RequestOption) (T, error) {
	var out T
	if s.err != nil {
		return out, s.err
	}
	key, etag, err := entityKey(v)
	if err != nil {
		return out, err
	}
	o := collectOptions(opts)
	body, err := writableJSON(v, writeUpdate, o.fields)
	if err != nil {
		return out, err
	}
	return s.patch(ctx, key, etag, body, opts)
}

// Patch sends patch to the entity with the given key and ETag: a map, raw
// JSON or plain struct encoded as is, an entity model as its non-empty
// writable properties. An empty etag is refused unless IfMatchAny is passed,
// because BC requires If-Match on every PATCH.
func (s *EntitySet[T]) Patch(ctx context.Context, id, etag string, patch any, opts ...RequestOption) (T, error) {
	var out T
	if s.err != nil {
		return out, s.err
	}
	body, err := marshalValue(patch)
	if err != nil {
		return out, err
	}
	return s.patch(ctx, id, etag, body, opts)
}

func (s *EntitySet[T]) patch(ctx context.Context, id, etag string, body []byte, opts []RequestOption) (T, error) {
	var out T
	r, err := s.Client().newRequest(http.MethodPatch, s.keyPath(id), nil, body, append([]RequestOption{IfMatch(etag)}, opts...))
	if err != nil {
		return out, err
	}
	if r.header.Get("If-Match") == "" {
		return out, errors.New("bc: BC requires If-Match on updates: pass the entity's @odata.etag, or IfMatchAny() to overwrite regardless")
	}
	_, err = s.Client().send(ctx, r, s.Client().entityHandler(&out))
	return out, err
}

// Delete removes the entity with the given key if its ETag still matches. An
// empty etag is refused unless IfMatchAny is passed.
func (s *EntitySet[T]) Delete(ctx context.Context, id, etag string, opts ...RequestOption) error {
	if s.err != nil {
		return s.err
	}
	r, err := s.Client().newRequest(http.MethodDelete, s.keyPath(id), nil, nil, append([]RequestOption{IfMatch(etag)}, opts...))
	if err != nil {
		return err
	}
	if r.header.Get("If-Match") == "" {
		return errors.New("bc: BC requires If-Match on deletes: pass the entity's @odata.etag, or IfMatchAny() to delete regardless")
	}
	_, err = s.Client().send(ctx, r, decodeInto(nil))
	return err
}

// Action invokes a bound action (BC answers 204): POST
// …/{set}({id})/Microsoft.NAV.{action}, e.g. "post", "send", "cancel".
// body may be nil.
func (s *EntitySet[T]) Action(ctx context.Context, id, action string, body any, opts ...RequestOption) error {
	if s.err != nil {
		return s.err
	}
	if err := validName("action", action); err != nil {
		return err
	}
	var payload any // nil: no body
	if body != nil {
		raw, err := marshalValue(body)
		if err != nil {
			return err
		}
		payload = raw
	}
	r, err := s.Client().newRequest(http.MethodPost, s.keyPath(id)+"/Microsoft.NAV."+action, nil, payload, opts)
	if err != nil {
		return err
	}
	_, err = s.Client().send(ctx, r, decodeInto(nil))
	return err
}

// Count returns the number of entities matching q's filter, from BC's $count
// path segment.
func (s *EntitySet[T]) Count(ctx context.Context, q *odata.Query, opts ...RequestOption) (int64, error) {
	if s.err != nil {
		return 0, s.err
	}
	r, err := s.Client().newRequest(http.MethodGet, s.Path()+"/$count", q, nil, opts)
	if err != nil {
		return 0, err
	}
	r.header.Set("Accept", "text/plain")
	var n int64
	_, err = s.Client().send(ctx, r, func(resp *http.Response) error {
		var buf strings.Builder
		if _, err := io.Copy(&buf, resp.Body); err != nil {
			return err
		}
		// A count cut short cannot be told from a short count except by its
		// form, so a body that is not a number is fetched again.
		text := strings.TrimSpace(strings.TrimPrefix(buf.String(), "\ufeff"))
		var perr error
		if n, perr = strconv.ParseInt(text, 10, 64); perr != nil {
			return fmt.Errorf("bc: $count answered %q, not a number", truncate(text, 40))
		}
		return nil
	})
	return n, err
}

// Media returns the handle of a stream property of one entity, e.g.
// invoices.Media(id, "pdfDocument/pdfDocumentContent").
func (s *EntitySet[T]) Media(id, property string) *Media {
	return s.Entity(id).Media(property)
}

// CreateWithMedia inserts v and uploads content to its stream property (an
// attachment's "attachmentContent", an item picture's "content"): BC takes
// media only as a stream, PATCHed after the entity exists, so this is the
// one call for BC's two. It returns the entity read again after the upload,
// with the ETag the upload gave it. If the upload fails, the entity BC
// created is returned with the error, so the caller can delete or retry it.
func (s *EntitySet[T]) CreateWithMedia(ctx context.Context, v T, property string, content io.ReadSeeker, contentType string, opts ...RequestOption) (T, error) {
	created, err := s.Create(ctx, v, opts...)
	if err != nil {
		return created, err
	}
	key, _, err := entityKey(created)
	if err != nil {
		return created, err
	}
	if err := s.Media(key, property).Upload(ctx, content, contentType, opts...); err != nil {
		return created, fmt.Errorf("bc: %s %s was created, but uploading its %s failed: %w", s.name, key, property, err)
	}
	return s.Get(ctx, key, nil, opts...)
}
