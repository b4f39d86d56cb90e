package decode

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/internal/jsontext"
)

const zeroGUID = "00000000-0000-0000-0000-000000000000"

// Sentinel reports BC's empty values, which the layout stores as NULL: BC
// writes "no date" as 0001-01-01, "no id" as the all-zero GUID and an enum's
// blank member as _x0020_.
func Sentinel(typ store.ColType, enum bool, s string) bool {
	switch {
	case typ == store.GUID:
		return s == zeroGUID
	case typ == store.Date:
		return s == "0001-01-01"
	case typ == store.DateTime:
		return strings.HasPrefix(s, "0001-01-01T")
	case enum:
		return s == "_x0020_"
	}
	return false
}

// Value applies the layout's rules to a value BC sent: sentinels become
// NULL, GUIDs lower case, datetimes UTC. It is the decoder's per-value step,
// so it allocates only when a value must change.
func Value(typ store.ColType, enum bool, v store.Value) store.Value {
	if !v.Valid {
		return v
	}
	if Sentinel(typ, enum, v.Text) {
		return store.Value{}
	}
	switch typ {
	case store.GUID:
		v.Text = lower(v.Text)
	case store.DateTime:
		if !strings.HasSuffix(v.Text, "Z") {
			if t, err := time.Parse(time.RFC3339Nano, v.Text); err == nil {
				v.Text = t.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return v
}

// lower returns s in lower case, s itself when it has no upper-case ASCII.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// Stored returns the text a store keeps for a value of type typ: GUIDs in
// lower case, booleans true/false, datetimes as FixedDateTime writes them,
// everything else as given.
func Stored(typ store.ColType, s string) string {
	switch typ {
	case store.GUID:
		return lower(s)
	case store.Bool:
		if b, ok := ParseBool(s); ok {
			return strconv.FormatBool(b)
		}
	case store.DateTime:
		return FixedDateTime(s)
	}
	return s
}

// FixedDateTime writes an RFC 3339 datetime in UTC with three fractional
// digits at least, "2025-05-16T15:37:40.400Z", so that in SQLite and JSONL
// text order is time order. BC keeps milliseconds and sends 0–3 digits,
// dropping trailing zeros ("…:40.4Z", "…:46.46Z", "…:35Z"); finer digits,
// which BC does not send, are kept rather than lost, less trailing zeros.
// Text that is not a datetime is returned as given (Check reports it).
func FixedDateTime(s string) string {
	if !strings.HasSuffix(s, "Z") {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		s = t.UTC().Format(time.RFC3339Nano)
	}
	body := s[:len(s)-1]
	frac := ""
	if dot := strings.LastIndexByte(body, '.'); dot >= 0 {
		body, frac = body[:dot], body[dot+1:]
	}
	if len(frac) == 3 {
		return s
	}
	if frac = strings.TrimRight(frac, "0"); len(frac) < 3 {
		frac += "000"[len(frac):]
	}
	return body + "." + frac + "Z"
}

// Check reports a value that cannot be stored as typ, so every store
// rejects the same inputs with the same message.
func Check(table, col string, typ store.ColType, s string) error {
	ok := true
	switch typ {
	case store.Int:
		_, err := strconv.ParseInt(s, 10, 64)
		ok = err == nil
	case store.Bool:
		_, ok = ParseBool(s)
	case store.Decimal:
		ok = IsNumber(s)
	case store.Float:
		_, err := strconv.ParseFloat(s, 64)
		ok = err == nil || IsNumber(s)
	}
	if !ok {
		return fmt.Errorf("store: table %q column %q: %q is not a valid %s", table, col, s, typ)
	}
	return nil
}

// ParseBool reads a boolean as BC (true/false) or a store (1/0) writes it.
func ParseBool(s string) (v, ok bool) {
	switch s {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// IsNumber reports whether s is a JSON number: the form BC sends decimals in.
func IsNumber(s string) bool { return jsontext.IsNumber(s) }
