package config

import (
	"slices"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/examples/internal/cli"
)

// synopsis is printed above the flags in --help.
var synopsis = []string{
	"",
	"Copies Business Central data one way into SQLite, PostgreSQL or JSON Lines files.",
	"Every flag can also be set as BC_<NAME> (BC_CLIENT_SECRET for --client-secret); a flag wins.",
	"A flag given on the command line that would have no effect is refused; a BC_* value that",
	"does not apply to the run (BC_TENANT with --demo) is ignored.",
}

// flags defines the sync's flags into c and the strings parsed after them.
// The order is the order of --help and of docs/sync.md's table.
func (c *Config) flags(getenv func(string) string, companies, entities *string) *cli.Set {
	fs := cli.New("sync", getenv, synopsis...)
	demo := bctest.DefaultDemo()

	fs.String(&c.Tenant, "tenant", "", "Entra tenant ID (a GUID) or domain of the customer")
	fs.String(&c.ClientID, "client-id", "", "Application (client) ID of the app registration")
	fs.String(&c.secret, "client-secret", "", "the client secret's Value; prefer the environment variable")
	fs.String(&c.Environment, "environment", "Production", "BC environment name, as the admin center shows it")
	fs.String(&c.BaseURL, "base-url", bc.DefaultBaseURL, "API host; /{tenant}/{environment}/api/v2.0 is appended").As("url")
	fs.String(&c.TokenURL, "token-url", bc.DefaultTokenURL, "token endpoint; {tenant} is replaced").As("url")
	fs.String(companies, "companies", "", "company names or ids, comma-separated (quote a name holding a comma: \"CRONUS USA, Inc.\"); all companies when not given").As("list")
	fs.String(&c.Profile, "profile", "mosaic", "what to sync: mosaic, finance or all").
		Must("mosaic, finance or all", func() bool { return slices.Contains(bcsync.Profiles(), c.Profile) })
	fs.String(entities, "entities", "", "entity sets, comma-separated; set@/api/publisher/group/version for a custom API").As("list")
	fs.String(&c.Out, "out", "sqlite:bc.db", "destination: sqlite:PATH, postgres://…, or jsonl:DIR").As("dest")
	fs.Bool(&c.Full, "full", false, "ignore watermarks and read everything")
	var since string
	fs.String(&since, "since", "", "read changes since this date (2025-01-31) or RFC 3339 time").As("date").
		Must("a date (2025-01-31) or an RFC 3339 time (2025-01-31T12:00:00Z)", func() bool {
			var ok bool
			c.Since, ok = parseSince(since)
			return ok
		})
	fs.Bool(&c.Reconcile, "reconcile", false, "find rows deleted in BC by comparing keys, and remove them")
	fs.Bool(&c.Force, "force", false, "with --reconcile: delete rows even when more than half of a set's stored rows are gone from BC (refused by default)")
	fs.Bool(&c.MarkDeleted, "mark-deleted", false, "with --reconcile or --watch: set _deleted on rows deleted in BC instead of removing them")
	fs.Bool(&c.Split, "split", true, "split big sets into partitions read in parallel; --split=false reads each set as one chain of pages")
	fs.Int(&c.Concurrency, "concurrency", 5, "requests in flight (BC processes 5 at once per app)").
		Must("a number from 1 to 100 (BC processes 5 requests at once per app)", func() bool { return c.Concurrency >= 1 && c.Concurrency <= 100 })
	fs.Int(&c.PageSize, "page-size", 5000, "most rows per request (bounds memory)").
		Must("a number from 1 to 20000 (BC's largest page)", func() bool { return c.PageSize >= 1 && c.PageSize <= 20000 })
	fs.Duration(&c.Overlap, "overlap", 10*time.Minute, "incremental reads re-read this much before the watermark, for late commits").
		Must("a duration such as 10m", func() bool { return c.Overlap >= 0 })
	fs.Duration(&c.RetryDelay, "retry-delay", 500*time.Millisecond, "first backoff step when BC throttles or fails without Retry-After; it doubles, with jitter").
		Must("a duration such as 500ms", func() bool { return c.RetryDelay >= 0 })
	fs.Bool(&c.Demo, "demo", false, "run against the embedded fake BC and its demo tenant (no credentials needed)")
	fs.Int(&c.DemoCompanies, "demo-companies", demo.Companies, "with --demo: number of companies").
		Must("a number of at least 1", func() bool { return c.DemoCompanies >= 1 })
	fs.Int(&c.DemoGLEntries, "demo-gl-entries", demo.GLEntries, "with --demo: G/L entries per company (generated on demand; millions are fine)").
		Must("a number of at least 1", func() bool { return c.DemoGLEntries >= 1 })
	fs.Bool(&c.Quiet, "quiet", false, "print only errors and the summary")
	fs.String(&c.LogFormat, "log-format", "text", "log format: text or json").
		Must("text or json", func() bool { return c.LogFormat == "text" || c.LogFormat == "json" })
	fs.String(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error").
		Must("debug, info, warn or error", func() bool {
			switch c.LogLevel {
			case "debug", "info", "warn", "error":
				return true
			}
			return false
		})
	fs.Bool(&c.Doctor, "doctor", false, "check every setup step the BC admin must take, then exit")
	fs.Bool(&c.JSON, "json", false, "with --doctor: print the checks as JSON")
	fs.Bool(&c.Watch, "watch", false, "after the sync, follow changes with webhooks until interrupted")
	fs.String(&c.Listen, "listen", "", "with --watch: address to receive notifications on, e.g. :8443").As("addr")
	fs.String(&c.PublicURL, "public-url", "", "with --watch: the https URL BC posts to, which must reach --listen").As("url")
	fs.Duration(&c.Poll, "poll", 15*time.Minute, "with --watch: how often sets without webhooks are read (and every set, after that long without a notification)").
		Must("a positive duration such as 15m", func() bool { return c.Poll > 0 })
	fs.Duration(&c.Debounce, "debounce", 2*time.Second, "with --watch: how long notifications are collected before one incremental sync reads what they name").
		Must("a positive duration such as 2s", func() bool { return c.Debounce > 0 })
	fs.String(&c.CPUProfile, "cpuprofile", "", "write a CPU profile (pprof) of the run to this file").As("file")
	fs.String(&c.MemProfile, "memprofile", "", "write a heap profile (pprof) at the end of the run to this file").As("file")
	return fs
}

func parseSince(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
