package config

import (
	"slices"

	"github.com/bcsdk/bc/examples/internal/cli"
)

// ignoredBy lists, for each switch, the flags it makes pointless: the demo
// brings its own tenant, credentials and environment; the doctor syncs
// nothing; a full read reads everything.
var ignoredBy = []struct {
	mode, why string
	flags     []string
}{
	{"demo", "the embedded fake BC has its own tenant, credentials and environment",
		[]string{"tenant", "client-id", "client-secret", "environment", "base-url", "token-url"}},
	{"doctor", "it checks the setup and syncs nothing",
		[]string{"out", "full", "since", "reconcile", "force", "mark-deleted", "split", "page-size", "overlap", "retry-delay",
			"quiet", "log-format", "log-level", "watch", "listen", "public-url", "poll", "debounce", "cpuprofile", "memprofile"}},
	{"full", "it reads everything", []string{"since"}},
}

// appliesWith lists the flags that only do something when a switch is on.
var appliesWith = []struct {
	flag string
	with []string // any one of them makes flag apply
}{
	{"json", []string{"doctor"}},
	{"mark-deleted", []string{"reconcile", "watch"}},
	{"force", []string{"reconcile"}},
	{"listen", []string{"watch"}},
	{"public-url", []string{"watch"}},
	{"poll", []string{"watch"}},
	{"debounce", []string{"watch"}},
	{"demo-companies", []string{"demo"}},
	{"demo-gl-entries", []string{"demo"}},
}

// refuseContradictions refuses a flag given on the command line that the
// rest of the configuration makes pointless, with one line naming both and
// what to do. Values from the environment are never refused here: where
// they do not apply they are ignored (see the package doc).
func refuseContradictions(c *Config, fs *cli.Set) error {
	on := map[string]bool{"demo": c.Demo, "doctor": c.Doctor, "full": c.Full, "reconcile": c.Reconcile, "watch": c.Watch}
	for _, r := range ignoredBy {
		if !on[r.mode] {
			continue
		}
		for _, name := range r.flags {
			if fs.Given(name) {
				return usage("%v", fs.Pointless(name, r.mode, r.why))
			}
		}
	}
	for _, r := range appliesWith {
		if fs.Given(r.flag) && !slices.ContainsFunc(r.with, func(m string) bool { return on[m] }) {
			return usage("%v", fs.OnlyWith(r.flag, r.with...))
		}
	}
	// The overlap is re-read before a watermark; a full read or --since does
	// not start from one, though the incremental rounds of --watch do.
	if fs.Given("overlap") && !c.Watch {
		if c.Full {
			return usage("%v", fs.Pointless("overlap", "full", "it reads everything; --overlap applies to incremental reads"))
		}
		if !c.Since.IsZero() {
			return usage("%v", fs.Pointless("overlap", "since", "it reads from that time, not from the watermark"))
		}
	}
	if c.Quiet && c.LogLevel != "error" && fs.Given("log-level") {
		return usage("%v", fs.Pointless("log-level", "quiet", "it logs only errors"))
	}
	return nil
}
