// Package cli reads the example commands' flags one way: spelled --name in
// help and in errors, typed (int, duration, bool, …) with the range a value
// must be in, optionally falling back to a BC_<NAME> environment variable,
// and every bad input reported as one line that says what to change.
package cli

import (
	"errors"
	"flag"
	"io"
)

// Source is where a flag's value came from.
type Source int

// The sources of a value, in the order a later one wins.
const (
	Default Source = iota
	Environment
	CommandLine
)

// Set is one command's flags.
type Set struct {
	cmd      string
	synopsis []string
	fs       *flag.FlagSet
	getenv   func(string) string
	flags    []*Flag
	byName   map[string]*Flag
	renamed  map[string]string
	bad      error // the first bad value the flag package handed to a Flag
}

// New starts the flags of command cmd. synopsis is printed above them in
// --help. With getenv, every flag falls back to BC_<NAME>; nil means none.
func New(cmd string, getenv func(string) string, synopsis ...string) *Set {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &Set{cmd: cmd, synopsis: synopsis, fs: fs, getenv: getenv, byName: map[string]*Flag{}, renamed: map[string]string{}}
}

// Flag is one flag, as --help and the documents show it.
type Flag struct {
	// Name is the flag without its dashes; Type is shown after it in help
	// ("int", "duration", "bool", or what a string holds, such as "list").
	Name, Type string
	// Default is the value when neither the flag nor its variable is set,
	// as help shows it ("" when there is none to show).
	Default string
	Help    string
	// Env is the variable the flag falls back to, "" when none.
	Env string

	set    *Set
	source Source
	raw    string
	want   string
	parse  func(string) bool // stores the value; false when it does not parse
	ok     func() bool       // the check of Must
	isDef  func() bool
	isBool bool
}

// Flags are the flags in the order they were defined, as help lists them.
func (s *Set) Flags() []*Flag { return s.flags }

// Lookup returns the flag called name; it panics for an undefined one,
// since that is a mistake in the command, not in its input.
func (s *Set) Lookup(name string) *Flag {
	f, ok := s.byName[name]
	if !ok {
		panic("cli: no flag --" + name)
	}
	return f
}

// Given reports whether name was set on the command line to a value other
// than its default: the test for "the user asked for this".
func (s *Set) Given(name string) bool {
	f := s.Lookup(name)
	return f.source == CommandLine && !f.isDef()
}

// Source is where the value of name came from.
func (s *Set) Source(name string) Source { return s.Lookup(name).source }

// Parse reads args, then the environment for the flags args did not set.
// -h and --help print the help to help and return flag.ErrHelp; every other
// failure is one line.
func (s *Set) Parse(args []string, help io.Writer) error {
	if err := s.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			s.PrintHelp(help)
			return err
		}
		if s.bad != nil {
			return s.bad
		}
		return s.explain(err)
	}
	if s.fs.NArg() > 0 {
		return s.unexpected(args)
	}
	if s.getenv == nil {
		return nil
	}
	for _, f := range s.flags {
		if v := s.getenv(f.Env); f.source == Default && v != "" {
			if err := f.assign(v, Environment); err != nil {
				return err
			}
		}
	}
	return nil
}
