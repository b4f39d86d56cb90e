package odata

import (
	"errors"
	"fmt"
)

// fieldPattern is the documented shape of a field or navigation path. Field
// names are written into the query unquoted, so anything else (spaces,
// quotes, parentheses) could change the meaning of the filter.
const fieldPattern = `^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$`

// validateField reports whether name matches fieldPattern. It is hand-written
// rather than a regexp because it runs for every field of every query.
func validateField(name string) error {
	if name == "" {
		return errors.New("empty field name")
	}
	start := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '/' && !start:
			start = true
			continue
		case c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && !start:
		default:
			return fmt.Errorf("invalid field name %q: must match %s", name, fieldPattern)
		}
		start = false
	}
	if start {
		return fmt.Errorf("invalid field name %q: must match %s", name, fieldPattern)
	}
	return nil
}
