package bc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// MaxBatchOperations is BC's limit of operations in one $batch request; BC
// refuses more with "The current batch message contains too many parts". See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/use-odata-batch
const MaxBatchOperations = 100

var (
	// ErrNotExecuted: BC did not run the batch operation, because an earlier
	// one failed (BC stops at the first failure unless ContinueOnError is
	// given) or because the batch request carrying it was never sent.
	ErrNotExecuted = errors.New("bc: batch operation not executed")
	// ErrRolledBack: BC ran the operation of an Atomic batch, but another
	// operation failed, so the whole transaction was rolled back.
	ErrRolledBack = errors.New("bc: batch operation rolled back: another operation of the atomic batch failed")
)

// Batch collects operations to send in BC's JSON $batch format (POST
// {route}/$batch): at most MaxBatchOperations per request, so a bigger batch
// is sent as several requests, in order. Queue operations with a set's In
// method; each returns a *BatchOp that holds its typed result after Send:
//
//	b := c.StandardAPI().Batch()
//	created := co.Items().In(b).Create(entities.Item{Number: "1150", DisplayName: "Front hub"})
//	removed := co.Items().In(b).Delete(old.ID, old.ETag)
//	err := b.Send(ctx, bc.Atomic())
//	item, err := created.Result()
//
// BC answers a batch with HTTP 200 even when operations inside it fail; Send
// maps every operation's answer back to its BatchOp (a typed value or an
// *APIError) and returns a *BatchError when any of them did not succeed. A
// Batch is sent once and is not safe for concurrent use.
type Batch struct {
	route *Route
	ops   []batchOperation
	err   error // the first operation that could not be built
	sent  bool
}

// Batch starts an empty batch on this route. Every operation must address a
// set of the same route; inner URLs are sent relative to it, e.g.
// "companies(…)/items".
func (r *Route) Batch() *Batch { return &Batch{route: r} }

// Len returns the number of operations queued.
func (b *Batch) Len() int { return len(b.ops) }

// BatchOption configures how a batch is sent.
type BatchOption func(*batchConfig)

type batchConfig struct {
	atomic, continueOnError bool
	size                    int
}

// Atomic sends "Isolation: snapshot" (BC 17.1+): BC runs the batch in one
// transaction and rolls every change back when one operation fails, unless
// AL code commits on its own (third parties report that some body-conversion
// and duplicate-key failures were not rolled back on BC 25). An atomic batch
// must fit in one request, so it holds at most MaxBatchOperations operations.
func Atomic() BatchOption { return func(c *batchConfig) { c.atomic = true } }

// ContinueOnError sends "Prefer: odata.continue-on-error", so BC runs the
// operations after a failed one instead of stopping there (documented by
// third parties, not by Microsoft); a batch bigger than one request then
// continues with the next request too.
func ContinueOnError() BatchOption { return func(c *batchConfig) { c.continueOnError = true } }

// BatchSize sets how many operations go in one $batch request (default and
// maximum MaxBatchOperations), e.g. to keep each under BC's request timeouts.
func BatchSize(n int) BatchOption { return func(c *batchConfig) { c.size = n } }

// batchOperation is a queued operation of any result type.
type batchOperation interface {
	request() *batchRequest
	settle(resp *BatchResponse, err error)
	response() *BatchResponse
	failure() error // nil once settled successfully
}

// batchRequest is one entry of the request's "requests" array.
type batchRequest struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// BatchResponse is one operation's answer inside a $batch response.
type BatchResponse struct {
	// ID is the operation's id in the batch ("1", "2", … in the order queued).
	ID string
	// Status is the operation's own HTTP status (201, 204, 409, …).
	Status int
	// Header holds the operation's response headers (Location, Content-Type).
	Header http.Header
	// Body is the operation's JSON body as BC sent it; empty for 204.
	Body json.RawMessage
}

type batchResponseWire struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// Send sends the queued operations, at most MaxBatchOperations (or BatchSize)
// per $batch request, in order, and settles every BatchOp. Each request goes
// through the client's pipeline: a 429 or 503 answer to it is retried (BC
// did not run it), an ambiguous failure never is.
//
// By default BC stops at the first failing operation; the operations after it,
// in that request and in later ones, are not executed (ErrNotExecuted), while
// the ones before it stay committed. ContinueOnError runs them all; Atomic
// undoes them all.
//
// Send returns the batch request's error if one failed (its operations then
// fail with it), a *BatchError if any operation did not succeed, else nil.
func (b *Batch) Send(ctx context.Context, opts ...BatchOption) error {
	cfg := batchConfig{size: MaxBatchOperations}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case b.sent:
		return errors.New("bc: the batch was sent already; start a new one")
	case b.err != nil:
		return b.err
	case cfg.size < 1 || cfg.size > MaxBatchOperations:
		return fmt.Errorf("bc: BatchSize(%d): BC takes 1 to %d operations per batch", cfg.size, MaxBatchOperations)
	case cfg.atomic && cfg.continueOnError:
		return errors.New("bc: Atomic and ContinueOnError contradict each other: an atomic batch is undone by its first failure")
	case cfg.atomic && len(b.ops) > cfg.size:
		return fmt.Errorf("bc: an atomic batch holds at most %d operations, this one has %d: BC makes one transaction of one $batch request, so it cannot be split", cfg.size, len(b.ops))
	}
	b.sent = true
	for start := 0; start < len(b.ops); start += cfg.size {
		end := min(start+cfg.size, len(b.ops))
		stopped, err := b.sendChunk(ctx, b.ops[start:end], cfg)
		if err != nil {
			for _, op := range b.ops[start:end] {
				op.settle(nil, err)
			}
			b.skip(end, "an earlier batch request failed")
			return err
		}
		if stopped {
			b.skip(end, "BC stopped at a failed operation in an earlier batch request")
			break
		}
	}
	return b.outcome()
}

// skip settles the operations from index i on as not executed.
func (b *Batch) skip(i int, why string) {
	for _, op := range b.ops[i:] {
		op.settle(nil, fmt.Errorf("%w: %s", ErrNotExecuted, why))
	}
}

// sendChunk sends one $batch request and settles its operations. It reports
// whether BC stopped at a failure, so later requests must not be sent.
func (b *Batch) sendChunk(ctx context.Context, chunk []batchOperation, cfg batchConfig) (stopped bool, err error) {
	reqs := make([]*batchRequest, len(chunk))
	for i, op := range chunk {
		reqs[i] = op.request()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"requests": reqs}); err != nil {
		return false, fmt.Errorf("bc: encoding the batch: %w", err)
	}
	c := b.route.c
	r, err := c.newRequest(http.MethodPost, b.route.path+"/$batch", nil, bytes.TrimRight(buf.Bytes(), "\n"), nil)
	if err != nil {
		return false, err
	}
	if cfg.atomic {
		r.header.Set("Isolation", "snapshot")
	}
	if cfg.continueOnError {
		r.header.Set("Prefer", "odata.continue-on-error")
	}
	var out struct {
		Responses []batchResponseWire `json:"responses"`
	}
	resp, err := c.send(ctx, r, decodeInto(&out))
	if err != nil {
		return false, err
	}
	byID := make(map[string]*batchResponseWire, len(out.Responses))
	for i := range out.Responses {
		byID[out.Responses[i].ID] = &out.Responses[i]
	}
	failed := false
	for _, op := range chunk {
		w, ok := byID[op.request().ID]
		if !ok {
			op.settle(nil, fmt.Errorf("%w: BC stopped before operation %s", ErrNotExecuted, op.request().ID))
			continue
		}
		br := &BatchResponse{ID: w.ID, Status: w.Status, Header: http.Header{}, Body: w.Body}
		for k, v := range w.Headers {
			br.Header.Set(k, v)
		}
		if w.Status >= 200 && w.Status <= 299 {
			op.settle(br, nil)
			continue
		}
		failed = true
		op.settle(br, b.innerError(op.request(), br, resp.Attempts))
	}
	if failed && cfg.atomic {
		for _, op := range chunk {
			rollBack(op)
		}
	}
	return failed && !cfg.continueOnError, nil
}

// innerError turns a failed operation's answer into an *APIError; BC puts its
// usual error envelope in the operation's body.
func (b *Batch) innerError(req *batchRequest, br *BatchResponse, attempts int) *APIError {
	body := []byte(br.Body)
	var s string
	if json.Unmarshal(body, &s) == nil {
		body = []byte(s) // a text body travels as a JSON string
	}
	code, msg, corr := ParseErrorBody(body)
	if corr == "" {
		corr = firstHeader(br.Header, "ms-correlation-x", "x-ms-correlation-id", "x-correlation-id")
	}
	e := &APIError{
		StatusCode: br.Status, Code: code, Message: msg, CorrelationID: corr,
		Method: req.Method, URL: redactURL(b.route.c.root.String() + "/" + b.route.path + "/" + req.URL),
		Attempts: attempts, Body: body, Header: br.Header,
	}
	if d, ok := parseRetryAfter(br.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	return e
}

// outcome summarises the settled operations.
func (b *Batch) outcome() error {
	be := &BatchError{Total: len(b.ops)}
	for _, op := range b.ops {
		err := op.failure()
		if err == nil {
			continue
		}
		switch {
		case errors.Is(err, ErrRolledBack):
			be.RolledBack++
		case errors.Is(err, ErrNotExecuted):
			be.NotExecuted++
		default:
			be.Failed++
		}
		be.Errs = append(be.Errs, err)
	}
	if len(be.Errs) == 0 {
		return nil
	}
	return be
}

// BatchError reports that operations of a batch did not succeed. Each
// BatchOp holds its own error; Errs lists them in operation order, so
// errors.Is(err, bc.ErrConflict) and errors.As(err, &apiErr) look inside.
type BatchError struct {
	// Total is the number of operations in the batch.
	Total int
	// Failed is how many BC refused; RolledBack how many it undid (Atomic);
	// NotExecuted how many it never ran.
	Failed, RolledBack, NotExecuted int
	// Errs holds the error of every operation that did not succeed.
	Errs []error
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bc: batch: %d of %d operations failed", e.Failed, e.Total)
	if e.RolledBack > 0 {
		fmt.Fprintf(&b, ", %d rolled back", e.RolledBack)
	}
	if e.NotExecuted > 0 {
		fmt.Fprintf(&b, ", %d not executed", e.NotExecuted)
	}
	for _, err := range e.Errs {
		if !errors.Is(err, ErrRolledBack) && !errors.Is(err, ErrNotExecuted) {
			fmt.Fprintf(&b, "; first failure: %v", err)
			break
		}
	}
	return b.String()
}

// Unwrap returns the operations' errors.
func (e *BatchError) Unwrap() []error { return e.Errs }
