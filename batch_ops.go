package bc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/odata"
)

// BatchOp is one queued operation and, after Send, its result.
type BatchOp[T any] struct {
	req    batchRequest
	decode func(body json.RawMessage, into *T) error // nil: nothing to decode (204)
	resp   *BatchResponse
	val    T
	err    error
	done   bool
}

// ID returns the operation's id within the batch.
func (o *BatchOp[T]) ID() string { return o.req.ID }

// Result returns the operation's typed result: the entity BC created, updated
// or read. The error is an *APIError when BC refused the operation (BC's own
// code and message, e.g. Request_EntityChanged), ErrNotExecuted or
// ErrRolledBack when it did not take effect, or the Send error when the batch
// request itself failed.
func (o *BatchOp[T]) Result() (T, error) {
	if !o.done {
		var zero T
		return zero, fmt.Errorf("%w: the batch has not been sent", ErrNotExecuted)
	}
	return o.val, o.err
}

// Err returns the error Result would return, for operations without a value
// (Delete, Action).
func (o *BatchOp[T]) Err() error {
	_, err := o.Result()
	return err
}

// Response returns the operation's raw answer, or nil if BC did not answer it.
func (o *BatchOp[T]) Response() *BatchResponse { return o.resp }

func (o *BatchOp[T]) request() *batchRequest { return &o.req }

func (o *BatchOp[T]) response() *BatchResponse { return o.resp }

func (o *BatchOp[T]) failure() error {
	if !o.done {
		return ErrNotExecuted
	}
	return o.err
}

func (o *BatchOp[T]) settle(resp *BatchResponse, err error) {
	o.done, o.resp, o.err = true, resp, err
	if err != nil {
		var zero T
		o.val = zero // a value BC undid or never made must not be used
		return
	}
	if resp == nil || o.decode == nil || len(resp.Body) == 0 {
		return
	}
	if derr := o.decode(resp.Body, &o.val); derr != nil {
		o.err = fmt.Errorf("bc: decoding the answer to batch operation %s: %w", o.req.ID, derr)
	}
}

// rollBack marks a successful operation of a failed atomic batch.
func rollBack(op batchOperation) {
	if op.failure() == nil {
		op.settle(op.response(), fmt.Errorf("%w (operation %s)", ErrRolledBack, op.request().ID))
	}
}

// BatchSet queues a set's operations in a batch instead of sending them; get
// one with EntitySet.In. Its methods mirror EntitySet's and apply the same
// rules: Create and Update send what writableJSON allows, Update and Delete
// need If-Match (the entity's ETag, IfMatch or IfMatchAny).
type BatchSet[T any] struct {
	set *EntitySet[T]
	b   *Batch
}

// In returns the set's operations queued in batch b, e.g.
// co.Customers().In(b).Create(cust). The set must be on b's route.
func (s *EntitySet[T]) In(b *Batch) *BatchSet[T] { return &BatchSet[T]{set: s, b: b} }

// Create queues the insert of v (POST); the result is the entity BC created.
func (bs *BatchSet[T]) Create(v T, opts ...RequestOption) *BatchOp[T] {
	body, err := writableJSON(v, writeCreate, nil)
	return addOp(bs.b, bs.set, http.MethodPost, bs.set.Path(), nil, body, err, decodeEntity[T], opts)
}

// Update queues a PATCH of what EntitySet.Update would send (the properties
// changed since the read, or those named with Fields) with If-Match set to
// v's @odata.etag; the result is the updated entity.
func (bs *BatchSet[T]) Update(v T, opts ...RequestOption) *BatchOp[T] {
	key, etag, err := entityKey(v)
	var body []byte
	if err == nil {
		body, err = writableJSON(v, writeUpdate, collectOptions(opts).fields)
	}
	opts = append([]RequestOption{IfMatch(etag)}, opts...)
	return addOp(bs.b, bs.set, http.MethodPatch, bs.set.keyPath(key), nil, body, err, decodeEntity[T], opts)
}

// Patch queues a PATCH of patch (as EntitySet.Patch encodes it) to the
// entity with the given key and ETag.
func (bs *BatchSet[T]) Patch(id, etag string, patch any, opts ...RequestOption) *BatchOp[T] {
	body, err := marshalValue(patch)
	opts = append([]RequestOption{IfMatch(etag)}, opts...)
	return addOp(bs.b, bs.set, http.MethodPatch, bs.set.keyPath(id), nil, body, err, decodeEntity[T], opts)
}

// Delete queues the removal of the entity with the given key if its ETag
// still matches.
func (bs *BatchSet[T]) Delete(id, etag string, opts ...RequestOption) *BatchOp[struct{}] {
	opts = append([]RequestOption{IfMatch(etag)}, opts...)
	return addOp[struct{}](bs.b, bs.set, http.MethodDelete, bs.set.keyPath(id), nil, nil, nil, nil, opts)
}

// Get queues a read of one entity by key; q may select and expand.
func (bs *BatchSet[T]) Get(id string, q *odata.Query, opts ...RequestOption) *BatchOp[T] {
	return addOp(bs.b, bs.set, http.MethodGet, bs.set.keyPath(id), q, nil, nil, decodeEntity[T], opts)
}

// List queues a read of one page of the set (q may filter, select, order and
// set MaxPageSize); follow the page's NextLink with the set's ListFrom.
func (bs *BatchSet[T]) List(q *odata.Query, opts ...RequestOption) *BatchOp[Page[T]] {
	return addOp(bs.b, bs.set, http.MethodGet, bs.set.Path(), q, nil, nil, decodePage[T], opts)
}

// Action queues a bound action (POST …({id})/Microsoft.NAV.{action}); body
// may be nil.
func (bs *BatchSet[T]) Action(id, action string, body any, opts ...RequestOption) *BatchOp[struct{}] {
	var raw []byte
	err := validName("action", action)
	if err == nil && body != nil {
		raw, err = marshalValue(body)
	}
	return addOp[struct{}](bs.b, bs.set, http.MethodPost, bs.set.keyPath(id)+"/Microsoft.NAV."+action, nil, raw, err, nil, opts)
}

// addOp builds the inner request and queues it. A failure to build it is kept
// on the operation and on the batch, which then refuses to send anything.
func addOp[T, E any](b *Batch, set *EntitySet[E], method, path string, q *odata.Query, body []byte, buildErr error,
	decode func(json.RawMessage, *T) error, opts []RequestOption) *BatchOp[T] {
	op := &BatchOp[T]{decode: decode}
	op.req.ID = strconv.Itoa(len(b.ops) + 1)
	op.req.Method = method
	err := buildErr
	if err == nil {
		err = set.err
	}
	if err == nil {
		err = b.inner(&op.req, set.Client(), path, q, body, opts)
	}
	if err != nil {
		err = fmt.Errorf("bc: batch operation %s (%s %s): %w", op.req.ID, method, path, err)
		op.settle(nil, err)
		if b.err == nil {
			b.err = err
		}
	}
	b.ops = append(b.ops, op)
	return op
}

// inner fills the relative URL, headers and body of an inner request.
func (b *Batch) inner(r *batchRequest, c *Client, path string, q *odata.Query, body []byte, opts []RequestOption) error {
	if c != b.route.c {
		return errors.New("the set belongs to another client than the batch")
	}
	rel, ok := strings.CutPrefix(path, b.route.path+"/")
	if !ok {
		return fmt.Errorf("the set is not on the batch's route %s", b.route.path)
	}
	if q != nil {
		enc, err := q.Encode()
		if err != nil {
			return err
		}
		if enc != "" {
			rel += "?" + enc
		}
	}
	r.URL = rel
	o := collectOptions(opts)
	h := map[string]string{}
	if body != nil {
		r.Body = body
		h["Content-Type"] = "application/json"
	}
	if q != nil && q.PageSize() > 0 {
		h["Prefer"] = fmt.Sprintf("odata.maxpagesize=%d", q.PageSize())
	}
	if o.ifMatch != "" {
		h["If-Match"] = o.ifMatch
	}
	for k := range o.header {
		h[k] = o.header.Get(k)
	}
	if (r.Method == http.MethodPatch || r.Method == http.MethodDelete) && h["If-Match"] == "" {
		return errors.New("BC requires If-Match on updates and deletes: pass the entity's @odata.etag, or IfMatchAny() to write regardless")
	}
	if len(h) > 0 {
		r.Headers = h
	}
	return nil
}

func decodeEntity[T any](body json.RawMessage, into *T) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return dec.Decode(into)
}

func decodePage[T any](body json.RawMessage, into *Page[T]) error {
	var p struct {
		Value    []T    `json:"value"`
		NextLink string `json:"@odata.nextLink"`
		Count    *int64 `json:"@odata.count"`
	}
	if err := decodeEntity(body, &p); err != nil {
		return err
	}
	*into = Page[T]{Items: p.Value, NextLink: p.NextLink, Count: -1}
	if p.Count != nil {
		into.Count = *p.Count
	}
	return nil
}
