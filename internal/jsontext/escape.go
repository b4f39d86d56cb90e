package jsontext

import (
	"unicode/utf16"
	"unicode/utf8"
)

// replaceInvalidUTF8 appends b to out with each byte that is not part of
// valid UTF-8 replaced by U+FFFD, as encoding/json does.
func replaceInvalidUTF8(out, b []byte) []byte {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

// escaped decodes the rest of a string that has escapes (s.i is at the
// first backslash, start just after the opening quote) into a new string.
func (s *Scanner) escaped(start int) (string, bool) {
	out := make([]byte, 0, s.i-start+16)
	out = replaceInvalidUTF8(out, s.b[start:s.i])
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return string(out), true
		case c != '\\':
			run := s.i
			for s.i < len(s.b) && s.b[s.i] != '"' && s.b[s.i] != '\\' {
				s.i++
			}
			out = replaceInvalidUTF8(out, s.b[run:s.i])
			continue
		}
		if s.i+1 >= len(s.b) {
			s.i = len(s.b)
			return "", false
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				r = s.lowSurrogate(r)
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

// lowSurrogate completes a surrogate pair, which is two escapes; anything
// else makes hi U+FFFD and leaves what follows to be read on its own.
func (s *Scanner) lowSurrogate(hi rune) rune {
	if s.i+1 >= len(s.b) || s.b[s.i] != '\\' || s.b[s.i+1] != 'u' {
		return utf8.RuneError
	}
	save := s.i
	s.i += 2
	if lo, ok := s.hex4(); ok {
		if pair := utf16.DecodeRune(hi, lo); pair != utf8.RuneError {
			return pair
		}
	}
	s.i = save
	return utf8.RuneError
}

// hex4 reads the four hex digits of a \u escape.
func (s *Scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}
