package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/examples/internal/cli"
	"github.com/riverqueue/river"
)

type command func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int

var tenantCommands = map[string]command{
	"add": tenantsAdd, "list": tenantsList, "run-now": runNow,
	"enable": func(ctx context.Context, a []string, g func(string) string, o, e io.Writer) int {
		return enable(ctx, a, g, o, e, true)
	},
	"disable": func(ctx context.Context, a []string, g func(string) string, o, e io.Writer) int {
		return enable(ctx, a, g, o, e, false)
	},
}

// withDB parses fs (which has --db), opens the database and calls f.
func withDB(ctx context.Context, name string, fs *cli.Set, dsn *string, args []string, stdout, stderr io.Writer, f func(*jobs.DB) error) int {
	if code, ok := parse(fs, name, args, stdout, stderr); !ok {
		return code
	}
	db, err := openDB(ctx, *dsn)
	if err == nil {
		err = f(db)
		db.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "syncd %s: %s\n", name, strings.Join(strings.Fields(err.Error()), " "))
		return exitFailed
	}
	return exitOK
}

func tenantsAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var t jobs.Tenant
	var dsn, dataDir string
	var disabled bool
	fs := cli.New("syncd tenants add", nil, "", "Adds a tenant (or replaces the one of that name) to the registry.")
	dbFlag(fs, &dsn)
	fs.String(&t.Name, "name", "", "the tenant's name in the registry").Must("a name", func() bool { return t.Name != "" })
	fs.String(&t.EntraTenant, "tenant", "", "Entra tenant id or domain")
	fs.String(&t.ClientID, "client-id", "", "the app's client id")
	fs.String(&t.SecretRef, "secret-ref", "", "where the client secret is: env:NAME or file:PATH (never the secret itself)").As("ref")
	fs.String(&t.Environment, "environment", "Production", "BC environment name")
	fs.String(&t.Profile, "profile", "mosaic", "what to sync: mosaic, finance or all")
	fs.Duration(&t.Every, "every", 15*time.Minute, "time between incremental syncs")
	fs.String(&t.ReconcileAt, "reconcile-at", "02:00", `time of day (UTC) after which the day's first sync reconciles deletions; "" never`)
	fs.String(&t.Store, "store", "", "destination: sqlite:PATH or postgres://… (default: sqlite:<data-dir>/<name>.db)")
	fs.String(&dataDir, "data-dir", "syncd-data", "directory of the default per-tenant SQLite stores").As("dir")
	fs.String(&t.BaseURL, "base-url", "", "BC API root (default BC online)").As("url")
	fs.String(&t.TokenURL, "token-url", "", "token endpoint (default Entra)").As("url")
	fs.String(&t.NotificationURL, "notification-url", "", "where BC posts webhook notifications; the syncs keep the tenant's subscriptions renewed (default none)").As("url")
	fs.Bool(&disabled, "disabled", false, "add it disabled")
	return withDB(ctx, "tenants add", fs, &dsn, args, stdout, stderr, func(db *jobs.DB) error {
		t.Enabled = !disabled
		if t.Store == "" {
			abs, err := filepath.Abs(filepath.Join(dataDir, t.Name+".db"))
			if err != nil {
				return err
			}
			t.Store = "sqlite:" + abs
		}
		if err := db.Registry().Add(ctx, t); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %s (%s, every %s) storing in %s\n", t.Name, t.Environment, cli.FormatDuration(t.Every), t.Store)
		return nil
	})
}

func tenantsList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var dsn string
	fs := cli.New("syncd tenants list", nil, "", "Lists the registry's tenants.")
	dbFlag(fs, &dsn)
	return withDB(ctx, "tenants list", fs, &dsn, args, stdout, stderr, func(db *jobs.DB) error {
		ts, err := db.Registry().List(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tENABLED\tENVIRONMENT\tPRINCIPAL\tSECRET\tPROFILE\tEVERY\tSTORE")
		for _, t := range ts {
			fmt.Fprintf(w, "%s\t%t\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.Enabled, t.Environment, t.Key(), t.SecretRef, t.Profile, cli.FormatDuration(t.Every), t.Store)
		}
		return w.Flush()
	})
}

func enable(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, on bool) int {
	var dsn, name string
	verb := map[bool]string{true: "enable", false: "disable"}[on]
	fs := cli.New("syncd tenants "+verb, nil, "", "Enables (clearing its needs-attention) or disables a tenant.")
	dbFlag(fs, &dsn)
	fs.String(&name, "name", "", "the tenant").Must("a name", func() bool { return name != "" })
	return withDB(ctx, "tenants "+verb, fs, &dsn, args, stdout, stderr, func(db *jobs.DB) error {
		if err := db.Registry().Enable(ctx, name, on); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", verb, name)
		return nil
	})
}

// runNow queues a sync of a tenant at once; a serving syncd works it. One
// already queued or running absorbs it.
func runNow(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var dsn, name string
	fs := cli.New("syncd tenants run-now", nil, "", "Queues a sync of a tenant now.")
	dbFlag(fs, &dsn)
	fs.String(&name, "name", "", "the tenant").Must("a name", func() bool { return name != "" })
	return withDB(ctx, "tenants run-now", fs, &dsn, args, stdout, stderr, func(db *jobs.DB) error {
		t, err := db.Registry().Get(ctx, name)
		if err != nil {
			return err
		}
		client, err := jobs.NewClient(jobs.Config{DB: db}, river.Config{})
		if err != nil {
			return err
		}
		res, err := client.Insert(ctx, jobs.SyncArgs(t), nil)
		if err != nil {
			return err
		}
		if res.UniqueSkippedAsDuplicate {
			fmt.Fprintf(stdout, "%s: a sync is already queued or running (job %d)\n", name, res.Job.ID)
			return nil
		}
		fmt.Fprintf(stdout, "%s: queued job %d\n", name, res.Job.ID)
		return nil
	})
}

func status(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var dsn string
	fs := cli.New("syncd status", nil, "", "Shows each tenant's last run, next run and what needs attention.")
	dbFlag(fs, &dsn)
	return withDB(ctx, "status", fs, &dsn, args, stdout, stderr, func(db *jobs.DB) error {
		rows, err := jobs.Overview(ctx, db)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "TENANT\tSTATUS\tLAST RUN\tROWS\tDURATION\tNEXT RUN\tATTENTION")
		for _, r := range rows {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.Tenant.Name, r.Status(), stamp(r.Last.Started), r.Last.Rows, r.Last.Duration().Round(time.Millisecond), stamp(r.Next), r.AttentionText())
		}
		return w.Flush()
	})
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}
