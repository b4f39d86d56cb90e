package bc

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bcsdk/bc/odata"
	"github.com/stretchr/testify/require"
)

// testLimits are the bounds of a page read without a page size asked for.
var testLimits = pageLimits{rows: DefaultMaxPageRows, value: DefaultMaxValueSize}

const customersPath = apiPrefix + "/companies(" + testCompany + ")/customers"

// listing is one way of reading a page: Pager[T] (readPage) or RawPager
// (scanPage). It returns the rows read and the error.
type listing struct {
	name string
	read func(t *testing.T, c *Client, q *odata.Query, opts ...RequestOption) (int, error)
}

var listings = []listing{
	{"Pager", func(t *testing.T, c *Client, q *odata.Query, opts ...RequestOption) (int, error) {
		page, err := Set[json.RawMessage](c.Company(testCompany), "customers").List(q, opts...).NextPage(t.Context())
		if err != nil {
			return 0, err
		}
		return len(page.Items), nil
	}},
	{"RawPager", func(t *testing.T, c *Client, q *odata.Query, opts ...RequestOption) (int, error) {
		page, err := Set[json.RawMessage](c.Company(testCompany), "customers").ListRaw(q, opts...).NextPage(t.Context(), nil, func([]byte) error { return nil })
		if err != nil {
			return 0, err
		}
		return page.Items, nil
	}},
}

// countingClient returns an HTTP client that counts the response body bytes
// the bc client reads (after the transport's decompression) and fails a read
// past 64 MiB, so that a test of an unbounded body ends even without bounds.
func countingClient(read *atomic.Int64) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err == nil {
			resp.Body = &countedBody{ReadCloser: resp.Body, read: read}
		}
		return resp, err
	})}
}

type countedBody struct {
	io.ReadCloser
	read *atomic.Int64
}

var errTestSafetyNet = errors.New("test safety net: 64 MiB read and the page is still not refused")

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.read.Add(int64(n)) > 64<<20 {
		return n, errTestSafetyNet
	}
	return n, err
}

// endlessRows is a page whose value array never ends.
type endlessRows struct{ pos int }

func (e *endlessRows) Read(p []byte) (int, error) {
	const start, row = `{"value":[`, `{"id":"00000000-0000-0000-0000-000000000001","number":"C00001"},`
	for i := range p {
		if e.pos < len(start) {
			p[i] = start[e.pos]
		} else {
			p[i] = row[(e.pos-len(start))%len(row)]
		}
		e.pos++
	}
	return len(p), nil
}

// TestEndlessPageIsRefusedWhileStreaming serves a value array that never
// ends to a MaxPageSize(100) listing: the page is refused at row 111, after
// reading a bounded part of the body, and the request is not retried.
func TestEndlessPageIsRefusedWhileStreaming(t *testing.T) {
	t.Parallel()
	for _, l := range listings {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			var read atomic.Int64
			c, mux, _ := setup(t, WithHTTPClient(countingClient(&read)))
			var requests atomic.Int32
			mux.HandleFunc("GET "+customersPath, func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.Copy(w, &endlessRows{})
			})
			_, err := l.read(t, c, odata.New().MaxPageSize(100))
			require.ErrorIs(t, err, ErrTooLarge)
			require.EqualError(t, err, "bc: refusing the page: it holds more than 110 rows, the bound for the page size of 100 asked for (odata.maxpagesize plus 10 rows of slack)")
			require.Equal(t, int32(1), requests.Load(), "a refused page is not fetched again")
			require.Less(t, read.Load(), int64(256<<10), "the body is read no further than the bound")
		})
	}
}

// rowsServer serves ?rows=N rows of {"n":i} in one page and records the
// Prefer header of each request.
func rowsServer(t *testing.T, mux *http.ServeMux) *atomic.Int32 {
	var requests atomic.Int32
	mux.HandleFunc("GET "+customersPath, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		n, err := strconv.Atoi(r.URL.Query().Get("rows"))
		require.NoError(t, err)
		var b strings.Builder
		b.WriteString(`{"value":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"n":%d}`, i)
		}
		b.WriteString(`]}`)
		writeRaw(w, 200, b.String())
	})
	return &requests
}

// TestPageRowBoundIsExact checks each bound at its edge: the page size asked
// plus a tenth (at least 10) is read, one row more is refused; with no page
// size asked, DefaultMaxPageRows.
func TestPageRowBoundIsExact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		asked, bound int
		refusal      string
	}{
		{1, 11, "bc: refusing the page: it holds more than 11 rows, the bound for the page size of 1 asked for (odata.maxpagesize plus 10 rows of slack)"},
		{100, 110, "bc: refusing the page: it holds more than 110 rows, the bound for the page size of 100 asked for (odata.maxpagesize plus 10 rows of slack)"},
		{20000, 22000, "bc: refusing the page: it holds more than 22000 rows, the bound for the page size of 20000 asked for (odata.maxpagesize plus 2000 rows of slack)"},
		{0, 100000, "bc: refusing the page: it holds more than 100000 rows, the bound when no page size is asked for (ask one with MaxPageSize)"},
	}
	for _, l := range listings {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/asked=%d", l.name, tt.asked), func(t *testing.T) {
				t.Parallel()
				c, mux, _ := setup(t)
				requests := rowsServer(t, mux)
				q := func(rows int) *odata.Query {
					q := odata.New().Raw("rows", strconv.Itoa(rows))
					if tt.asked > 0 {
						q.MaxPageSize(tt.asked)
					}
					return q
				}
				n, err := l.read(t, c, q(tt.bound))
				require.NoError(t, err)
				require.Equal(t, tt.bound, n)
				_, err = l.read(t, c, q(tt.bound+1))
				require.ErrorIs(t, err, ErrTooLarge)
				require.EqualError(t, err, tt.refusal)
				require.Equal(t, int32(2), requests.Load(), "the refusal is not retried")
			})
		}
	}
}

// TestAskedPageSizeComesFromThePreferHeader covers a page size set by hand,
// alongside another preference.
func TestAskedPageSizeComesFromThePreferHeader(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		prefer []string
		want   int
	}{
		{nil, 0},
		{[]string{"odata.maxpagesize=50"}, 50},
		{[]string{"return=minimal, OData.MaxPageSize = 7"}, 7},
		{[]string{"return=minimal", "odata.maxpagesize=9"}, 9},
		{[]string{"odata.maxpagesize=x"}, 0},
	} {
		h := http.Header{"Prefer": tt.prefer}
		require.Equal(t, tt.want, askedPageSize(h), tt.prefer)
	}
}

// TestValueBoundIsExact reads a row of exactly the bound and one a byte
// longer with both scanners, fed a byte at a time and whole.
func TestValueBoundIsExact(t *testing.T) {
	t.Parallel()
	const bound = 1000
	lim := pageLimits{rows: 10, value: bound}
	row := func(size int) string { return `{"s":"` + strings.Repeat("x", size-8) + `"}` }
	page := func(size int) string { return `{"value":[{"a":1},` + row(size) + `]}` }
	refusal := "bc: refusing the page: it holds a JSON value of more than 1000 bytes, the bound set by WithMaxValueSize"
	readers := map[string]func(string) io.Reader{
		"whole":   func(s string) io.Reader { return strings.NewReader(s) },
		"by byte": func(s string) io.Reader { return &oneByte{strings.NewReader(s)} },
	}
	for name, reader := range readers {
		_, _, err := scanPage(reader(page(bound)), lim, func([]byte) error { return nil })
		require.NoError(t, err, name)
		_, _, err = scanPage(reader(page(bound+1)), lim, func([]byte) error { return nil })
		require.EqualError(t, err, refusal, name)

		decode := func(dec *json.Decoder) error { var v any; return dec.Decode(&v) }
		_, _, err = readPage(reader(page(bound)), lim, decode)
		require.NoError(t, err, name)
		_, _, err = readPage(reader(page(bound+1)), lim, decode)
		require.EqualError(t, err, refusal, name)
	}
	require.Len(t, row(bound), bound)
}

type oneByte struct{ r io.Reader }

func (o *oneByte) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), 1)]) }

// gzipped compresses start, then repeat copies of fill, then end. Writing
// to a bytes.Buffer cannot fail.
func gzipped(start string, fill byte, repeat int, end string) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write([]byte(start))
	_, _ = io.Copy(zw, io.LimitReader(repeatByte(fill), int64(repeat)))
	_, _ = zw.Write([]byte(end))
	_ = zw.Close()
	return b.Bytes()
}

type repeatByte byte

func (r repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// bomb is a page of one 64 MiB value, gzipped to about 64 KiB.
var bomb = sync.OnceValue(func() []byte {
	return gzipped(`{"value":[{"s":"`, 'A', 64<<20, `"}]}`)
})

// serveGzip answers every request for the customers with body, gzipped.
func serveGzip(mux *http.ServeMux, body []byte) {
	mux.HandleFunc("GET "+customersPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(body)
	})
}

// decompressions are the two places a gzip body is inflated: net/http's
// transport (it asked for gzip itself), or the client (the caller asked).
var decompressions = map[string][]RequestOption{
	"by the transport": nil,
	"by the client":    {WithHeader("Accept-Encoding", "gzip")},
}

// TestGzipBombValueIsRefused serves a 64 KiB gzip body that inflates to one
// 64 MiB value: it is refused at the value bound, having inflated little
// more than the bound.
func TestGzipBombValueIsRefused(t *testing.T) {
	t.Parallel()
	require.Less(t, len(bomb()), 256<<10)
	for _, l := range listings {
		for name, opts := range decompressions {
			t.Run(l.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				var read atomic.Int64
				c, mux, _ := setup(t, WithHTTPClient(countingClient(&read)))
				serveGzip(mux, bomb())
				_, err := l.read(t, c, nil, opts...)
				require.ErrorIs(t, err, ErrTooLarge)
				require.EqualError(t, err, "bc: refusing the page: it holds a JSON value of more than 16 MiB, the bound set by WithMaxValueSize")
				if opts == nil {
					require.Less(t, read.Load(), int64(DefaultMaxValueSize+1<<20), "inflated no further than the bound")
				}
			})
		}
	}
}

// TestResponseBoundCountsDecompressedBytes serves a gzip body of many small
// rows that inflates past WithMaxResponseSize(1 MiB): refused, whoever
// inflates it; a body of exactly 1 MiB is read.
func TestResponseBoundCountsDecompressedBytes(t *testing.T) {
	t.Parallel()
	const bound = 1 << 20
	// Whitespace between rows: no row or value bound applies.
	page := func(size int) []byte {
		start, end := `{"value":[{"n":1},`, `{"n":2}]}`
		return gzipped(start, ' ', size-len(start)-len(end), end)
	}
	for _, l := range listings {
		for name, opts := range decompressions {
			t.Run(l.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				for size, want := range map[int]string{
					bound:     "",
					bound + 1: "bc: refusing the response: its body is larger than 1 MiB after decompression, the bound set by WithMaxResponseSize",
				} {
					c, mux, _ := setup(t, WithMaxResponseSize(bound))
					serveGzip(mux, page(size))
					n, err := l.read(t, c, nil, opts...)
					if want == "" {
						require.NoError(t, err)
						require.Equal(t, 2, n)
						continue
					}
					require.ErrorIs(t, err, ErrTooLarge)
					require.EqualError(t, err, want)
				}
			})
		}
	}
}

// TestResponseBoundCoversEntities reads one entity through Get with a body
// past the bound.
func TestResponseBoundCoversEntities(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithMaxResponseSize(100))
	var requests atomic.Int32
	mux.HandleFunc("GET "+customersPath+"(00000000-0000-0000-0000-000000000001)", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		writeRaw(w, 200, `{"id":"00000000-0000-0000-0000-000000000001","displayName":"`+strings.Repeat("x", 100)+`"}`)
	})
	_, err := Set[testCustomer](c.Company(testCompany), "customers").Get(t.Context(), "00000000-0000-0000-0000-000000000001", nil)
	require.EqualError(t, err, "bc: refusing the response: its body is larger than 100 bytes after decompression, the bound set by WithMaxResponseSize")
	require.Equal(t, int32(1), requests.Load())
}

func TestBoundOptionsRefuseNonPositiveSizes(t *testing.T) {
	t.Parallel()
	_, err := NewClient(testTenant, "Production", WithoutAuth(), WithMaxValueSize(0))
	require.EqualError(t, err, "bc: WithMaxValueSize(0): must be at least 1")
	_, err = NewClient(testTenant, "Production", WithoutAuth(), WithMaxResponseSize(-1))
	require.EqualError(t, err, "bc: WithMaxResponseSize(-1): must be at least 1")
}

// TestValueBoundCoversEntities reads one entity through Get, Create and
// Update: an entity past WithMaxValueSize (and the room for its envelope) is
// refused with the bound's name, once, without a retry; one within it reads.
func TestValueBoundCoversEntities(t *testing.T) {
	t.Parallel()
	const id, small = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"
	entity := func(name string) string {
		return `{"@odata.etag":"W/\"1\"","id":"` + id + `","displayName":"` + name + `"}`
	}
	big := strings.Repeat("x", 1024+entityEnvelope)
	c, mux, _ := setup(t, WithMaxValueSize(1024))
	var requests atomic.Int32
	serve := func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		writeRaw(w, 200, entity(big))
	}
	mux.HandleFunc("GET "+customersPath+"("+id+")", serve)
	mux.HandleFunc("GET "+customersPath+"("+small+")", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, strings.Replace(entity(strings.Repeat("y", 1000)), id, small, 1))
	})
	mux.HandleFunc("POST "+customersPath, serve)
	mux.HandleFunc("PATCH "+customersPath+"("+id+")", serve)
	set := Set[testCustomer](c.Company(testCompany), "customers")
	const refused = "bc: refusing the entity: it is larger than 1 KiB, the bound set by WithMaxValueSize"

	_, err := set.Get(t.Context(), id, nil)
	require.EqualError(t, err, refused)
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = set.Create(t.Context(), testCustomer{DisplayName: "Adatum"})
	require.EqualError(t, err, refused)
	_, err = set.Patch(t.Context(), id, `W/"1"`, map[string]any{"displayName": "Adatum"})
	require.EqualError(t, err, refused)
	require.Equal(t, int32(3), requests.Load(), "each refused once, not retried")

	// A 1,000-byte name in a 1 KiB bound: the envelope's room lets it through.
	got, err := set.Get(t.Context(), small, nil)
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("y", 1000), got.DisplayName)
}
