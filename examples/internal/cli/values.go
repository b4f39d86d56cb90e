package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// String defines a string flag.
func (s *Set) String(p *string, name, def, help string) *Flag {
	return define(s, p, name, "string", def, func(v string) string { return v }, "a value",
		func(v string) (string, error) { return v, nil }, help)
}

// Int defines an int flag.
func (s *Set) Int(p *int, name string, def int, help string) *Flag {
	return define(s, p, name, "int", def, strconv.Itoa, "a whole number", strconv.Atoi, help)
}

// Uint defines an unsigned int flag.
func (s *Set) Uint(p *uint64, name string, def uint64, help string) *Flag {
	return define(s, p, name, "uint", def, func(v uint64) string { return strconv.FormatUint(v, 10) }, "a whole number of at least 0",
		func(v string) (uint64, error) { return strconv.ParseUint(v, 10, 64) }, help)
}

// Float defines a float flag.
func (s *Set) Float(p *float64, name string, def float64, help string) *Flag {
	return define(s, p, name, "float", def, func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }, "a number",
		func(v string) (float64, error) { return strconv.ParseFloat(v, 64) }, help)
}

// Duration defines a duration flag (10m, 500ms, 1h30m).
func (s *Set) Duration(p *time.Duration, name string, def time.Duration, help string) *Flag {
	return define(s, p, name, "duration", def, FormatDuration, "a duration such as 1m30s", time.ParseDuration, help)
}

// Bool defines a switch: --name turns it on, --name=false off.
func (s *Set) Bool(p *bool, name string, def bool, help string) *Flag {
	f := define(s, p, name, "bool", def, strconv.FormatBool, "true or false", strconv.ParseBool, help)
	f.isBool = true
	return f
}

// define adds a flag of type T stored in p; show writes a value as help
// shows it (a zero default is not shown), parse reads one, and want says
// what a valid one is until Must says more.
func define[T comparable](s *Set, p *T, name, typ string, def T, show func(T) string, want string, parse func(string) (T, error), help string) *Flag {
	*p = def
	f := &Flag{Name: name, Type: typ, Help: help, want: want, set: s,
		parse: func(v string) bool {
			x, err := parse(v)
			*p = x
			return err == nil
		},
		isDef: func() bool { return *p == def }}
	var zero T
	if def != zero {
		f.Default = show(def)
	}
	if s.getenv != nil {
		f.Env = EnvName(name)
	}
	s.flags = append(s.flags, f)
	s.byName[name] = f
	s.fs.Var(arg{f}, name, help)
	return f
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
