package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// String defines a string flag.
func (s *Set) String(p *string, name, def, help string) *Flag {
	*p = def
	return s.define(&Flag{Name: name, Type: "string", Default: def, Help: help, want: "a value",
		parse: func(v string) bool { *p = v; return true }, isDef: func() bool { return *p == def }})
}

// Int defines an int flag.
func (s *Set) Int(p *int, name string, def int, help string) *Flag {
	*p = def
	return s.define(&Flag{Name: name, Type: "int", Default: shown(def, strconv.Itoa(def)), Help: help, want: "a whole number",
		parse: func(v string) bool {
			n, err := strconv.Atoi(v)
			*p = n
			return err == nil
		}, isDef: func() bool { return *p == def }})
}

// Uint defines an unsigned int flag.
func (s *Set) Uint(p *uint64, name string, def uint64, help string) *Flag {
	*p = def
	return s.define(&Flag{Name: name, Type: "uint", Default: shown(def, strconv.FormatUint(def, 10)), Help: help, want: "a whole number of at least 0",
		parse: func(v string) bool {
			n, err := strconv.ParseUint(v, 10, 64)
			*p = n
			return err == nil
		}, isDef: func() bool { return *p == def }})
}

// Float defines a float flag.
func (s *Set) Float(p *float64, name string, def float64, help string) *Flag {
	*p = def
	return s.define(&Flag{Name: name, Type: "float", Default: shown(def, strconv.FormatFloat(def, 'f', -1, 64)), Help: help, want: "a number",
		parse: func(v string) bool {
			f, err := strconv.ParseFloat(v, 64)
			*p = f
			return err == nil
		}, isDef: func() bool { return *p == def }})
}

// Duration defines a duration flag (10m, 500ms, 1h30m).
func (s *Set) Duration(p *time.Duration, name string, def time.Duration, help string) *Flag {
	*p = def
	return s.define(&Flag{Name: name, Type: "duration", Default: shown(def, FormatDuration(def)), Help: help, want: "a duration such as 1m30s",
		parse: func(v string) bool {
			d, err := time.ParseDuration(v)
			*p = d
			return err == nil
		}, isDef: func() bool { return *p == def }})
}

// Bool defines a switch: --name turns it on, --name=false off.
func (s *Set) Bool(p *bool, name string, def bool, help string) *Flag {
	*p = def
	return s.define(&Flag{Name: name, Type: "bool", Default: shown(def, "true"), Help: help, want: "true or false", isBool: true,
		parse: func(v string) bool {
			b, err := strconv.ParseBool(v)
			*p = b
			return err == nil
		}, isDef: func() bool { return *p == def }})
}

// shown is the default as help shows it: nothing for a zero value.
func shown[T comparable](v T, text string) string {
	var zero T
	if v == zero {
		return ""
	}
	return text
}

// FormatDuration writes d the way people type it: 10m, not 10m0s.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (s *Set) define(f *Flag) *Flag {
	f.set = s
	if s.getenv != nil {
		f.Env = EnvName(f.Name)
	}
	s.flags = append(s.flags, f)
	s.byName[f.Name] = f
	s.fs.Var(arg{f}, f.Name, f.Help)
	return f
}

// EnvName is BC_ plus the flag's name in capitals: client-id → BC_CLIENT_ID.
func EnvName(flag string) string {
	return "BC_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// Must adds the check a value must pass once parsed, and what a valid value
// is for the error line: `--concurrency "0" must be <want>`.
func (f *Flag) Must(want string, ok func() bool) *Flag {
	f.want, f.ok = want, ok
	return f
}

// As names what a string flag holds in help, e.g. "list" or "date".
func (f *Flag) As(typ string) *Flag {
	f.Type = typ
	return f
}

// assign parses one value from src; the error names the flag or variable.
func (f *Flag) assign(v string, src Source) error {
	f.source, f.raw = src, v
	if f.parse(v) && (f.ok == nil || f.ok()) {
		return nil
	}
	return fmt.Errorf("%s %q must be %s", f.Origin(), v, f.want)
}

// Origin names where the value came from: --name, or BC_NAME when it came
// from the environment.
func (f *Flag) Origin() string {
	if f.source == Environment {
		return f.Env
	}
	return "--" + f.Name
}

// arg is a Flag as the flag package sees it.
type arg struct{ f *Flag }

func (a arg) String() string   { return a.f.raw }
func (a arg) IsBoolFlag() bool { return a.f.isBool }
func (a arg) Set(v string) error {
	err := a.f.assign(v, CommandLine)
	if name, _, _ := strings.Cut(strings.TrimLeft(v, "-"), "="); strings.HasPrefix(v, "-") && a.f.set.byName[name] != nil {
		// --tenant --client-id X: the flag package took the next flag as
		// the value.
		err = fmt.Errorf("--%s needs a value, but %s follows it", a.f.Name, v)
	}
	if err != nil && a.f.set.bad == nil {
		a.f.set.bad = err
	}
	return err
}
