package bctest

import (
	"net/http"
	"strings"
)

// segment is one path segment: a name and an optional key in parentheses.
type segment struct {
	name  string
	key   string            // unquoted key value
	parts map[string]string // the unquoted values of a composite key by property

	keyArg string // "name" for companies(name='…'), "" for a plain key
	hasKey bool
	ok     bool
}

// parseSegment reads "customers", "customers(<guid>)", "subscriptions('x')"
// and "companies(name='O”Brien')".
func parseSegment(s string) segment {
	i := strings.IndexByte(s, '(')
	if i < 0 {
		return segment{name: s, ok: true}
	}
	if !strings.HasSuffix(s, ")") {
		return segment{}
	}
	seg := segment{name: s[:i], hasKey: true, ok: true}
	raw := s[i+1 : len(s)-1]
	if parts, ok := compositeParts(raw); ok {
		seg.parts = parts
		return seg
	}
	if eq := strings.IndexByte(raw, '='); eq > 0 && !strings.HasPrefix(raw, "'") {
		seg.keyArg, raw = raw[:eq], raw[eq+1:]
	}
	if strings.HasPrefix(raw, "'") {
		if len(raw) < 2 || !strings.HasSuffix(raw, "'") {
			return segment{}
		}
		seg.key = strings.ReplaceAll(raw[1:len(raw)-1], "''", "'")
	} else {
		seg.key = raw
	}
	return seg
}

// compositeParts reads a composite key, Document_Type='Order',Document_No='101001',Line_No=10000:
// two or more name=literal pairs. Quoted values may hold commas.
func compositeParts(raw string) (map[string]string, bool) {
	parts := map[string]string{}
	for raw != "" {
		eq := strings.IndexByte(raw, '=')
		if eq <= 0 || strings.ContainsAny(raw[:eq], "',") {
			return nil, false
		}
		name, rest := raw[:eq], raw[eq+1:]
		var val string
		if strings.HasPrefix(rest, "'") {
			end := 1
			for end < len(rest) && (rest[end] != '\'' || end+1 < len(rest) && rest[end+1] == '\'') {
				if rest[end] == '\'' {
					end++
				}
				end++
			}
			if end >= len(rest) {
				return nil, false
			}
			val, rest = strings.ReplaceAll(rest[1:end], "''", "'"), rest[end+1:]
		} else {
			comma := strings.IndexByte(rest, ',')
			if comma < 0 {
				comma = len(rest)
			}
			val, rest = rest[:comma], rest[comma:]
		}
		parts[name] = val
		if rest != "" && !strings.HasPrefix(rest, ",") {
			return nil, false
		}
		raw = strings.TrimPrefix(rest, ",")
	}
	return parts, len(parts) > 1
}

func notFoundSegment(seg string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "BadRequest_NotFound", message: "Resource not found for the segment '" + seg + "'."}
}
