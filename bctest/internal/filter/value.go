package filter

import (
	"cmp"
	"strings"
)

// value is a wire-text value parsed for its kind. Parsing a row value into
// a value never allocates: its strings are sub-slices of the row text.
type value struct {
	s   string  // String, GUID, Date: the text; Enum: the member's wire name
	num number  // Decimal, Int
	t   instant // DateTime
	n   int     // Enum: member index; Bool: 0 (false) or 1 (true)
}

// number is a decimal number as text, exact whatever its length: digits of
// the integer part without leading zeros and of the fraction without
// trailing zeros, so that 1000.00 and 1000 are the same number.
type number struct {
	neg    bool
	ip, fp string
}

// instant is a point in time as seconds and nanoseconds since 0001-01-01
// UTC, which orders the 0001-01-01T00:00:00Z sentinel before every real
// timestamp.
type instant struct {
	sec, nsec int64
}

// parseValue parses s, a value in wire-text form, as kind k. It reports
// false when s is not a valid value of that kind.
func parseValue(k Kind, enum []string, s string) (value, bool) {
	var v value
	ok := true
	switch k {
	case String:
		v.s = s
	case GUID:
		v.s, ok = s, IsGUID(s)
	case Date:
		v.s, ok = s, validDate(s)
	case DateTime:
		v.t, ok = parseDateTime(s)
	case Decimal, Int:
		v.num, ok = parseNumber(s)
	case Bool:
		switch s {
		case "true":
			v.n = 1
		case "false":
		default:
			ok = false
		}
	case Enum:
		v.s, v.n = s, enumIndex(enum, s)
		ok = v.n >= 0
	default:
		ok = false
	}
	return v, ok
}

// compareValues orders two values of kind k; fold applies to strings.
func compareValues(k Kind, fold fold, a, b *value) int {
	switch k {
	case String:
		if fold != noFold {
			return compareFold(a.s, b.s, fold)
		}
		return strings.Compare(a.s, b.s)
	case GUID:
		return compareGUID(a.s, b.s)
	case Date:
		return strings.Compare(a.s, b.s)
	case DateTime:
		return compareInstants(a.t, b.t)
	case Decimal, Int:
		return compareNumbers(&a.num, &b.num)
	}
	return cmp.Compare(a.n, b.n) // Bool, Enum
}

func enumIndex(enum []string, s string) int {
	for i, m := range enum {
		if m == s {
			return i
		}
	}
	return -1
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseNumber parses -?digits(.digits)?, the form BC writes Edm.Decimal and
// integer values in. Exponents are not accepted.
func parseNumber(s string) (number, bool) {
	var n number
	i := 0
	if i < len(s) && s[i] == '-' {
		n.neg = true
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == start {
		return n, false
	}
	ip := s[start:i]
	fp := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == fs {
			return n, false
		}
		fp = s[fs:i]
	}
	if i != len(s) {
		return n, false
	}
	for len(ip) > 0 && ip[0] == '0' {
		ip = ip[1:]
	}
	for len(fp) > 0 && fp[len(fp)-1] == '0' {
		fp = fp[:len(fp)-1]
	}
	if ip == "" && fp == "" {
		n.neg = false // -0 is 0
	}
	n.ip, n.fp = ip, fp
	return n, true
}

func compareInstants(a, b instant) int {
	if c := cmp.Compare(a.sec, b.sec); c != 0 {
		return c
	}
	return cmp.Compare(a.nsec, b.nsec)
}

func compareNumbers(a, b *number) int {
	if a.neg != b.neg {
		if a.neg {
			return -1
		}
		return 1
	}
	c := cmp.Compare(len(a.ip), len(b.ip))
	if c == 0 {
		c = strings.Compare(a.ip, b.ip)
	}
	if c == 0 {
		// Without trailing zeros, fraction digits order as strings: .5 < .51.
		c = strings.Compare(a.fp, b.fp)
	}
	if a.neg {
		return -c
	}
	return c
}

// fixedScale is the scale of parseFixed's fixed-point numbers: six
// fraction digits, twelve integer digits, so that every value fits an int64.
const fixedScale = 1_000_000

// parseFixed parses -?digits(.digits)? with at most 12 integer and 6
// fraction digits as a fixed-point number scaled by fixedScale. It is the
// fast path for the amounts and entry numbers rows hold; it reports false
// for anything else, which parseNumber then handles exactly.
func parseFixed(s string) (int64, bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	start := i
	var n int64
	for i < len(s) && isDigit(s[i]) {
		n = n*10 + int64(s[i]-'0')
		i++
	}
	if i == start || i-start > 12 {
		return 0, false
	}
	n *= fixedScale
	if i < len(s) {
		if s[i] != '.' {
			return 0, false
		}
		i++
		fs, scale := i, int64(fixedScale/10)
		for i < len(s) && isDigit(s[i]) && scale > 0 {
			n += int64(s[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == fs || i != len(s) {
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

// digits2 parses two decimal digits at s[i:i+2], or returns -1.
func digits2(s string, i int) int {
	if i+2 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
		return -1
	}
	return int(s[i]-'0')*10 + int(s[i+1]-'0')
}

// validDate reports whether s is a calendar date YYYY-MM-DD, year 0001 to
// 9999. Such dates order correctly as strings.
func validDate(s string) bool {
	_, _, _, ok := parseDate(s)
	return ok
}

func parseDate(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	hi, lo := digits2(s, 0), digits2(s, 2)
	m, d = digits2(s, 5), digits2(s, 8)
	if hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1 {
		return 0, 0, 0, false
	}
	y = hi*100 + lo
	if y < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch returns the number of days from 0001-01-01 to y-m-d in the
// proleptic Gregorian calendar.
func daysSinceEpoch(y, m, d int) int64 {
	if m <= 2 { // count the year from March so that leap days fall last
		y--
		m += 12
	}
	days := 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + d
	return int64(days) - 307 // 0001-01-01 is day 307 of this count
}

// parseDateTime parses an Edm.DateTimeOffset: YYYY-MM-DDThh:mm[:ss[.f…]]
// then Z or an offset ±hh:mm, with at most 9 fraction digits. BC writes
// Z and 0 to 3 fraction digits.
func parseDateTime(s string) (instant, bool) {
	var t instant
	if len(s) < 17 || (s[10] != 'T' && s[10] != 't') || s[13] != ':' {
		return t, false
	}
	y, mo, d, ok := parseDate(s[:10])
	h, mi := digits2(s, 11), digits2(s, 14)
	if !ok || h < 0 || h > 23 || mi < 0 || mi > 59 {
		return t, false
	}
	i, sec := 16, 0
	if i < len(s) && s[i] == ':' {
		sec = digits2(s, i+1)
		if sec < 0 || sec > 59 {
			return t, false
		}
		i += 3
		if i < len(s) && s[i] == '.' {
			i++
			start, scale := i, int64(100_000_000)
			for i < len(s) && isDigit(s[i]) {
				if i-start == 9 {
					return t, false
				}
				t.nsec += int64(s[i]-'0') * scale
				scale /= 10
				i++
			}
			if i == start {
				return t, false
			}
		}
	}
	offset := 0
	switch {
	case i == len(s)-1 && (s[i] == 'Z' || s[i] == 'z'):
	case i == len(s)-6 && (s[i] == '+' || s[i] == '-') && s[i+3] == ':':
		oh, om := digits2(s, i+1), digits2(s, i+4)
		if oh < 0 || oh > 23 || om < 0 || om > 59 {
			return t, false
		}
		offset = oh*3600 + om*60
		if s[i] == '-' {
			offset = -offset
		}
	default:
		return t, false
	}
	t.sec = daysSinceEpoch(y, mo, d)*86400 + int64(h*3600+mi*60+sec-offset)
	return t, true
}

// IsGUID reports whether s has the 8-4-4-4-12 hexadecimal form.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// lower maps ASCII upper-case letters to lower case and every other byte
// to itself.
var lower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = byte(c - 'A' + 'a')
	}
	return t
}()

func lowerASCII(c byte) byte { return lower[c] }

// guidOrder holds the text offsets of a GUID's hex digits in the order SQL
// Server compares uniqueidentifier values (System.Data.SqlTypes.SqlGuid):
// the last group first, and the first three groups byte-reversed, as they
// are stored little-endian. BC sorts and filters GUIDs in SQL Server.
var guidOrder = func() (t [32]int) {
	for i, b := range [16]int{24, 26, 28, 30, 32, 34, 19, 21, 16, 14, 11, 9, 6, 4, 2, 0} {
		t[2*i], t[2*i+1] = b, b+1
	}
	return t
}()

// compareGUID orders two valid GUIDs as SQL Server does, ignoring case.
func compareGUID(a, b string) int {
	if len(a) != 36 || len(b) != 36 {
		return cmp.Compare(len(a), len(b))
	}
	for _, i := range &guidOrder {
		if ca, cb := lower[a[i]], lower[b[i]]; ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return 0
}

// equalGUID reports whether row equals lit, a valid lower-case GUID,
// ignoring case.
func equalGUID(row, lit string) bool {
	if len(row) != len(lit) {
		return false
	}
	for i := 0; i < len(row); i++ {
		if lower[row[i]] != lit[i] {
			return false
		}
	}
	return true
}
