// Package record records exchanges with Business Central, scrubbed, and
// replays them offline: the recorder, the replayer, the scrubbing and the
// Fixture modes behind bctest's recording API (bctest.NewRecorder,
// bctest.NewReplayer, bctest.Fixture), which documents them.
package record

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultMaxBodySize is bctest.DefaultMaxBodySize, documented there.
const DefaultMaxBodySize = 50 << 20

// Recorder is bctest.Recorder, documented there.
type Recorder struct {
	path    string
	base    http.RoundTripper
	sc      *scrubber
	maxBody int64
	keep    map[string]bool // request headers recorded

	mu    sync.Mutex
	calls []*call
}

// call is one exchange being recorded; its scrubbed fields are filled in as
// the request is sent and the response body is read.
type call struct {
	method, url string
	reqHeader   http.Header
	reqBody     []byte
	reqText     bool
	gen         int // the scrubber's generation when the bodies were scrubbed

	done                 bool
	status               int
	respHeader           http.Header
	respBody             []byte
	respText             bool
	bodyErr, err, tooBig string
}

// RecordOption is bctest.RecordOption, documented there.
type RecordOption func(*recordConfig)

type recordConfig struct {
	secrets, tenants []string
	scrubEnv         bool
	headers          []string
	maxBody          int64
}

// Redact is bctest.Redact, documented there.
func Redact(values ...string) RecordOption {
	return func(c *recordConfig) { c.secrets = append(c.secrets, values...) }
}

// ScrubTenant is bctest.ScrubTenant, documented there.
func ScrubTenant(ids ...string) RecordOption {
	return func(c *recordConfig) { c.tenants = append(c.tenants, ids...) }
}

// ScrubEnvironment is bctest.ScrubEnvironment, documented there.
func ScrubEnvironment() RecordOption { return func(c *recordConfig) { c.scrubEnv = true } }

// RecordHeaders is bctest.RecordHeaders, documented there.
func RecordHeaders(names ...string) RecordOption {
	return func(c *recordConfig) { c.headers = append(c.headers, names...) }
}

// MaxBodySize is bctest.MaxBodySize, documented there.
func MaxBodySize(n int64) RecordOption { return func(c *recordConfig) { c.maxBody = n } }

var defaultRecordedHeaders = []string{
	"Accept", "Accept-Language", "Authorization", "Content-Type", "Cookie",
	"Data-Access-Intent", "If-Match", "If-None-Match", "Prefer",
}

// NewRecorder is bctest.NewRecorder, documented there.
func NewRecorder(path string, base http.RoundTripper, opts ...RecordOption) *Recorder {
	cfg := recordConfig{maxBody: DefaultMaxBodySize}
	for _, o := range opts {
		o(&cfg)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	keep := map[string]bool{}
	for _, h := range append(defaultRecordedHeaders, cfg.headers...) {
		keep[http.CanonicalHeaderKey(h)] = true
	}
	return &Recorder{path: path, base: base, sc: newScrubber(cfg.secrets, cfg.tenants, cfg.scrubEnv), maxBody: cfg.maxBody, keep: keep}
}

// RoundTrip implements http.RoundTripper.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	c := &call{method: req.Method, url: r.sc.url(req.URL.String()), reqHeader: r.sc.header(req.Header, r.keep), gen: math.MaxInt}
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(req.Body, r.maxBody+1))
		if err != nil {
			_ = req.Body.Close()
			return nil, err
		}
		out = req.Clone(req.Context())
		if int64(len(b)) > r.maxBody {
			c.tooBig = "request body"
			out.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(b), req.Body), req.Body}
		} else {
			_ = req.Body.Close()
			out.Body = io.NopCloser(bytes.NewReader(b))
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
			c.reqBody, c.reqText, c.gen = r.sc.body(b, req.Header.Get("Content-Type"), false)
		}
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()

	resp, err := r.base.RoundTrip(out)
	if err != nil {
		msg := r.sc.text(err.Error())
		r.mu.Lock()
		c.err, c.done = msg, true
		r.mu.Unlock()
		return nil, err
	}
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	header := r.sc.header(resp.Header, nil)
	companies := companiesURL.MatchString(req.URL.Path)
	ct := resp.Header.Get("Content-Type")
	resp.Body = &teeBody{rc: resp.Body, max: r.maxBody, finish: func(b []byte, over bool, readErr error) {
		var body []byte
		text, gen := true, math.MaxInt
		if !over {
			body, text, gen = r.sc.body(b, ct, companies)
		}
		var bodyErr string
		if readErr != nil {
			bodyErr = r.sc.text(readErr.Error())
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		c.status, c.respHeader, c.respBody, c.respText, c.bodyErr, c.done = resp.StatusCode, header, body, text, bodyErr, true
		c.gen = min(c.gen, gen)
		if over && c.tooBig == "" {
			c.tooBig = "response body"
		}
	}}
	return resp, nil
}

// Save writes the exchanges recorded so far to the recorder's path as
// indented JSON, atomically (a temporary file renamed over it), creating
// directories as needed. It fails, writing nothing, if a response body has
// not been closed yet, a body exceeded MaxBodySize, or scrubbing left a
// secret or real identifier in the file.
func (r *Recorder) Save() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := recording{Format: recordingFormat, Exchanges: make([]exchange, 0, len(r.calls))}
	var problems []string
	for i, c := range r.calls {
		switch {
		case !c.done:
			problems = append(problems, fmt.Sprintf("exchange %d (%s %s): the response body was not read to the end or closed", i+1, c.method, c.url))
		case c.tooBig != "":
			problems = append(problems, fmt.Sprintf("exchange %d (%s %s): the %s is larger than MaxBodySize (%d bytes)", i+1, c.method, c.url, c.tooBig, r.maxBody))
		}
		rec.Exchanges = append(rec.Exchanges, r.exchange(c))
	}
	if len(problems) > 0 {
		return fmt.Errorf("bctest: not saving %s: %s", r.path, strings.Join(problems, "; "))
	}
	data, err := encodeRecording(rec)
	if err != nil {
		return fmt.Errorf("bctest: encoding %s: %w", r.path, err)
	}
	if leak := r.sc.leak(data); leak != "" {
		return fmt.Errorf("bctest: not saving %s: scrubbing left %s in it", r.path, leak)
	}
	return writeFileAtomic(r.path, data)
}

// exchange scrubs c once more with everything learned by now.
func (r *Recorder) exchange(c *call) exchange {
	stale := c.gen < r.sc.generation()
	rescrub := func(b []byte, text bool) []byte {
		if !text || !stale {
			return b
		}
		return []byte(r.sc.text(string(b)))
	}
	e := exchange{Request: recordedRequest{
		Method:  c.method,
		URL:     r.sc.text(c.url),
		Header:  fixtureHeader(r.sc.header(c.reqHeader, r.keep)),
		payload: newPayload(rescrub(c.reqBody, c.reqText), c.reqText),
	}}
	if c.err != "" {
		e.Error = r.sc.text(c.err)
		return e
	}
	e.Response = &recordedResponse{
		Status:    c.status,
		Header:    fixtureHeader(r.sc.header(c.respHeader, nil)),
		payload:   newPayload(rescrub(c.respBody, c.respText), c.respText),
		BodyError: c.bodyErr,
	}
	return e
}

func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bctest: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("bctest: %w", err)
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Chmod(0o644), f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("bctest: saving %s: %w", path, err)
	}
	return nil
}

// teeBody passes a response body through to the client and keeps a copy of up
// to max bytes. finish runs once, at the end of the body or on Close, which
// first reads what the client left unread so the recording is complete.
type teeBody struct {
	rc      io.ReadCloser
	max     int64
	finish  func(b []byte, over bool, readErr error)
	reading atomic.Int32

	mu   sync.Mutex
	buf  bytes.Buffer
	over bool
	once sync.Once
}

func (t *teeBody) Read(p []byte) (int, error) {
	t.reading.Add(1)
	n, err := t.rc.Read(p)
	t.reading.Add(-1)
	_, _ = t.keep(p[:n])
	switch {
	case errors.Is(err, io.EOF):
		t.end(nil)
	case err != nil:
		t.end(err)
	}
	return n, err
}

// keep appends b to the copy; past max it drops the copy and returns errTooBig.
func (t *teeBody) keep(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.over && int64(t.buf.Len()+len(b)) > t.max {
		t.over = true
		t.buf = bytes.Buffer{}
	}
	if t.over {
		return 0, errTooBig
	}
	return t.buf.Write(b)
}

var errTooBig = errors.New("bctest: body larger than MaxBodySize")

func (t *teeBody) Close() error {
	var readErr error
	t.mu.Lock()
	over := t.over
	t.mu.Unlock()
	// Reading concurrently with a Read blocked in another goroutine is not
	// allowed, so the rest is only read when the client is not reading.
	if !over && t.reading.Load() == 0 {
		_, readErr = io.Copy(writerFunc(t.keep), t.rc)
		if errors.Is(readErr, errTooBig) {
			readErr = nil
		}
	}
	err := t.rc.Close()
	t.end(readErr)
	return err
}

func (t *teeBody) end(readErr error) {
	t.once.Do(func() {
		t.mu.Lock()
		b, over := t.buf.Bytes(), t.over
		t.mu.Unlock()
		t.finish(b, over, readErr)
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
