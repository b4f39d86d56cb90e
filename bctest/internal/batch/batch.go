// Package batch runs BC's JSON $batch: it parses {"requests":[…]}, runs
// each inner request in order through the OData core (a callback, so the
// core stays the one place requests are answered), and, for "Isolation:
// snapshot", holds the tenant to itself and undoes every change when an
// operation fails. It is separate because batching is an envelope around
// the core, not a part of answering any one request.
package batch

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
)

// BC's JSON $batch: POST {route}/$batch with {"requests":[…]} runs each inner
// request through the normal dispatch, in order, and answers 200 with
// {"responses":[…]} whatever happened inside. See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/webservices/use-odata-batch

// maxBatchParts is BC's limit of operations per batch.
const maxBatchParts = 100

type batchPart struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// Runner is what a batch works with.
type Runner struct {
	Tenant *tenant.Tenant
	// Serve answers one inner request for the resource path below the API
	// route, as the core answers any request.
	Serve func(w http.ResponseWriter, r *http.Request, resource []string)
	// Retract withdraws the webhook notifications of undone changes.
	Retract func(rows []*table.Row)
}

// Run runs the batch r posts ({route}/$batch, res its path from $batch).
// By default it stops after the first failed operation; "Prefer:
// odata.continue-on-error" runs the rest too; "Isolation: snapshot" undoes
// every change of the batch when one operation fails (and stops there).
func (b *Runner) Run(w http.ResponseWriter, r *http.Request, res []string) {
	c := &run{Runner: b, w: w, r: r}
	if len(res) > 1 {
		c.fail(protocol.NotFoundSegment(res[1]))
		return
	}
	if c.r.Method != http.MethodPost {
		c.fail(protocol.MethodNotAllowed(c.r.Method, "$batch"))
		return
	}
	if mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); mt != "application/json" {
		c.fail(protocol.BadRequest("BadRequest", "The fake Business Central serves JSON batches only: send Content-Type: application/json."))
		return
	}
	var in struct {
		Requests []batchPart `json:"requests"`
	}
	dec := json.NewDecoder(io.LimitReader(c.r.Body, 350<<20))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		c.fail(protocol.BadRequest("BadRequest", "Invalid Request Body"))
		return
	}
	if len(in.Requests) > maxBatchParts {
		c.fail(protocol.BadRequest("Unknown", "The current batch message contains too many parts. A maximum number of '100' query operations and change sets are allowed in a batch message."))
		return
	}
	atomic := strings.EqualFold(strings.TrimSpace(c.r.Header.Get("Isolation")), "snapshot")
	continueOnError := preferContinueOnError(c.r.Header.Values("Prefer"))
	var undo *undoLog
	if atomic {
		c.Tenant.Isolation.Lock()
		defer c.Tenant.Isolation.Unlock()
		undo = beginUndo(c.Runner)
	} else {
		c.Tenant.Isolation.RLock()
		defer c.Tenant.Isolation.RUnlock()
	}
	out := make([]batchAnswer, 0, len(in.Requests))
	failed := false
	for _, part := range in.Requests {
		a := c.runPart(part)
		out = append(out, a)
		if a.Status >= 400 {
			failed = true
			if atomic || !continueOnError {
				break
			}
		}
	}
	if undo != nil {
		undo.finish(failed)
	}
	protocol.WriteJSONHeader(c.w, http.StatusOK)
	enc := json.NewEncoder(c.w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string][]batchAnswer{"responses": out})
}

func preferContinueOnError(prefer []string) bool {
	for _, v := range prefer {
		for p := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "odata.continue-on-error") {
				return true
			}
		}
	}
	return false
}

// run is one batch being run.
type run struct {
	*Runner
	w http.ResponseWriter
	r *http.Request
}

func (c *run) fail(e *protocol.Error) { protocol.WriteError(c.w, e) }

// runPart runs one inner request through the core and records its answer.
func (c *run) runPart(p batchPart) batchAnswer {
	fail := func(e *protocol.Error) batchAnswer {
		rec := httptest.NewRecorder()
		protocol.WriteError(rec, e)
		return answerOf(p.ID, rec)
	}
	method := strings.ToUpper(p.Method)
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
	default:
		return fail(protocol.BadRequest("BadRequest", "The method '"+p.Method+"' of batch request '"+p.ID+"' is not supported."))
	}
	root := strings.TrimSuffix(c.r.URL.EscapedPath(), "/$batch") // /v2.0/{tenant}/{env}/api/…
	u, err := url.Parse(p.URL)
	if err != nil || p.URL == "" {
		return fail(protocol.BadRequest("BadRequest_InvalidRequestUrl", "The URL '"+p.URL+"' of batch request '"+p.ID+"' is not valid."))
	}
	path := u.EscapedPath()
	if !u.IsAbs() && !strings.HasPrefix(path, "/") {
		path = root + "/" + path // relative to the route, as BC's samples write them
	}
	rootSegs, segs := protocol.SplitPath(root), protocol.SplitPath(path)
	if len(segs) <= len(rootSegs) || !slices.Equal(segs[:len(rootSegs)], rootSegs) {
		return fail(protocol.NotFoundSegment(p.URL))
	}
	resource := segs[len(rootSegs):]
	if resource[0] == "$batch" {
		return fail(protocol.BadRequest("BadRequest", "A batch request cannot contain another batch."))
	}
	var body io.Reader = http.NoBody
	if len(p.Body) > 0 {
		body = bytes.NewReader(p.Body)
	}
	target := "http://" + c.r.Host + path
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	r, err := http.NewRequestWithContext(c.r.Context(), method, target, body)
	if err != nil {
		return fail(protocol.BadRequest("BadRequest_InvalidRequestUrl", "The URL '"+p.URL+"' of batch request '"+p.ID+"' is not valid."))
	}
	r.Host, r.TLS, r.RemoteAddr = c.r.Host, c.r.TLS, c.r.RemoteAddr
	for k, v := range p.Headers {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	c.Runner.Serve(rec, r, resource)
	return answerOf(p.ID, rec)
}

// answerOf turns a recorded response into a batch answer: header names in
// lower case and the body embedded as JSON, as BC writes them; a text body
// becomes a JSON string, a binary one base64.
func answerOf(id string, rec *httptest.ResponseRecorder) batchAnswer {
	a := batchAnswer{ID: id, Status: rec.Code, Headers: map[string]string{}}
	for k, v := range rec.Header() {
		if len(v) > 0 && k != "Content-Length" {
			a.Headers[strings.ToLower(k)] = v[0]
		}
	}
	b := bytes.TrimSpace(rec.Body.Bytes())
	if len(b) == 0 {
		return a
	}
	mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	switch {
	case mt == "application/json" && json.Valid(b):
		a.Body = b
	case strings.HasPrefix(mt, "text/"):
		a.Body, _ = json.Marshal(strings.TrimPrefix(string(b), "\ufeff"))
	default:
		a.Body, _ = json.Marshal(base64.StdEncoding.EncodeToString(rec.Body.Bytes()))
	}
	return a
}
