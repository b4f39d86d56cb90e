package entities

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a civil date, the Go type of Edm.Date ("2025-05-08"). It carries no
// time zone: a posting date is the same day everywhere.
//
// BC has no null dates; it sends "0001-01-01" for an empty one. That value and
// JSON null decode to the zero Date, for which IsZero reports true, and the
// zero Date encodes back as "0001-01-01", so an unset date round-trips to BC
// unchanged.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// emptyDate is BC's value for an unset Edm.Date.
const emptyDate = "0001-01-01"

// ParseDate parses a date in the form "2006-01-02". "0001-01-01" gives the
// zero Date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("entities: invalid date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the date on which t falls in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	if y == 1 && m == time.January && d == 1 {
		return Date{}
	}
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is unset: the zero Date or BC's 0001-01-01.
func (d Date) IsZero() bool {
	return d == Date{} || d == Date{Year: 1, Month: time.January, Day: 1}
}

// Time returns midnight UTC at the start of d; the zero Date gives
// 0001-01-01T00:00:00Z, the zero time.Time.
func (d Date) Time() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// String returns d as "2006-01-02". The zero Date is "0001-01-01", the value BC
// uses for an empty date, rather than "" so that it is still a valid literal.
func (d Date) String() string {
	if d.IsZero() {
		return emptyDate
	}
	return d.Time().Format(time.DateOnly)
}

// ODataLiteral returns d as an OData date literal. Dates are unquoted in
// $filter (postingDate ge 2025-01-01), so the odata package uses this method
// instead of quoting d's String.
func (d Date) ODataLiteral() string { return d.String() }

// AddDays returns d moved by n days (negative n moves back).
func (d Date) AddDays(n int) Date {
	base := d
	if d.IsZero() {
		base = Date{Year: 1, Month: time.January, Day: 1}
	}
	return DateOf(time.Date(base.Year, base.Month, base.Day+n, 0, 0, 0, 0, time.UTC))
}

// Before reports whether d is before e. The zero Date is before every other.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Time().After(e.Time()) }

// Equal reports whether d and e are the same day; every unset form is equal.
func (d Date) Equal(e Date) bool { return d.Time().Equal(e.Time()) }

// MarshalJSON encodes d as "2006-01-02", the zero Date as "0001-01-01".
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON decodes "2006-01-02"; "0001-01-01" and null give the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("entities: invalid date %s: want a string YYYY-MM-DD", b)
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// MarshalText encodes d like String, so that a Date can be a map key or a
// text field in other encodings with the same form as in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "2006-01-02"; see MarshalText.
func (d *Date) UnmarshalText(b []byte) error {
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
