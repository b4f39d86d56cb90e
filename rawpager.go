package bc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/internal/jsontext"
	"github.com/bcsdk/bc/odata"
)

// RawPager lists a collection without decoding its entities: each one reaches
// the caller as the bytes of its JSON object, found in one pass over the
// body. It is for consumers that decode entities themselves at volume (the
// sync); Pager[T] is simpler for everything else. It follows nextLinks like
// Pager and is not safe for concurrent use.
type RawPager struct {
	c    *Client
	next *request
	err  error
	seen map[string]bool
}

// RawPage describes a page read by RawPager.NextPage.
type RawPage struct {
	// Items is the number of entities the page held.
	Items int
	// NextLink is BC's @odata.nextLink, empty on the last page.
	NextLink string
	// Count is @odata.count when $count=true was asked for, else -1.
	Count int64
	// Response is the page's HTTP response (body already consumed).
	Response *Response
}

// ListRaw returns a raw pager over the set.
func (s *EntitySet[T]) ListRaw(q *odata.Query, opts ...RequestOption) *RawPager {
	if s.err != nil {
		return &RawPager{c: s.Client(), err: s.err, seen: map[string]bool{}}
	}
	r, err := s.Client().newRequest(http.MethodGet, s.Path(), q, nil, opts)
	return &RawPager{c: s.Client(), next: r, err: err, seen: map[string]bool{}}
}

// ListRawFrom continues a raw listing from a nextLink saved earlier; q gives
// the per-request headers (MaxPageSize).
func (s *EntitySet[T]) ListRawFrom(nextLink string, q *odata.Query, opts ...RequestOption) *RawPager {
	p := s.ListFrom(nextLink, q, opts...)
	return &RawPager{c: p.c, next: p.next, err: p.err, seen: map[string]bool{}}
}

// More reports whether another page may be fetched.
func (p *RawPager) More() bool { return p.err != nil || p.next != nil }

// NextPage fetches the next page and calls item with each entity's JSON, in
// order. The slice is only valid during the call; copy what you keep. If the
// connection breaks mid-page the page is fetched again: begin is called
// before every attempt, so the caller can drop what a broken attempt
// delivered. After the last page it returns io.EOF.
func (p *RawPager) NextPage(ctx context.Context, begin func(), item func(raw []byte) error) (*RawPage, error) {
	if p.err != nil {
		err := p.err
		p.err, p.next = nil, nil
		return nil, err
	}
	if p.next == nil {
		return nil, io.EOF
	}
	req := p.next
	page := &RawPage{Count: -1}
	resp, err := p.c.send(ctx, req, func(resp *http.Response) error {
		if begin != nil {
			begin()
		}
		page.Items = 0
		next, count, err := scanPage(resp.Body, p.c.pageLimits(req), func(raw []byte) error {
			page.Items++
			if err := item(raw); err != nil {
				return permanent{err} // the caller's own failure: not retried
			}
			return nil
		})
		page.NextLink, page.Count = next, count
		return err
	})
	p.next = nil
	if err != nil {
		return nil, err
	}
	page.Response = resp
	if page.NextLink != "" {
		if p.seen[page.NextLink] {
			return page, fmt.Errorf("bc: BC repeated the nextLink %s; stopping to avoid an endless loop", redactURL(page.NextLink))
		}
		p.seen[page.NextLink] = true
		if p.next, err = p.c.followLink(req, page.NextLink); err != nil {
			return page, err
		}
	}
	return page, nil
}

// scanPage reads an OData collection response in one pass, handing each
// element of "value" to item as raw bytes. It reads the body in chunks and
// keeps only the element being scanned, so a page is never held whole. It
// stops at the first row past lim.rows and in any value past lim.value.
func scanPage(r io.Reader, lim pageLimits, item func([]byte) error) (nextLink string, count int64, err error) {
	s := &pageScanner{r: r, buf: make([]byte, 0, 64<<10), lim: lim}
	count = -1
	if err := s.expect('{'); err != nil {
		return "", count, err
	}
	if ok, err := s.consume('}'); err != nil || ok {
		return "", count, s.end(err)
	}
	sawValue := false
	for {
		key, err := s.key()
		if err != nil {
			return "", count, err
		}
		switch key {
		case "value":
			if sawValue {
				return "", count, errors.New("bc: malformed page: \"value\" appears twice")
			}
			sawValue = true
			if err := s.items(item); err != nil {
				return "", count, err
			}
		case "@odata.nextLink":
			raw, err := s.value()
			if err != nil {
				return "", count, err
			}
			sc := jsontext.NewScanner(raw)
			link, ok := sc.String()
			if !ok || sc.Peek() != 0 {
				return "", count, errors.New("bc: malformed page: @odata.nextLink is not a string")
			}
			nextLink = strings.Clone(link) // link shares the window's memory

		case "@odata.count":
			raw, err := s.value()
			if err != nil {
				return "", count, err
			}
			if count, err = strconv.ParseInt(string(raw), 10, 64); err != nil {
				return "", -1, fmt.Errorf("bc: @odata.count %q is not an integer", raw)
			}
		default:
			if _, err := s.value(); err != nil {
				return "", count, err
			}
		}
		if ok, err := s.consume(','); err != nil {
			return "", count, err
		} else if ok {
			continue
		}
		if err := s.expect('}'); err != nil {
			return "", count, err
		}
		return nextLink, count, s.end(nil)
	}
}

// pageScanner is a minimal streaming JSON reader over a growing window.
type pageScanner struct {
	r   io.Reader
	buf []byte
	pos int
	eof bool
	lim pageLimits
}

// fill makes at least n unread bytes available, unless the body ends.
func (s *pageScanner) fill(n int) error {
	for len(s.buf)-s.pos < n && !s.eof {
		if s.pos > 0 && s.pos >= len(s.buf)/2 {
			s.buf = append(s.buf[:0], s.buf[s.pos:]...)
			s.pos = 0
		}
		if len(s.buf) == cap(s.buf) {
			s.buf = append(s.buf, make([]byte, len(s.buf))...)[:len(s.buf)]
		}
		m, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+m]
		if errors.Is(err, io.EOF) {
			s.eof = true
		} else if err != nil {
			return err
		}
	}
	if len(s.buf)-s.pos < n {
		return io.ErrUnexpectedEOF
	}
	return nil
}

// peek returns the next non-space byte without consuming it.
func (s *pageScanner) peek() (byte, error) {
	for {
		if err := s.fill(1); err != nil {
			return 0, err
		}
		switch c := s.buf[s.pos]; c {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return c, nil
		}
	}
}

func (s *pageScanner) consume(c byte) (bool, error) {
	got, err := s.peek()
	if err != nil {
		return false, err
	}
	if got == c {
		s.pos++
		return true, nil
	}
	return false, nil
}

func (s *pageScanner) expect(c byte) error {
	ok, err := s.consume(c)
	if err == nil && !ok {
		got, _ := s.peek()
		err = fmt.Errorf("bc: malformed page: expected %q, found %q", c, got)
	}
	return err
}

// end checks that nothing but space follows the closing brace.
func (s *pageScanner) end(err error) error {
	if err != nil {
		return err
	}
	if _, perr := s.peek(); !errors.Is(perr, io.ErrUnexpectedEOF) {
		if perr != nil {
			return perr
		}
		return errors.New("bc: malformed page: data after the closing brace")
	}
	return nil
}

// key reads an object key and the colon after it. The key is copied: the
// window it was read from moves on.
func (s *pageScanner) key() (string, error) {
	raw, err := s.value()
	if err != nil {
		return "", err
	}
	sc := jsontext.NewScanner(raw)
	k, ok := sc.String()
	if !ok || sc.Peek() != 0 {
		return "", fmt.Errorf("bc: malformed page: expected a key, found %.20q", raw)
	}
	return strings.Clone(k), s.expect(':')
}

// items hands each element of an array to item.
func (s *pageScanner) items(item func([]byte) error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if ok, err := s.consume(']'); err != nil || ok {
		return err
	}
	for rows := 0; ; rows++ {
		if rows == s.lim.rows {
			return s.lim.tooManyRows()
		}
		raw, err := s.value()
		if err != nil {
			return err
		}
		if err := item(raw); err != nil {
			return err
		}
		if ok, err := s.consume(','); err != nil {
			return err
		} else if ok {
			continue
		}
		return s.expect(']')
	}
}

// value scans one JSON value and returns its bytes, valid until the next
// call. A value that runs to the end of the window (a number may go on) is
// scanned again after reading as much again, so a value is scanned O(1)
// times on average however the body arrives.
func (s *pageScanner) value() ([]byte, error) {
	if _, err := s.peek(); err != nil {
		return nil, err
	}
	for {
		sc := jsontext.NewScanner(s.buf[s.pos:])
		ok := sc.Skip()
		if n := sc.Offset(); ok && (n < len(s.buf)-s.pos || s.eof) {
			if n > s.lim.value {
				return nil, s.lim.tooLargeValue()
			}
			raw := s.buf[s.pos : s.pos+n]
			s.pos += n
			return raw, nil
		}
		if !ok && !sc.Truncated() {
			return nil, fmt.Errorf("bc: malformed page: %.20q is not a JSON value", s.buf[s.pos:])
		}
		if s.eof {
			return nil, io.ErrUnexpectedEOF
		}
		held := len(s.buf) - s.pos
		if held > s.lim.value {
			return nil, s.lim.tooLargeValue()
		}
		// Running short at the body's end is the rescan's to judge; any
		// other failure (a body cut short reads as io.ErrUnexpectedEOF
		// too) is the connection's. No more is read than decides the bound.
		if err := s.fill(min(2*held, s.lim.value+1)); err != nil && !s.eof {
			return nil, err
		}
	}
}
