package bc

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The bounds below stop a broken or hostile server from making the client
// read without end: a page's rows, one JSON value, one response body. A
// response past a bound fails with an error matching ErrTooLarge and is not
// retried: sending the request again would fetch the same answer.

// DefaultMaxPageRows bounds the rows of a page when no page size was asked
// for: five times BC's own cap of 20,000 rows (online, and on-premises by
// default), so that an on-premises ODataServicesMaxPageSize raised above it
// still fits. Ask a page size with odata.Query.MaxPageSize for a server
// configured higher still.
const DefaultMaxPageRows = 100_000

// DefaultMaxValueSize is the default for WithMaxValueSize: 16 MiB, far above
// any entity BC sends (its largest are documents with their lines expanded).
const DefaultMaxValueSize = 16 << 20

// DefaultMaxResponseSize is the default for WithMaxResponseSize: 512 MiB, so a
// 20,000-row page averaging 25 KiB a row fits.
const DefaultMaxResponseSize = 512 << 20

// ErrTooLarge matches (errors.Is) a response refused for going past a bound:
// a page with more rows than asked for, a JSON value above WithMaxValueSize,
// a body above WithMaxResponseSize.
var ErrTooLarge = errors.New("bc: response too large")

// tooLargeError is a bound's refusal, worded for the bound it hit.
type tooLargeError struct{ msg string }

func (e *tooLargeError) Error() string        { return e.msg }
func (e *tooLargeError) Is(target error) bool { return target == ErrTooLarge }

// WithMaxValueSize sets the largest JSON value the client accepts (default
// DefaultMaxValueSize): each entity and each other property of a page, and
// the entity a single-entity call answers with (Get, Create, Update, Patch).
// Media downloads (Media.Open, Media.Download) are streams, not JSON, and are
// not bounded.
func WithMaxValueSize(n int) Option {
	return func(c *clientConfig) error {
		if n < 1 {
			return fmt.Errorf("bc: WithMaxValueSize(%d): must be at least 1", n)
		}
		c.maxValueSize = n
		return nil
	}
}

// WithMaxResponseSize sets the largest response body, counted after
// decompression, that the client reads itself (default
// DefaultMaxResponseSize): pages, entities, $batch answers, $metadata. Media
// downloads are streamed to the caller and are not bounded.
func WithMaxResponseSize(n int64) Option {
	return func(c *clientConfig) error {
		if n < 1 {
			return fmt.Errorf("bc: WithMaxResponseSize(%d): must be at least 1", n)
		}
		c.maxResponseSize = n
		return nil
	}
}

// pageLimits are the bounds one page is read under.
type pageLimits struct {
	asked int // the page size asked for (odata.maxpagesize), 0 if none
	rows  int // the most rows accepted
	value int // the most bytes of one JSON value
}

// pageLimits returns the bounds for the page r asks for: the page size asked
// plus a tenth, at least 10 rows, of slack (BC never sends more than asked;
// the slack spares a server that counts a little differently), or
// DefaultMaxPageRows when r asks none.
func (c *Client) pageLimits(r *request) pageLimits {
	asked := askedPageSize(r.header)
	rows := DefaultMaxPageRows
	if asked > 0 {
		rows = asked + max(asked/10, 10)
	}
	return pageLimits{asked: asked, rows: rows, value: c.maxValueSize}
}

// askedPageSize reads odata.maxpagesize from the Prefer headers, 0 if absent.
func askedPageSize(h http.Header) int {
	for _, v := range h.Values("Prefer") {
		for _, pref := range strings.Split(v, ",") {
			name, val, _ := strings.Cut(pref, "=")
			if strings.EqualFold(strings.TrimSpace(name), "odata.maxpagesize") {
				if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil && n > 0 {
					return n
				}
			}
		}
	}
	return 0
}

// tooManyRows is the refusal of the first row past l.rows.
func (l pageLimits) tooManyRows() error {
	if l.asked > 0 {
		return &tooLargeError{fmt.Sprintf("bc: refusing the page: it holds more than %d rows, the bound for the page size of %d asked for (odata.maxpagesize plus %d rows of slack)", l.rows, l.asked, l.rows-l.asked)}
	}
	return &tooLargeError{fmt.Sprintf("bc: refusing the page: it holds more than %d rows, the bound when no page size is asked for (ask one with MaxPageSize)", l.rows)}
}

// tooLargeValue is the refusal of a JSON value of more than l.value bytes.
func (l pageLimits) tooLargeValue() error {
	return &tooLargeError{fmt.Sprintf("bc: refusing the page: it holds a JSON value of more than %s, the bound set by WithMaxValueSize", byteSize(int64(l.value)))}
}

// boundedBody returns resp's body decompressed (when the transport left a
// gzip body as it came) and failing past max bytes, so an endless or
// inflating body is refused instead of read to its end.
func boundedBody(resp *http.Response, max int64) io.Reader {
	var body io.Reader = resp.Body
	if !resp.Uncompressed && strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		body = &gunzipBody{r: resp.Body}
	}
	return &limitedBody{r: body, left: max, max: max}
}

// gunzipBody decompresses a gzip body, starting on the first read so that an
// empty body (204) reads as empty.
type gunzipBody struct {
	r   io.Reader
	zr  *gzip.Reader
	err error
}

func (g *gunzipBody) Read(p []byte) (int, error) {
	if g.zr == nil && g.err == nil {
		g.zr, g.err = gzip.NewReader(g.r)
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.zr.Read(p)
}

// limitedBody reads at most max bytes of r and fails, rather than stopping
// short, when r holds more. refuse, if set, words the failure; by default it
// names WithMaxResponseSize.
type limitedBody struct {
	r         io.Reader
	left, max int64
	refuse    func() error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooLarge()
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		b.left = -1
		return 0, b.tooLarge()
	}
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) tooLarge() error {
	if b.refuse != nil {
		return b.refuse()
	}
	return &tooLargeError{fmt.Sprintf("bc: refusing the response: its body is larger than %s after decompression, the bound set by WithMaxResponseSize", byteSize(b.max))}
}

// entityEnvelope is the room a single-entity answer gets beyond the entity's
// own bound for what surrounds it: @odata.context and @odata.etag.
const entityEnvelope = 4 << 10

// entityHandler is decodeInto for an answer that is one entity: its body is
// one JSON value, bounded like a value of a page (WithMaxValueSize, plus the
// envelope), so that the single-entity calls cannot be made to read more than
// a listing would accept.
func (c *Client) entityHandler(v any) func(*http.Response) error {
	decode := decodeInto(v)
	limit := int64(c.maxValueSize) + entityEnvelope
	refuse := func() error {
		return &tooLargeError{fmt.Sprintf("bc: refusing the entity: it is larger than %s, the bound set by WithMaxValueSize", byteSize(int64(c.maxValueSize)))}
	}
	return func(resp *http.Response) error {
		resp.Body = io.NopCloser(&limitedBody{r: resp.Body, left: limit, max: limit, refuse: refuse})
		return decode(resp)
	}
}

// byteSize writes n in MiB or KiB when it is a whole number of them.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// decoderBound fails a json.Decoder's read once the value it is decoding
// holds lim.value bytes and is still unfinished: the decoder asks for input
// only when all it holds from its input offset on is one unfinished value.
// Reads are cut so that it never holds more than that.
type decoderBound struct {
	r    io.Reader
	dec  *json.Decoder
	read int64
	lim  pageLimits
}

func (b *decoderBound) Read(p []byte) (int, error) {
	held := b.read - b.dec.InputOffset()
	if held >= int64(b.lim.value) {
		return 0, b.lim.tooLargeValue()
	}
	if room := int64(b.lim.value) - held; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}
