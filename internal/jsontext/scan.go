package jsontext

import (
	"bytes"
	"unicode/utf8"
	"unsafe"
)

// Scanner reads JSON values from a byte slice in one pass. Strings without
// escapes are returned pointing into the slice instead of being copied, so
// the caller must not change the slice while such strings are in use. When
// a method fails because the input ended, Truncated reports it: a streaming
// caller can then read more and scan the value again.
type Scanner struct {
	b []byte
	i int
}

// NewScanner returns a scanner at the start of b.
func NewScanner(b []byte) Scanner { return Scanner{b: b} }

// Offset is the position of the next unread byte.
func (s *Scanner) Offset() int { return s.i }

// Truncated reports whether the scanner has reached the end of the input;
// after a failed call it means the value was cut short rather than malformed.
func (s *Scanner) Truncated() bool { return s.i >= len(s.b) }

// SkipSpace passes over JSON whitespace.
func (s *Scanner) SkipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// Peek returns the next byte that is not whitespace, or 0 at the end.
func (s *Scanner) Peek() byte {
	s.SkipSpace()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// Consume passes over the next non-space byte if it is c.
func (s *Scanner) Consume(c byte) bool {
	if s.Peek() == c {
		s.i++
		return true
	}
	return false
}

// String reads a string and returns its decoded text; without escapes the
// text shares the input's memory. Invalid UTF-8 becomes U+FFFD, as
// encoding/json does, so a store (PostgreSQL above all) is never handed
// invalid text.
func (s *Scanner) String() (string, bool) {
	if !s.Consume('"') {
		return "", false
	}
	start := s.i
	q := bytes.IndexByte(s.b[start:], '"')
	if q < 0 {
		s.i = len(s.b)
		return "", false
	}
	v := s.b[start : start+q]
	if e := bytes.IndexByte(v, '\\'); e >= 0 {
		s.i = start + e
		return s.escaped(start)
	}
	s.i = start + q + 1
	if len(v) == 0 {
		return "", true
	}
	if !utf8.Valid(v) {
		return string(replaceInvalidUTF8(nil, v)), true
	}
	return unsafe.String(&v[0], len(v)), true
}

// Scalar reads a string, number, true, false or null and returns its text
// (a number's as written, true/false as the words); valid is false for null.
// Objects and arrays are not scalars: check Peek first to tell them apart.
func (s *Scanner) Scalar() (text string, valid, ok bool) {
	switch c := s.Peek(); {
	case c == '"':
		v, ok := s.String()
		return v, ok, ok
	case c == 'n':
		return "", false, s.literal("null")
	case c == 't':
		return "true", true, s.literal("true")
	case c == 'f':
		return "false", true, s.literal("false")
	case c == '-' || '0' <= c && c <= '9':
		start := s.i
		if !s.number() {
			return "", false, false
		}
		v := s.b[start:s.i]
		return unsafe.String(&v[0], len(v)), true, true
	}
	return "", false, false
}

// literal passes over word; a prefix of it at the end of the input is
// reported as truncated.
func (s *Scanner) literal(word string) bool {
	rest := s.b[s.i:]
	if len(rest) >= len(word) {
		if string(rest[:len(word)]) == word {
			s.i += len(word)
			return true
		}
		return false
	}
	if string(rest) == word[:len(rest)] {
		s.i = len(s.b)
	}
	return false
}

// number passes over a number; see numberEnd.
func (s *Scanner) number() bool {
	end, ok := numberEnd(s.b, s.i)
	s.i = end
	return ok
}

// IsNumber reports whether s is exactly one JSON number.
func IsNumber(s string) bool {
	end, ok := numberEnd(s, 0)
	return ok && end == len(s)
}

// numberEnd scans the number at b[i:] in JSON's grammar,
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, and returns where it
// stopped: after the number, or at the byte that broke the grammar (len(b)
// when the input ended first).
func numberEnd[T string | []byte](b T, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if i = digits(b, i); i < 0 {
		return -i - 1, false
	}
	if i < len(b) && b[i] == '.' {
		if i = digits(b, i+1); i < 0 {
			return -i - 1, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i = digits(b, i); i < 0 {
			return -i - 1, false
		}
	}
	return i, true
}

// digits passes over one or more decimal digits from i and returns the
// position after them, or -i-1 when there is none.
func digits[T string | []byte](b T, i int) int {
	start := i
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	if i == start {
		return -i - 1
	}
	return i
}

// Skip passes over one value of any kind, checking its syntax.
func (s *Scanner) Skip() bool {
	switch c := s.Peek(); c {
	case '"':
		return s.skipString()
	case '{', '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		s.i++
		if s.Consume(closer) {
			return true
		}
		for {
			if c == '{' && (!s.skipString() || !s.Consume(':')) {
				return false
			}
			if !s.Skip() {
				return false
			}
			if s.Consume(',') {
				continue
			}
			return s.Consume(closer)
		}
	default:
		_, _, ok := s.Scalar()
		return ok
	}
}

// skipString passes over a string without decoding it.
func (s *Scanner) skipString() bool {
	if !s.Consume('"') {
		return false
	}
	for {
		q := bytes.IndexByte(s.b[s.i:], '"')
		if q < 0 {
			s.i = len(s.b)
			return false
		}
		end := s.i + q
		// The quote ends the string unless an odd run of backslashes
		// escapes it.
		bs := 0
		for j := end - 1; j >= s.i && s.b[j] == '\\'; j-- {
			bs++
		}
		s.i = end + 1
		if bs%2 == 0 {
			return true
		}
	}
}
