package protocol

import (
	"net/url"
	"strings"
)

// Segment is one path segment: a name and an optional key in parentheses.
type Segment struct {
	Name  string
	Key   string            // unquoted key value
	Parts map[string]string // the unquoted values of a composite key by property

	KeyArg string // "name" for companies(name='…'), "" for a plain key
	HasKey bool
	OK     bool
}

// ParseSegment reads "customers", "customers(<guid>)", "subscriptions('x')"
// and "companies(name='O”Brien')".
func ParseSegment(s string) Segment {
	i := strings.IndexByte(s, '(')
	if i < 0 {
		return Segment{Name: s, OK: true}
	}
	if !strings.HasSuffix(s, ")") {
		return Segment{}
	}
	seg := Segment{Name: s[:i], HasKey: true, OK: true}
	raw := s[i+1 : len(s)-1]
	if parts, ok := compositeParts(raw); ok {
		seg.Parts = parts
		return seg
	}
	if eq := strings.IndexByte(raw, '='); eq > 0 && !strings.HasPrefix(raw, "'") {
		seg.KeyArg, raw = raw[:eq], raw[eq+1:]
	}
	if strings.HasPrefix(raw, "'") {
		if len(raw) < 2 || !strings.HasSuffix(raw, "'") {
			return Segment{}
		}
		seg.Key = strings.ReplaceAll(raw[1:len(raw)-1], "''", "'")
	} else {
		seg.Key = raw
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

// SplitPath splits an escaped path into unescaped segments, so that %2F inside
// a key stays inside its segment.
func SplitPath(escaped string) []string {
	raw := strings.Split(strings.Trim(escaped, "/"), "/")
	segs := make([]string, 0, len(raw))
	for _, p := range raw {
		u, err := url.PathUnescape(p)
		if err != nil {
			u = p
		}
		segs = append(segs, u)
	}
	return segs
}
