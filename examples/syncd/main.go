// Command syncd runs scheduled syncs of many tenants as River jobs (package
// bcsync/jobs): one process on an embedded SQLite jobs database, or any
// number of processes and machines on one PostgreSQL database.
//
//	go run ./examples/syncd serve --demo
//	syncd tenants add --name contoso --tenant … --client-id … --secret-ref env:CONTOSO_SECRET --environment Production
//	syncd serve --db postgres://…
//
// serve also serves the operator page, River UI and /metrics on --http
// (127.0.0.1:8080 by default; another address needs a token).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/examples/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// Exit codes: 0 done, 1 failed, 2 bad input.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

const usage = `usage: syncd serve [flags]            run the jobs (and the page) until SIGTERM
       syncd tenants add|list|enable|disable|run-now [flags]
       syncd status [flags]              the tenants' last runs
Run a command with --help for its flags.`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "status":
		return status(ctx, rest, getenv, stdout, stderr)
	case "tenants":
		if len(rest) > 0 {
			if f, ok := tenantCommands[rest[0]]; ok {
				return f(ctx, rest[1:], getenv, stdout, stderr)
			}
		}
		fmt.Fprintln(stderr, "syncd tenants: give add, list, enable, disable or run-now")
		return exitUsage
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "syncd: unknown command %q\n%s\n", cmd, usage)
	return exitUsage
}

// dbFlag adds --db, the jobs database, to fs.
func dbFlag(fs *cli.Set, db *string) {
	fs.String(db, "db", "sqlite:syncd.db", "jobs database: sqlite:PATH (one process) or postgres://… (any number of processes)").As("dsn")
}

// parse parses fs, printing a bad input's line; ok false means return code.
func parse(fs *cli.Set, name string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args, stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		fmt.Fprintf(stderr, "syncd %s: %v\n", name, err)
		return exitUsage, false
	}
	return 0, true
}

// openDB opens and migrates the jobs database.
func openDB(ctx context.Context, dsn string) (*jobs.DB, error) {
	db, err := jobs.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
