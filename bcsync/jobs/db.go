package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite" riversqlite runs on
)

// dbForms is the help shown for a malformed jobs database.
const dbForms = "write sqlite:PATH (e.g. sqlite:syncd.db) or postgres://USER:PASSWORD@HOST:PORT/DATABASE"

// DB is the jobs database: River's tables, the tenant registry and the
// runs. SQLite serves one process; PostgreSQL serves any number of
// machines.
type DB struct {
	// SQL is the database; on SQLite it has one connection, which River and
	// the registry share (SQLite allows one writer at a time).
	SQL *sql.DB
	// Pool is the PostgreSQL pool River's pgx driver uses (nil on SQLite).
	Pool *pgxpool.Pool
	// locks holds the connections of the principals' advisory locks, one
	// per running sync, apart from Pool (see advisoryLocks).
	locks *pgxpool.Pool
	where string
}

// Postgres reports whether the jobs database is PostgreSQL.
func (db *DB) Postgres() bool { return db.Pool != nil }

// Where names the database without its password, for logs and errors.
func (db *DB) Where() string { return db.where }

// Open opens the jobs database dsn: sqlite:PATH or a PostgreSQL URL
// (postgres://… or postgresql://…; its search_path, if any, holds the
// tables). It pings the database, so a wrong or unreachable one fails
// here, in one line that names it without its password.
func Open(ctx context.Context, dsn string) (*DB, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	case dsn == "":
		return nil, fmt.Errorf("no jobs database: %s", dbForms)
	}
	kind, _, _ := strings.Cut(dsn, ":")
	return nil, fmt.Errorf("jobs database %s:…: unknown kind: %s", kind, dbForms)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	where := "sqlite:" + path
	if path == "" {
		return nil, fmt.Errorf("sqlite: needs a file path: %s", dbForms)
	}
	if dir := filepath.Dir(path); !isDir(dir) {
		return nil, fmt.Errorf("jobs database %s: the directory %s does not exist; create it or choose another path", where, dir)
	}
	// WAL and a busy timeout, as riversqlite asks; IMMEDIATE transactions,
	// so a transaction that will write never fails to upgrade its lock.
	q := url.Values{"_pragma": {"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)"}, "_txlock": {"immediate"}}
	sdb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("jobs database %s: %w", where, err)
	}
	sdb.SetMaxOpenConns(1)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("jobs database %s: %w", where, err)
	}
	return &DB{SQL: sdb, where: where}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	where := redact(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors quote the DSN, password and all.
		return nil, fmt.Errorf("jobs database %s: not a valid PostgreSQL URL: %s", where, dbForms)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("jobs database %s: %s", where, oneLine(err.Error()))
	}
	lockCfg := cfg.Copy()
	lockCfg.MaxConns, lockCfg.MinConns = maxLockConns, 0
	locks, err := pgxpool.NewWithConfig(ctx, lockCfg) // connects when used
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("jobs database %s: %s", where, oneLine(err.Error()))
	}
	return &DB{SQL: stdlib.OpenDBFromPool(pool), Pool: pool, locks: locks, where: where}, nil
}

// maxLockConns bounds the syncs one process runs at once on PostgreSQL: one
// lock connection each (PostgreSQL's default max_connections is 100).
const maxLockConns = 64

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// redact hides the password of a URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.SQL.Close()
	if db.Pool != nil {
		db.Pool.Close()
		db.locks.Close()
	}
	return err
}

// Migrate brings River's tables (with rivermigrate) and the registry's up
// to date. Several processes may migrate one PostgreSQL database at once.
func (db *DB) Migrate(ctx context.Context) error {
	var err error
	if db.Postgres() {
		err = migrateRiver(ctx, riverpgxv5.New(db.Pool))
	} else {
		err = migrateRiver(ctx, riversqlite.New(db.SQL))
	}
	if err != nil {
		return fmt.Errorf("jobs database %s: migrating River's tables: %w", db.where, err)
	}
	if err := db.migrateRegistry(ctx); err != nil {
		return fmt.Errorf("jobs database %s: creating the registry's tables: %w", db.where, err)
	}
	return nil
}

func migrateRiver[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// rebind turns the ? placeholders of a statement into PostgreSQL's $n.
func (db *DB) rebind(q string) string {
	if !db.Postgres() {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.SQL.ExecContext(ctx, db.rebind(q), args...)
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.SQL.QueryContext(ctx, db.rebind(q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.SQL.QueryRowContext(ctx, db.rebind(q), args...)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
