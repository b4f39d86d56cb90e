package bc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
)

// Page is one page of a collection.
type Page[T any] struct {
	// Items are the entities of the page, in BC's order.
	Items []T
	// NextLink is BC's @odata.nextLink, empty on the last page.
	NextLink string
	// Count is @odata.count when $count=true was asked for, else -1.
	Count int64
	// Response is the page's HTTP response (body already consumed).
	Response *Response
}

// Pager lists a collection page by page. It is lazy: nothing is requested until
// NextPage, All or Collect is called. It follows @odata.nextLink verbatim, with
// the same headers as the first request (so Prefer: odata.maxpagesize holds for
// every page), and never builds $skip paging itself. A Pager is not safe for
// concurrent use; make one per goroutine.
type Pager[T any] struct {
	c        *Client
	next     *request // nil when there are no more pages
	err      error    // a build error, reported on first use
	seen     map[string]bool
	limit    int
	returned int
	decode   func(*json.Decoder) (T, error)
}

// FailedPager returns a pager whose first page is err, for a helper that
// checks its arguments before it lists (sets' AgedAccountsReceivablesSet.AsOf).
func FailedPager[T any](err error) *Pager[T] { return newPager[T](nil, nil, err) }

func newPager[T any](c *Client, r *request, err error) *Pager[T] {
	return &Pager[T]{c: c, next: r, err: err, seen: map[string]bool{}}
}

// Limit stops the pager after n items in total (n <= 0: no limit). The last
// page is cut to fit; no further page is requested.
func (p *Pager[T]) Limit(n int) *Pager[T] {
	p.limit = n
	return p
}

// More reports whether another page may be fetched.
func (p *Pager[T]) More() bool {
	return p.err != nil || (p.next != nil && (p.limit <= 0 || p.returned < p.limit))
}

// NextPage fetches and decodes the next page. The body is decoded as a stream,
// never held whole; if the connection breaks mid-page the page is fetched again.
// After the last page it returns io.EOF.
func (p *Pager[T]) NextPage(ctx context.Context) (*Page[T], error) {
	if p.err != nil {
		err := p.err
		p.err, p.next = nil, nil
		return nil, err
	}
	if !p.More() {
		return nil, io.EOF
	}
	req := p.next
	page := &Page[T]{Count: -1}
	resp, err := p.c.send(ctx, req, func(resp *http.Response) error {
		page.Items = page.Items[:0]
		page.Count = -1
		next, count, err := readPage(resp.Body, p.c.pageLimits(req), func(dec *json.Decoder) error {
			item, err := p.decodeItem(dec)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, item)
			return nil
		})
		page.NextLink, page.Count = next, count
		return err
	})
	if err != nil {
		p.next = nil
		return nil, err
	}
	page.Response = resp
	if p.limit > 0 && p.returned+len(page.Items) > p.limit {
		page.Items = page.Items[:p.limit-p.returned]
	}
	p.returned += len(page.Items)
	p.next = nil
	if page.NextLink != "" {
		if p.seen[page.NextLink] {
			return page, fmt.Errorf("bc: BC repeated the nextLink %s; stopping to avoid an endless loop", redactURL(page.NextLink))
		}
		p.seen[page.NextLink] = true
		next, err := p.c.followLink(req, page.NextLink)
		if err != nil {
			return page, err
		}
		p.next = next
	}
	return page, nil
}

func (p *Pager[T]) decodeItem(dec *json.Decoder) (T, error) {
	if p.decode != nil {
		return p.decode(dec)
	}
	var item T
	err := dec.Decode(&item)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return item, permanent{fmt.Errorf("bc: decoding a page item: %w", err)}
	}
	return item, err
}

// All returns the items of every page, fetched as the loop asks for them.
// Breaking out of the loop stops the paging. An error is yielded once, as the
// last element.
func (p *Pager[T]) All(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p.More() {
			page, err := p.NextPage(ctx)
			if errors.Is(err, io.EOF) {
				return
			}
			if page != nil {
				for _, item := range page.Items {
					if !yield(item, nil) {
						return
					}
				}
			}
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
		}
	}
}

// Collect returns all items in one slice. Use it for small sets only; use All
// to stream large ones.
func (p *Pager[T]) Collect(ctx context.Context) ([]T, error) {
	var out []T
	for item, err := range p.All(ctx) {
		if err != nil {
			return out, err
		}
		out = append(out, item)
	}
	return out, nil
}

// followLink builds the request for a nextLink: the link verbatim, with the
// headers and retry policy of the request that returned it.
func (c *Client) followLink(prev *request, link string) (*request, error) {
	u, err := c.resolve(link)
	if err != nil {
		return nil, err
	}
	h := prev.header.Clone()
	h.Set("client-request-id", newRequestID())
	return &request{method: http.MethodGet, url: u.String(), header: h, retry: prev.retry}, nil
}

// readPage decodes an OData collection response as a stream: it calls onItem
// for each element of "value", positioned at the element, and returns
// @odata.nextLink and @odata.count (-1 if absent) wherever they appear. It
// stops at the first row past lim.rows and in any value past lim.value.
func readPage(r io.Reader, lim pageLimits, onItem func(*json.Decoder) error) (nextLink string, count int64, err error) {
	count = -1
	bound := &decoderBound{r: r, lim: lim}
	dec := json.NewDecoder(bound)
	bound.dec = dec
	dec.UseNumber()
	if err := expectDelim(dec, '{'); err != nil {
		return "", count, err
	}
	sawValue := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", count, err
		}
		key, _ := tok.(string)
		switch key {
		case "value":
			if sawValue {
				return "", count, errors.New("bc: malformed page: \"value\" appears twice")
			}
			sawValue = true
			if err := expectDelim(dec, '['); err != nil {
				return "", count, err
			}
			for rows := 0; dec.More(); rows++ {
				if rows == lim.rows {
					return "", count, lim.tooManyRows()
				}
				if err := onItem(dec); err != nil {
					return "", count, err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return "", count, err
			}
		case "@odata.nextLink":
			if err := dec.Decode(&nextLink); err != nil {
				return "", count, err
			}
		case "@odata.count":
			var n json.Number
			if err := dec.Decode(&n); err != nil {
				return "", count, err
			}
			if count, err = n.Int64(); err != nil {
				return "", -1, fmt.Errorf("bc: @odata.count %q is not an integer", n)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return "", count, err
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return "", count, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", count, errors.New("bc: malformed page: data after the closing brace")
	}
	return nextLink, count, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("bc: malformed page: expected %q, found %v", want, tok)
	}
	return nil
}
