// Package config reads the sync's command line. Every flag can also come
// from the environment as BC_<NAME> (BC_CLIENT_SECRET for --client-secret);
// a flag wins over the environment. Bad input is reported as one line that
// says what to change, naming the flag or the variable it came from.
//
// A flag given on the command line must take effect: one that another
// setting makes pointless (--json without --doctor, --tenant with --demo) is
// refused. A value that comes only from a BC_* variable is ignored where it
// does not apply, since the environment often holds settings for other runs
// (BC_TENANT while trying --demo).
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/examples/internal/cli"
)

// Config is the parsed command line.
type Config struct {
	Tenant, ClientID, Environment string
	BaseURL, TokenURL             string
	Companies                     []string
	Profile                       string
	Entities                      []bcsync.SetRef
	Out                           string
	Full                          bool
	Since                         time.Time
	Overlap                       time.Duration
	Reconcile, MarkDeleted        bool
	Force                         bool // lifts reconcile's bound on deletions
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

// Parse reads args and the environment (getenv). -h and --help print the
// flags to help and return flag.ErrHelp.
func Parse(args []string, getenv func(string) string, help io.Writer) (*Config, error) {
	c := &Config{}
	var companies, entitiesList string
	fs := c.flags(getenv, &companies, &entitiesList)
	if err := fs.Parse(args, help); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usage("%v", err)
	}
	c.explicitProfile = fs.Source("profile") != cli.Default
	var err error
	if c.Companies, err = bcsync.ParseCompanies(companies); err != nil {
		return nil, usage("--companies: %v", err)
	}
	if c.Entities, err = bcsync.ParseSetRefs(entitiesList); err != nil {
		return nil, usage("--entities: %v", err)
	}
	if err := refuseContradictions(c, fs); err != nil {
		return nil, err
	}
	// What is left of a contradiction came from the environment: the
	// doctor ignores BC_WATCH, a full read BC_SINCE.
	c.Watch = c.Watch && !c.Doctor
	if c.Full {
		c.Since = time.Time{}
	}
	if err := c.validate(fs); err != nil {
		return nil, err
	}
	return c, nil
}

// validate checks what can be checked without the network.
func (c *Config) validate(fs *cli.Set) error {
	for _, r := range c.Entities {
		if r.Route == bc.StandardRoute && r.Name != "companies" {
			if _, ok := entities.Schema.EntitySet(r.Name); !ok {
				return usage("--entities: %q is not an entity set of API v2.0 (--profile all syncs every one; docs/sync.md lists the profiles; a custom API is written set@/api/publisher/group/version)", r.Name)
			}
		}
	}
	if c.Watch && (c.Listen == "" || c.PublicURL == "") {
		return usage("%s needs --listen (the local address) and --public-url (how BC reaches it)", fs.Lookup("watch").Origin())
	}
	if c.Watch && c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return usage("%s %q must be an https URL BC can reach", fs.Lookup("public-url").Origin(), c.PublicURL)
		}
	}
	if c.Demo {
		return nil
	}
	if err := bc.ValidateTenantID(c.Tenant); err != nil {
		return usage("%s: %v (or run with --demo)", fs.Lookup("tenant").Origin(), err)
	}
	if err := bc.ValidateClientID(c.ClientID); err != nil {
		return usage("%s: %v", fs.Lookup("client-id").Origin(), err)
	}
	if strings.TrimSpace(c.secret) == "" {
		return usage("the client secret is missing: set BC_CLIENT_SECRET (or --client-secret) to the secret's Value from the app registration")
	}
	if strings.EqualFold(c.secret, c.ClientID) || bc.IsGUID(c.secret) {
		return usage("the client secret looks like a GUID: that is the secret's ID or the client ID; use the secret's Value (shown once when it was created)")
	}
	if u, err := url.Parse(c.BaseURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return usage("%s %q must be an https URL", fs.Lookup("base-url").Origin(), c.BaseURL)
	}
	// The token request carries the secret: the library's rule (https, or
	// plain http to a loopback host) applies before anything is sent.
	if err := bc.ValidateTokenURL(strings.ReplaceAll(c.TokenURL, "{tenant}", "t")); err != nil {
		return usage("%s: %v", fs.Lookup("token-url").Origin(), err)
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
		if r.Route == bc.StandardRoute {
			return ""
		}
	}
	return c.Profile
}
