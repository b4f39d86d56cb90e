// Package config reads the sync's command line. Every flag can also come
// from the environment as BC_<NAME> (BC_CLIENT_SECRET for --client-secret);
// a flag wins over the environment. Bad input is reported as one line that
// says what to change.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/examples/sync/internal/plan"
)

// Config is the parsed command line.
type Config struct {
	Tenant, ClientID, Environment string
	BaseURL, TokenURL             string
	Companies                     []string
	Profile                       string
	Entities                      []plan.Ref
	Out                           string
	Full                          bool
	Since                         time.Time
	Overlap                       time.Duration
	Reconcile, MarkDeleted        bool
	// Split splits big sets into partitions read in parallel; without it
	// every set is one chain of pages (the sequential baseline of the bench).
	Split                 bool
	Concurrency, PageSize int
	Demo, Quiet           bool
	LogFormat, LogLevel   string
	Doctor, JSON          bool
	// Watch keeps the store current with webhooks after the sync.
	Watch             bool
	Listen, PublicURL string
	// Poll is how often sets without webhooks are read; Debounce how long
	// notifications are collected before the sets they name are read.
	Poll, Debounce time.Duration
	// RetryDelay is the first backoff step of the client's retries.
	RetryDelay time.Duration
	// CPUProfile and MemProfile write pprof profiles of the run.
	CPUProfile, MemProfile string
	// DemoGLEntries and DemoCompanies size the --demo tenant.
	DemoGLEntries, DemoCompanies int

	secret          string
	explicitProfile bool
}

// Secret returns the client secret. It is kept out of String and of every
// message, so the Config can be logged.
func (c *Config) Secret() string { return c.secret }

// String describes the configuration without the secret.
func (c *Config) String() string {
	secret := "unset"
	if c.secret != "" {
		secret = "set"
	}
	return fmt.Sprintf("tenant=%s client=%s secret=%s environment=%s out=%s profile=%s", c.Tenant, c.ClientID, secret, c.Environment, c.Out, c.Profile)
}

// UsageError is bad input: the command prints it and exits with 2.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usage(format string, args ...any) error { return &UsageError{fmt.Sprintf(format, args...)} }

// Parse reads args and the environment (getenv).
func Parse(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	str := func(p *string, name, def, help string) {
		if v := getenv(envName(name)); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, help+" (env "+envName(name)+")")
	}
	boolean := func(p *bool, name, help string) {
		def := false
		if v := getenv(envName(name)); v != "" {
			b, err := strconv.ParseBool(v)
			def = err == nil && b
		}
		fs.BoolVar(p, name, def, help+" (env "+envName(name)+")")
	}
	var companies, entitiesList, since, overlap, concurrency, pageSize, poll, debounce, demoGL, demoCos, retryDelay string
	str(&c.Tenant, "tenant", "", "Entra tenant ID (a GUID) or domain of the customer")
	str(&c.ClientID, "client-id", "", "Application (client) ID of the app registration")
	str(&c.secret, "client-secret", "", "client secret value; prefer the environment variable")
	str(&c.Environment, "environment", "Production", "BC environment name")
	str(&c.BaseURL, "base-url", bc.DefaultBaseURL, "API host; /{tenant}/{environment}/api/v2.0 is appended")
	str(&c.TokenURL, "token-url", bc.DefaultTokenURL, "token endpoint; {tenant} is replaced")
	str(&companies, "companies", "", "comma-separated company names or ids (default: all)")
	str(&c.Profile, "profile", "mosaic", "what to sync: mosaic, finance or all")
	str(&entitiesList, "entities", "", "explicit entity sets, comma-separated; set@/api/publisher/group/version for custom APIs")
	str(&c.Out, "out", "sqlite:bc.db", "destination: sqlite:PATH, postgres://…, or jsonl:DIR")
	boolean(&c.Full, "full", "ignore watermarks and read everything")
	str(&since, "since", "", "read changes since this date (YYYY-MM-DD) or time (RFC 3339)")
	boolean(&c.Reconcile, "reconcile", "detect rows deleted in BC by comparing keys")
	c.Split = true
	fs.BoolVar(&c.Split, "split", getenv("BC_SPLIT") != "false", "split big sets into partitions read in parallel (env BC_SPLIT)")
	boolean(&c.MarkDeleted, "mark-deleted", "with --reconcile: mark deleted rows in a _deleted column instead of removing them")
	str(&concurrency, "concurrency", "5", "requests in flight (BC processes 5 at once per app)")
	str(&pageSize, "page-size", "5000", "most rows per request (bounds memory)")
	str(&overlap, "overlap", "10m", "incremental reads re-read this much before the watermark, for late commits")
	str(&retryDelay, "retry-delay", "500ms", "first backoff step when BC throttles or fails without Retry-After; it doubles, with jitter")
	boolean(&c.Demo, "demo", "run against the embedded fake BC with its demo tenant (no credentials needed)")
	boolean(&c.Quiet, "quiet", "print only errors and the summary")
	str(&c.LogFormat, "log-format", "text", "log format: text or json")
	str(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	boolean(&c.Doctor, "doctor", "check every setup step the BC admin must take, then exit")
	boolean(&c.JSON, "json", "with --doctor: print the checks as JSON")
	boolean(&c.Watch, "watch", "after the sync, follow changes with webhooks")
	str(&c.Listen, "listen", "", "with --watch: address to receive notifications on, e.g. :8443")
	str(&c.PublicURL, "public-url", "", "with --watch: the URL BC can reach --listen at")
	str(&poll, "poll", "15m", "with --watch: incremental sync interval for sets without webhooks, and when notifications stop")
	str(&debounce, "debounce", "2s", "with --watch: how long notifications are collected before one incremental sync reads what they name")
	str(&demoGL, "demo-gl-entries", "", "with --demo: G/L entries per company (default 2000)")
	str(&c.CPUProfile, "cpuprofile", "", "write a CPU profile (pprof) of the run to this file")
	str(&c.MemProfile, "memprofile", "", "write a heap profile (pprof) at the end of the run to this file")
	str(&demoCos, "demo-companies", "", "with --demo: number of companies (default 3)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintln(stderr, "usage: sync [flags]   (each flag also from env BC_<NAME>)")
			fs.PrintDefaults()
			return nil, err
		}
		return nil, usage("%v (run with -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return nil, usage("unexpected argument %q: all options are flags, e.g. --profile finance", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { c.explicitProfile = c.explicitProfile || f.Name == "profile" })
	c.explicitProfile = c.explicitProfile || getenv("BC_PROFILE") != ""
	var err error
	c.Companies = list(companies)
	if c.Entities, err = plan.ParseRefs(entitiesList); err != nil {
		return nil, usage("%v", err)
	}
	if err := c.numbers(concurrency, pageSize, overlap, poll, demoGL, demoCos, retryDelay); err != nil {
		return nil, err
	}
	if c.Debounce, err = time.ParseDuration(debounce); err != nil || c.Debounce <= 0 {
		return nil, usage("--debounce %q must be a positive duration such as 2s", debounce)
	}
	if since != "" {
		if c.Since, err = parseSince(since); err != nil {
			return nil, err
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// envName is BC_ plus the flag's name in capitals: client-id → BC_CLIENT_ID.
func envName(flag string) string {
	return "BC_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c *Config) numbers(concurrency, pageSize, overlap, poll, demoGL, demoCos, retryDelay string) error {
	var err error
	if c.Concurrency, err = strconv.Atoi(concurrency); err != nil || c.Concurrency < 1 || c.Concurrency > 100 {
		return usage("--concurrency %q must be a number from 1 to 100 (BC processes 5 requests at once per app)", concurrency)
	}
	if c.PageSize, err = strconv.Atoi(pageSize); err != nil || c.PageSize < 1 || c.PageSize > 20000 {
		return usage("--page-size %q must be a number from 1 to 20000 (BC's largest page)", pageSize)
	}
	if c.Overlap, err = time.ParseDuration(overlap); err != nil || c.Overlap < 0 {
		return usage("--overlap %q must be a duration such as 10m", overlap)
	}
	if c.RetryDelay, err = time.ParseDuration(retryDelay); err != nil || c.RetryDelay < 0 {
		return usage("--retry-delay %q must be a duration such as 500ms", retryDelay)
	}
	if c.Poll, err = time.ParseDuration(poll); err != nil || c.Poll <= 0 {
		return usage("--poll %q must be a positive duration such as 15m", poll)
	}
	for _, p := range []struct {
		v   string
		dst *int
		n   string
	}{{demoGL, &c.DemoGLEntries, "--demo-gl-entries"}, {demoCos, &c.DemoCompanies, "--demo-companies"}} {
		if p.v == "" {
			continue
		}
		if *p.dst, err = strconv.Atoi(p.v); err != nil || *p.dst < 1 {
			return usage("%s %q must be a positive number", p.n, p.v)
		}
	}
	return nil
}

func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, usage("--since %q must be a date (2025-01-31) or an RFC 3339 time (2025-01-31T12:00:00Z)", s)
}

// validate checks what can be checked without the network.
func (c *Config) validate() error {
	if _, ok := plan.Profiles[c.Profile]; !ok {
		return usage("--profile %q must be mosaic, finance or all", c.Profile)
	}
	for _, r := range c.Entities {
		if r.Route == plan.StandardRoute && r.Name != "companies" {
			if _, ok := entities.Schema.EntitySet(r.Name); !ok {
				return usage("--entities: %q is not an entity set of API v2.0 (see the README for the list; custom APIs are written set@/api/publisher/group/version)", r.Name)
			}
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return usage("--log-format %q must be text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return usage("--log-level %q must be debug, info, warn or error", c.LogLevel)
	}
	if c.Watch && (c.Listen == "" || c.PublicURL == "") {
		return usage("--watch needs --listen (the local address) and --public-url (how BC reaches it)")
	}
	if c.Watch && c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return usage("--public-url %q must be an https URL BC can reach", c.PublicURL)
		}
	}
	if c.Demo {
		return nil
	}
	if err := bc.ValidateTenantID(c.Tenant); err != nil {
		return usage("--tenant: %v (or run with --demo)", err)
	}
	if err := bc.ValidateClientID(c.ClientID); err != nil {
		return usage("--client-id: %v", err)
	}
	if strings.TrimSpace(c.secret) == "" {
		return usage("the client secret is missing: set BC_CLIENT_SECRET (or --client-secret) to the secret's Value from the app registration")
	}
	if strings.EqualFold(c.secret, c.ClientID) || bc.IsGUID(c.secret) {
		return usage("the client secret looks like a GUID: that is the secret's ID or the client ID; use the secret's Value (shown once when it was created)")
	}
	for _, p := range []struct{ name, v string }{{"--base-url", c.BaseURL}, {"--token-url", c.TokenURL}} {
		u, err := url.Parse(strings.ReplaceAll(p.v, "{tenant}", "t"))
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return usage("%s %q must be an https URL", p.name, p.v)
		}
	}
	return nil
}

// PlanProfile is the profile the plan starts from. --entities naming
// standard sets without --profile means exactly those sets; custom-route
// sets (jobTasks@/api/…) are added to the profile.
func (c *Config) PlanProfile() string {
	if c.explicitProfile {
		return c.Profile
	}
	for _, r := range c.Entities {
		if r.Route == plan.StandardRoute {
			return ""
		}
	}
	return c.Profile
}
