package filter

import "strings"

type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // name, path (a/b) or qualified name (Microsoft.NAV.x); keywords too
	tString         // 'text', text holds the unescaped content
	tBare           // unquoted literal: number, date, datetime or GUID
	tTyped          // prefix'text', e.g. Microsoft.NAV.status'Open'
	tLParen
	tRParen
	tComma
	tBad // a character no token starts with, or an unterminated string
)

type token struct {
	kind   tokKind
	text   string
	prefix string // tTyped only
}

// lexer splits a $filter into tokens on demand. OData separates tokens with
// spaces (%20) or tabs (%09); they arrive URL-decoded.
type lexer struct {
	s   string
	pos int
}

func isIdentStart(c byte) bool {
	return c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

// isBareChar reports whether c can continue an unquoted literal such as
// -12.5, 2025-05-16T15:37:35.593+02:00 or 5d115c9c-44e3-ea11-bb43-000d3a2feca1.
func isBareChar(c byte) bool {
	return isIdentChar(c) || c == '.' || c == ':' || c == '+' || c == '-'
}

func (l *lexer) next() token {
	for l.pos < len(l.s) && (l.s[l.pos] == ' ' || l.s[l.pos] == '\t') {
		l.pos++
	}
	if l.pos == len(l.s) {
		return token{kind: tEOF}
	}
	start := l.pos
	switch c := l.s[start]; {
	case c == '(':
		l.pos++
		return token{kind: tLParen}
	case c == ')':
		l.pos++
		return token{kind: tRParen}
	case c == ',':
		l.pos++
		return token{kind: tComma}
	case c == '\'':
		return l.quoted()
	case isIdentStart(c):
		// A GUID may start with a hex letter: take it whole before it is
		// mistaken for a name.
		if end := start + 36; end <= len(l.s) && IsGUID(l.s[start:end]) &&
			(end == len(l.s) || !isBareChar(l.s[end])) {
			l.pos = end
			return token{kind: tBare, text: l.s[start:end]}
		}
		name := l.name()
		if l.pos < len(l.s) && l.s[l.pos] == '\'' {
			t := l.quoted()
			if t.kind == tString {
				t.kind, t.prefix = tTyped, name
			}
			return t
		}
		return token{kind: tIdent, text: name}
	case isDigit(c) || c == '-':
		for l.pos < len(l.s) && isBareChar(l.s[l.pos]) {
			l.pos++
		}
		return token{kind: tBare, text: l.s[start:l.pos]}
	}
	return token{kind: tBad}
}

// name scans identifiers joined by '/' (a navigation path) or '.' (a
// qualified name).
func (l *lexer) name() string {
	start := l.pos
	for {
		for l.pos < len(l.s) && isIdentChar(l.s[l.pos]) {
			l.pos++
		}
		if l.pos+1 < len(l.s) && (l.s[l.pos] == '/' || l.s[l.pos] == '.') && isIdentStart(l.s[l.pos+1]) {
			l.pos++
			continue
		}
		return l.s[start:l.pos]
	}
}

// quoted scans a string literal at l.pos; a doubled quote stands for one.
func (l *lexer) quoted() token {
	start := l.pos + 1
	escaped := false
	for i := start; i < len(l.s); i++ {
		if l.s[i] != '\'' {
			continue
		}
		if i+1 < len(l.s) && l.s[i+1] == '\'' {
			escaped = true
			i++
			continue
		}
		l.pos = i + 1
		text := l.s[start:i]
		if escaped {
			text = strings.ReplaceAll(text, "''", "'")
		}
		return token{kind: tString, text: text}
	}
	l.pos = len(l.s)
	return token{kind: tBad}
}

// skipGroup skips the rest of a parenthesized group whose '(' was just
// read, string literals included, and reports whether it was closed.
func (l *lexer) skipGroup() bool {
	depth := 1
	for l.pos < len(l.s) {
		switch l.s[l.pos] {
		case '\'':
			if l.quoted().kind == tBad {
				return false
			}
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				l.pos++
				return true
			}
		}
		l.pos++
	}
	return false
}
