package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/internal/textdist"
)

// Renamed makes an old flag name fail with a pointer to the new one, and
// note (if any) on what changed beside the name.
func (s *Set) Renamed(old, now, note string) {
	if note != "" {
		note = " (" + note + ")"
	}
	s.renamed[old] = "--" + now + " now" + note
}

// Pointless is the line refusing flag name, given on the command line,
// that switch mode (on, from the command line or the environment) makes
// have no effect; why says what mode does instead.
func (s *Set) Pointless(name, mode, why string) error {
	m := s.Lookup(mode)
	undo := "drop " + m.Origin()
	if m.source == Environment {
		undo = "unset " + m.Env
	}
	return fmt.Errorf("--%s has no effect with %s (%s): drop --%s, or %s", name, m.Origin(), why, name, undo)
}

// OnlyWith is the line refusing flag name, given on the command line, that
// only applies with one of the switches with, none of which is on.
func (s *Set) OnlyWith(name string, with ...string) error {
	return fmt.Errorf("--%s only applies with --%s: add --%s, or drop --%s", name, strings.Join(with, " or --"), with[0], name)
}

// explain turns the flag package's errors, which spell flags -name, into
// lines that spell them --name and say what to do.
func (s *Set) explain(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		name = strings.TrimLeft(name, "-")
		if now, ok := s.renamed[name]; ok {
			return fmt.Errorf("unknown flag --%s: it is called %s", name, now)
		}
		if near := s.nearest(name); near != "" {
			return fmt.Errorf("unknown flag --%s: did you mean --%s? (%s --help lists the flags)", name, near, s.cmd)
		}
		return fmt.Errorf("unknown flag --%s (%s --help lists the flags)", name, s.cmd)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		if f, ok := s.byName[name]; ok {
			return fmt.Errorf("--%s needs a value (%s)", name, f.Type)
		}
	}
	return fmt.Errorf("%s (%s --help lists the flags)", msg, s.cmd)
}

// unexpected refuses a positional argument: these commands take only flags.
// One after a switch is most often its value, which a switch takes only as
// --name=value.
func (s *Set) unexpected(args []string) error {
	first := s.fs.Arg(0)
	if i := len(args) - s.fs.NArg(); i > 0 {
		prev := strings.TrimLeft(args[i-1], "-")
		if f, ok := s.byName[prev]; ok && f.isBool && strings.HasPrefix(args[i-1], "-") {
			if _, err := strconv.ParseBool(first); err == nil {
				return fmt.Errorf("unexpected argument %q after --%s: a switch takes a value only as --%s=%s", first, prev, prev, first)
			}
			return fmt.Errorf("unexpected argument %q after --%s, which is a switch and takes no value (%s --help lists the flags)", first, prev, s.cmd)
		}
	}
	return fmt.Errorf("unexpected argument %q: %s takes only flags (%s --help lists them)", first, s.cmd, s.cmd)
}

// nearest is the defined flag one or two edits away from name, if one is.
func (s *Set) nearest(name string) string {
	best, bestDist := "", 3
	for _, f := range s.flags {
		if d := textdist.Levenshtein(name, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
	}
	return best
}

// PrintHelp writes the usage line, the synopsis and every flag with its
// type, default and variable. Defaults are the built-in ones, never values
// from the environment, so help never shows a secret or a password.
func (s *Set) PrintHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: %s [flags]\n", s.cmd)
	for _, line := range s.synopsis {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
	for _, f := range s.flags {
		head := "  --" + f.Name
		if !f.isBool {
			head += " " + f.Type
		}
		var notes []string
		if f.Default != "" {
			notes = append(notes, "default "+f.Default)
		}
		if f.Env != "" {
			notes = append(notes, "env "+f.Env)
		}
		text := f.Help
		if len(notes) > 0 {
			text += " (" + strings.Join(notes, "; ") + ")"
		}
		fmt.Fprintf(w, "%s\n        %s\n", head, text)
	}
}
