package schema

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// validIdentifier reports whether s is a CSDL SimpleIdentifier: a letter or
// underscore followed by letters, digits, underscores and combining marks, at
// most 128 characters. Checking names at parse time keeps URLs, generated Go
// identifiers and the re-rendered document safe.
func validIdentifier(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 128 || !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r):
		case i > 0 && (unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc, unicode.Cf)):
		default:
			return false
		}
	}
	return true
}

// validNamespace reports whether s is a dotted sequence of SimpleIdentifiers,
// e.g. "Microsoft.NAV".
func validNamespace(s string) bool {
	if s == "" || s == "Edm" {
		return false
	}
	for part := range strings.SplitSeq(s, ".") {
		if !validIdentifier(part) {
			return false
		}
	}
	return true
}

// validMemberName reports whether s can be an enum member name. BC does not
// keep to SimpleIdentifier here: an installed extension's enum in the v26
// document has members named "0", "1", … So any non-empty text without
// control characters is accepted; it is the value on the wire either way.
func validMemberName(s string) bool {
	if s == "" || len(s) > 1024 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
