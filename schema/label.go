package schema

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Label turns a BC enum wire name into its readable label. BC XML-encodes the
// AL member names the way .NET's XmlConvert.EncodeName does: every character
// that is not valid in an XML name becomes _xHHHH_ (or _xHHHHHHHH_), so
// "Credit_x0020_Memo" is "Credit Memo" and "G_x002F_L_x0020_Account" is
// "G/L Account". Surrounding spaces are trimmed: the blank member "_x0020_"
// labels as "" and "Expired_x0020_" as "Expired". Escapes that do not decode
// to a valid character are left as they are.
//
// Label is for display only; the wire name is what filters and payloads use.
func Label(wireName string) string {
	if !strings.Contains(wireName, "_x") {
		return strings.TrimSpace(wireName)
	}
	var b strings.Builder
	b.Grow(len(wireName))
	for i := 0; i < len(wireName); {
		r, n := decodeEscape(wireName[i:])
		if n == 0 {
			b.WriteByte(wireName[i])
			i++
			continue
		}
		if utf16.IsSurrogate(r) {
			// A UTF-16 surrogate pair arrives as two escapes in a row.
			r2, n2 := decodeEscape(wireName[i+n:])
			if pair := utf16.DecodeRune(r, r2); n2 > 0 && pair != utf8.RuneError {
				b.WriteRune(pair)
				i += n + n2
				continue
			}
			b.WriteString(wireName[i : i+n])
			i += n
			continue
		}
		b.WriteRune(r)
		i += n
	}
	return strings.TrimSpace(b.String())
}

// decodeEscape decodes an _xHHHH_ or _xHHHHHHHH_ escape at the start of s and
// returns the rune and the escape's length, or 0 when s does not start with a
// valid escape. A lone surrogate is returned as such for the caller to pair.
func decodeEscape(s string) (rune, int) {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' {
		return 0, 0
	}
	for _, digits := range []int{4, 8} {
		end := 2 + digits
		if len(s) <= end || s[end] != '_' {
			continue
		}
		var r rune
		ok := true
		for _, c := range []byte(s[2:end]) {
			v, valid := hexValue(c)
			if !valid {
				ok = false
				break
			}
			r = r<<4 | rune(v)
		}
		if !ok || r > utf8.MaxRune || (!utf8.ValidRune(r) && !utf16.IsSurrogate(r)) {
			continue
		}
		return r, end + 1
	}
	return 0, 0
}

func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
