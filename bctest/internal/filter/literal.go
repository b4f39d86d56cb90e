package filter

import (
	"strings"
	"time"
)

// literal converts the literal token t for comparison with field f. It
// returns the parsed value and its wire text (for Range), or null for the
// null literal.
func (p *parser) literal(t token, f Field) (v value, wire string, null bool, err *Error) {
	switch t.kind {
	case tIdent: // true, false, null
		if t.text == "null" {
			return v, "", true, nil
		}
		if f.Kind != Bool {
			return v, "", false, convertError(t.text, f)
		}
		v, _ = parseValue(Bool, nil, t.text)
		return v, t.text, false, nil
	case tTyped:
		// Microsoft.NAV.<enum>'Member', the qualified form of an enum literal.
		name, ok := strings.CutPrefix(t.prefix, "Microsoft.NAV.")
		if !ok || name == "" || strings.ContainsAny(name, "./") {
			return v, "", false, errSyntax()
		}
		if f.Kind != Enum {
			return v, "", false, errConvert(t.text, f.Kind)
		}
		return enumLiteral(t.text, f)
	case tString:
		switch f.Kind {
		case String:
			return value{s: t.text}, t.text, false, nil
		case GUID: // BC documents bare GUIDs; quoted ones are accepted too
			return guidLiteral(t.text, f)
		case Enum:
			return enumLiteral(t.text, f)
		}
		return v, "", false, errConvert(t.text, f.Kind)
	}
	// tBare: a number, date, datetime or GUID.
	switch f.Kind {
	case GUID:
		return guidLiteral(t.text, f)
	case Date, Decimal, Int:
		v, ok := parseValue(f.Kind, nil, t.text)
		if !ok {
			return v, "", false, errConvert(t.text, f.Kind)
		}
		return v, t.text, false, nil
	case DateTime:
		return dateTimeLiteral(t.text)
	}
	return v, "", false, convertError(t.text, f)
}

// convertError is the refusal for a literal of the wrong kind for f.
func convertError(text string, f Field) *Error {
	if f.Kind == Enum {
		return errEnumMember(text)
	}
	return errConvert(text, f.Kind)
}

func guidLiteral(s string, f Field) (value, string, bool, *Error) {
	if !IsGUID(s) {
		return value{}, "", false, errConvert(s, f.Kind)
	}
	s = strings.ToLower(s)
	return value{s: s}, s, false, nil
}

// enumLiteral maps a member's wire name to the member. BC evaluates option
// text without regard to case, so a case-insensitive match is accepted.
func enumLiteral(s string, f Field) (value, string, bool, *Error) {
	i := enumIndex(f.Enum, s)
	for j := 0; i < 0 && j < len(f.Enum); j++ {
		if strings.EqualFold(f.Enum[j], s) {
			i = j
		}
	}
	if i < 0 {
		return value{}, "", false, errEnumMember(s)
	}
	return value{s: f.Enum[i], n: i}, f.Enum[i], false, nil
}

// epoch0001 is 0001-01-01T00:00:00Z in Unix seconds.
const epoch0001 = -62135596800

// dateTimeLiteral parses a datetime literal and gives its wire text in UTC,
// as BC writes it, so that an offset such as +02:00 is applied once here.
func dateTimeLiteral(s string) (value, string, bool, *Error) {
	t, ok := parseDateTime(s)
	if !ok {
		return value{}, "", false, errConvert(s, DateTime)
	}
	wire := time.Unix(t.sec+epoch0001, t.nsec).UTC().Format("2006-01-02T15:04:05.999999999Z")
	if _, ok := parseDateTime(wire); !ok { // the offset moved it out of years 1 to 9999
		return value{}, "", false, errConvert(s, DateTime)
	}
	return value{t: t}, wire, false, nil
}
