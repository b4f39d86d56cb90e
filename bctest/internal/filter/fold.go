package filter

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// fold is the case mapping a comparison applies to both sides: BC turns
// tolower(x)/toupper(x) into a case-insensitive filter, so
// tolower(name) eq 'ADATUM' matches "Adatum".
type fold uint8

const (
	noFold fold = iota
	lowerFold
	upperFold
)

func (f fold) rune(r rune) rune {
	if f == upperFold {
		return unicode.ToUpper(r)
	}
	return unicode.ToLower(r)
}

func (f fold) byte(c byte) byte {
	if f == upperFold {
		if 'a' <= c && c <= 'z' {
			return c - 'a' + 'A'
		}
		return c
	}
	return lowerASCII(c)
}

// compareFold orders a and b by the code points of their case-mapped
// runes, without allocating.
func compareFold(a, b string, f fold) int {
	for len(a) > 0 && len(b) > 0 {
		if a[0] < utf8.RuneSelf && b[0] < utf8.RuneSelf {
			if c := cmp.Compare(f.byte(a[0]), f.byte(b[0])); c != 0 {
				return c
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if c := cmp.Compare(f.rune(ra), f.rune(rb)); c != 0 {
			return c
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

// hasPrefixFold reports whether s starts with prefix under f.
func hasPrefixFold(s, prefix string, f fold) bool {
	for len(prefix) > 0 {
		if len(s) == 0 {
			return false
		}
		if s[0] < utf8.RuneSelf && prefix[0] < utf8.RuneSelf {
			if f.byte(s[0]) != f.byte(prefix[0]) {
				return false
			}
			s, prefix = s[1:], prefix[1:]
			continue
		}
		rs, ns := utf8.DecodeRuneInString(s)
		rp, np := utf8.DecodeRuneInString(prefix)
		if f.rune(rs) != f.rune(rp) {
			return false
		}
		s, prefix = s[ns:], prefix[np:]
	}
	return true
}

// hasSuffixFold reports whether s ends with suffix under f.
func hasSuffixFold(s, suffix string, f fold) bool {
	for len(suffix) > 0 {
		if len(s) == 0 {
			return false
		}
		if c, d := s[len(s)-1], suffix[len(suffix)-1]; c < utf8.RuneSelf && d < utf8.RuneSelf {
			if f.byte(c) != f.byte(d) {
				return false
			}
			s, suffix = s[:len(s)-1], suffix[:len(suffix)-1]
			continue
		}
		rs, ns := utf8.DecodeLastRuneInString(s)
		rp, np := utf8.DecodeLastRuneInString(suffix)
		if f.rune(rs) != f.rune(rp) {
			return false
		}
		s, suffix = s[:len(s)-ns], suffix[:len(suffix)-np]
	}
	return true
}

// containsFold reports whether sub occurs in s under f.
func containsFold(s, sub string, f fold) bool {
	for {
		if hasPrefixFold(s, sub, f) {
			return true
		}
		if s == "" {
			return false
		}
		_, n := utf8.DecodeRuneInString(s)
		s = s[n:]
	}
}

// stringTest is one of BC's string functions.
type stringTest uint8

const (
	containsTest stringTest = iota
	startsWithTest
	endsWithTest
)

var stringTests = map[string]stringTest{
	"contains":   containsTest,
	"startswith": startsWithTest,
	"endswith":   endsWithTest,
}

func (t stringTest) match(s, arg string, f fold) bool {
	if f == noFold {
		switch t {
		case startsWithTest:
			return strings.HasPrefix(s, arg)
		case endsWithTest:
			return strings.HasSuffix(s, arg)
		}
		return strings.Contains(s, arg)
	}
	switch t {
	case startsWithTest:
		return hasPrefixFold(s, arg, f)
	case endsWithTest:
		return hasSuffixFold(s, arg, f)
	}
	return containsFold(s, arg, f)
}
