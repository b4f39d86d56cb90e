package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bcsdk/bc/internal/textdist"
)

// Replayer is bctest.Replayer, documented there.
type Replayer struct {
	path           string
	sc             *scrubber
	matchBody      bool
	keepRetryAfter bool
	exchanges      []exchange
	keys           []string

	mu        sync.Mutex
	byKey     map[string][]int // indexes of the exchanges with a key, in order
	next      map[string]int   // how many of them have been served
	served    []bool
	unmatched []string
}

// ReplayOption is bctest.ReplayOption, documented there.
type ReplayOption func(*Replayer)

// MatchBody is bctest.MatchBody, documented there.
func MatchBody() ReplayOption { return func(r *Replayer) { r.matchBody = true } }

// KeepRetryAfter is bctest.KeepRetryAfter, documented there.
func KeepRetryAfter() ReplayOption { return func(r *Replayer) { r.keepRetryAfter = true } }

// NewReplayer is bctest.NewReplayer, documented there.
func NewReplayer(path string, opts ...ReplayOption) (*Replayer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bctest: %w", err)
	}
	var rec recording
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("bctest: reading the recording %s: %w", path, err)
	}
	if rec.Format != recordingFormat {
		return nil, fmt.Errorf("bctest: %s is not a recording of format %q (it says %q)", path, recordingFormat, rec.Format)
	}
	r := &Replayer{path: path, sc: newScrubber(nil, nil, false), exchanges: rec.Exchanges,
		byKey: map[string][]int{}, next: map[string]int{}, served: make([]bool, len(rec.Exchanges))}
	for _, o := range opts {
		o(r)
	}
	for i, e := range rec.Exchanges {
		if e.Response == nil && e.Error == "" {
			return nil, fmt.Errorf("bctest: %s: exchange %d has neither a response nor an error", path, i+1)
		}
		body, err := e.Request.bytes()
		if err != nil {
			return nil, fmt.Errorf("bctest: %s: exchange %d: %w", path, i+1, err)
		}
		if e.Response != nil {
			if _, err := e.Response.bytes(); err != nil {
				return nil, fmt.Errorf("bctest: %s: exchange %d: %w", path, i+1, err)
			}
		}
		k := matchKey(e.Request.Method, e.Request.URL, body, r.matchBody)
		r.keys = append(r.keys, k)
		r.byKey[k] = append(r.byKey[k], i)
	}
	return r, nil
}

// RoundTrip implements http.RoundTripper.
func (r *Replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	shown := r.sc.url(req.URL.String())
	scrubbed, _, _ := r.sc.body(body, req.Header.Get("Content-Type"), false)
	key := matchKey(req.Method, shown, scrubbed, r.matchBody)
	token := isTokenPath(req.URL.Path)

	r.mu.Lock()
	defer r.mu.Unlock()
	idx, n := r.byKey[key], r.next[key]
	switch {
	case n < len(idx):
		r.next[key]++
		r.served[idx[n]] = true
		return r.respond(req, r.exchanges[idx[n]])
	case token && len(idx) > 0:
		return r.respond(req, r.exchanges[idx[len(idx)-1]])
	case token:
		return r.respond(req, exchange{Response: &recordedResponse{Status: http.StatusOK,
			Header:  fixtureHeader{"Content-Type": {"application/json; charset=utf-8"}},
			payload: payload{Body: json.RawMessage(`{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"` + Redacted + `"}`)}}})
	case len(idx) > 0:
		return r.miss(req, fmt.Sprintf("bctest: %s %s was answered all %d times it was recorded in %s; this is request %d",
			req.Method, shown, len(idx), r.path, n+1))
	}
	msg := fmt.Sprintf("bctest: no exchange recorded in %s matches %s %s", r.path, req.Method, shown)
	if r.matchBody && len(scrubbed) > 0 {
		msg += " with body " + excerpt(scrubbed)
	}
	if i := r.closest(key); i >= 0 {
		e := r.exchanges[i].Request
		msg += fmt.Sprintf("; the closest recorded request is %s %s", e.Method, e.URL)
		if b, _ := e.bytes(); r.matchBody && len(b) > 0 {
			msg += " with body " + excerpt(b)
		}
	}
	return r.miss(req, msg)
}

func excerpt(b []byte) string {
	const n = 200
	s := canonicalBody(b)
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// respond builds the response of a recorded exchange.
func (r *Replayer) respond(req *http.Request, e exchange) (*http.Response, error) {
	if e.Response == nil {
		return nil, errors.New(e.Error)
	}
	body, _ := e.Response.bytes()
	h := http.Header(e.Response.Header).Clone()
	if h == nil {
		h = http.Header{}
	}
	if !r.keepRetryAfter && h.Get("Retry-After") != "" {
		h.Set("Retry-After", "0")
	}
	var rc io.ReadCloser = io.NopCloser(bytes.NewReader(body))
	length := int64(len(body))
	if e.Response.BodyError != "" {
		cut := errors.New(e.Response.BodyError)
		if e.Response.BodyError == io.ErrUnexpectedEOF.Error() {
			cut = io.ErrUnexpectedEOF
		}
		rc, length = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{cut})), -1
	} else {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return &http.Response{
		Status:     fmt.Sprintf("%d %s", e.Response.Status, http.StatusText(e.Response.Status)),
		StatusCode: e.Response.Status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: rc, ContentLength: length, Request: req,
	}, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// miss answers an unmatched request with 501 and BC's error shape.
func (r *Replayer) miss(req *http.Request, msg string) (*http.Response, error) {
	r.unmatched = append(r.unmatched, msg)
	body, _ := json.Marshal(map[string]map[string]string{"error": {"code": "NoRecordedExchange", "message": msg}})
	return &http.Response{
		Status: "501 Not Implemented", StatusCode: http.StatusNotImplemented, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}, "Content-Length": {strconv.Itoa(len(body))}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req,
	}, nil
}

// closest returns the recorded exchange whose key is nearest to key (edit
// distance, same method preferred), or -1 if there are none.
func (r *Replayer) closest(key string) int {
	method, _, _ := strings.Cut(key, " ")
	best, bestDist := -1, 0
	for i, k := range r.keys {
		d := editDistance(key, k)
		if m, _, _ := strings.Cut(k, " "); m != method {
			d += 1 << 20
		}
		if best < 0 || d < bestDist {
			best, bestDist = i, d
		}
	}
	return best
}

// editDistance is the edit distance of the first 1000 bytes of a and b:
// recorded URLs can be long, and the hint needs only the closest one.
func editDistance(a, b string) int {
	return textdist.Levenshtein(a[:min(len(a), 1000)], b[:min(len(b), 1000)])
}

// Unused lists the recorded exchanges that have not been served, as
// "#n METHOD URL", in recorded order. A test that asserts it is empty proves
// it still makes every request of its recording.
func (r *Replayer) Unused() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for i, e := range r.exchanges {
		if !r.served[i] {
			out = append(out, fmt.Sprintf("#%d %s %s", i+1, e.Request.Method, e.Request.URL))
		}
	}
	return out
}

// Unmatched lists the error messages of the requests that no recorded
// exchange answered, in order.
func (r *Replayer) Unmatched() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.unmatched...)
}

// matchKey identifies a request for replay: method, path and query with
// parameters sorted, the tenant and environment segments normalised (so a
// test may use real or fake values) and, if withBody, the body (JSON
// compared by value). The host is ignored.
func matchKey(method, rawURL string, body []byte, withBody bool) string {
	key := method + " " + rawURL
	if u, err := url.Parse(rawURL); err == nil {
		segs := strings.Split(u.EscapedPath(), "/")
		if _, idx := pathTenantEnv(segs); idx[0] >= 0 || idx[1] >= 0 {
			if idx[0] >= 0 {
				segs[idx[0]] = FakeTenantID
			}
			if idx[1] >= 0 {
				segs[idx[1]] = "{environment}"
			}
		}
		key = method + " " + strings.Join(segs, "/")
		if q, err := url.ParseQuery(u.RawQuery); err == nil && len(q) > 0 {
			var pairs []string
			for k, vs := range q {
				for _, v := range vs {
					pairs = append(pairs, url.QueryEscape(k)+"="+url.QueryEscape(v))
				}
			}
			slices.Sort(pairs)
			key += "?" + strings.Join(pairs, "&")
		} else if u.RawQuery != "" {
			key += "?" + u.RawQuery
		}
	}
	if withBody && len(body) > 0 {
		key += " " + canonicalBody(body)
	}
	return key
}

func canonicalBody(b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err == nil && !dec.More() {
		if out, err := json.Marshal(v); err == nil {
			return string(out)
		}
	}
	return string(b)
}
