// Package postgres is the store of a PostgreSQL schema (--out
// postgres://…), in the layout of package store: on a connection of its
// own (FromDSN) or on one taken from the caller's pool (New), one schema
// per tenant with Schema.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgConnectTimeout bounds Open's connection attempt unless the DSN sets
// connect_timeout.
const pgConnectTimeout = 5 * time.Second

// pgMaxName is PostgreSQL's identifier limit in bytes (NAMEDATALEN-1);
// longer names would be silently truncated.
const pgMaxName = 63

// Store writes to one schema of a PostgreSQL database over one connection,
// held for the store's life with the schema's advisory lock. Each Apply
// copies every batch into a session-local staging table and merges it with
// one INSERT … ON CONFLICT, all in one transaction with the checkpoints.
type Store struct {
	cfg    *pgx.ConnConfig // the DSN's, or the pool's (for messages)
	pool   *pgxpool.Pool   // the caller's pool, nil for a DSN
	schema string          // set by Schema; "" keeps the session's search_path
	where  string          // the destination without its password
	server string          // scheme://host/database, for Location
	secret string
	now    func() time.Time

	mu      sync.Mutex
	conn    *pgx.Conn
	pooled  *pgxpool.Conn // conn's handle when it came from the pool
	lockKey int64         // the advisory lock conn holds
	tables  map[string]*pgTable
	stages  int // staging tables created in this session
}

// pgTable is what the store knows of an output table in the database.
type pgTable struct {
	cols       []string
	hasDeleted bool
	statements map[string]*statements // by layout.Resolved.Sig
	// staged are the columns its staging table has (stagingName), nil
	// until this session staged rows of the table.
	staged map[string]bool
}

// Option configures a Store.
type Option func(*Store)

// Schema makes the store write to schema (which must exist) instead of the
// first schema of the session's search_path: one schema per tenant on a
// shared pool or database. The store's lock is per schema, so stores of
// different schemas write side by side.
func Schema(name string) Option { return func(s *Store) { s.schema = name } }

// New returns a store writing through pool, which it does not close: Open
// takes one connection from the pool for the store's life, Close gives it
// back. It does no I/O.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	cfg := pool.Config().ConnConfig
	u := url.URL{Scheme: "postgres", User: url.User(cfg.User), Host: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), Path: "/" + cfg.Database}
	s := newStore(cfg, pool, u.String(), opts)
	u.User = nil
	s.server = u.String()
	return s
}

// FromDSN returns a store on its own connection to dsn, a PostgreSQL URL
// or key=value DSN; its search_path names the schema unless Schema does.
// It does no I/O: Open connects.
func FromDSN(dsn string, opts ...Option) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		var pe *pgconn.ParseConfigError
		msg := err.Error()
		if errors.As(err, &pe) {
			msg = "invalid connection URL"
			if pe.Unwrap() != nil {
				msg += ": " + pe.Unwrap().Error()
			}
		}
		return nil, fmt.Errorf("%s: %s", redactDSN(dsn), msg)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = pgConnectTimeout
	}
	s := newStore(cfg, nil, redactDSN(dsn), opts)
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		s.server = u.Scheme + "://" + u.Host + u.Path // as the user wrote it
	} else {
		s.server = (&url.URL{Scheme: "postgres", Host: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), Path: "/" + cfg.Database}).String()
	}
	return s, nil
}

// Location implements store.Locator: the server, database and schema,
// without the user or password.
func (s *Store) Location() string {
	where := s.server
	schema := s.schema
	if schema == "" {
		schema = s.cfg.RuntimeParams["search_path"]
	}
	if schema != "" {
		where += ", schema " + schema
	}
	return where + " (PostgreSQL)"
}

func newStore(cfg *pgx.ConnConfig, pool *pgxpool.Pool, where string, opts []Option) *Store {
	s := &Store{cfg: cfg, pool: pool, secret: cfg.Password, now: time.Now, tables: map[string]*pgTable{}}
	for _, o := range opts {
		o(s)
	}
	s.where = where
	if s.schema != "" {
		s.where += " (schema " + s.schema + ")"
	}
	return s
}

func init() {
	store.Register(store.KindPostgres, func(dsn string) (store.Store, error) { return FromDSN(dsn) })
}

// fail wraps err with the destination, without the password.
func (s *Store) fail(format string, args ...any) error {
	return errors.New(scrub(s.where+": "+fmt.Sprintf(format, args...), s.secret))
}

// Open connects, takes the schema's lock and creates the bookkeeping
// tables.
func (s *Store) Open(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		return s.fail("already open")
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	if err := s.ensureBook(ctx); err != nil {
		s.hangUp()
		return err
	}
	return nil
}

func (s *Store) connect(ctx context.Context) error {
	conn, pooled, err := s.dial(ctx)
	if err != nil {
		var pe *pgconn.PgError
		switch {
		case errors.As(err, &pe) && (pe.Code == "28P01" || pe.Code == "28000"):
			return store.Misconfigured(s.fail("the server refused the credentials of user %q: %s; check the user name and password", s.cfg.User, pe.Message))
		case errors.As(err, &pe) && pe.Code == "3D000":
			return store.Misconfigured(s.fail("database %q does not exist: create it or name another one", s.cfg.Database))
		case errors.As(err, &pe):
			return s.fail("connecting: %s (SQLSTATE %s)", oneLine(pe.Message), pe.Code)
		}
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		return s.fail("cannot reach the PostgreSQL server at %s:%d within %s: %s", s.cfg.Host, s.cfg.Port, s.connectTimeout(), oneLine(err.Error()))
	}
	dead := s.conn // nil on Open
	s.conn, s.pooled = conn, pooled
	if err := s.claim(ctx, dead != nil); err != nil {
		s.hangUp()
		s.conn = dead // the next call tries again
		return err
	}
	// Staging tables lived in the old session; what is known of the
	// tables themselves still holds.
	for _, t := range s.tables {
		t.statements = map[string]*statements{}
	}
	s.stages = 0
	return nil
}

// dial opens the store's connection, or takes it from the pool.
func (s *Store) dial(ctx context.Context) (*pgx.Conn, *pgxpool.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, s.connectTimeout())
	defer cancel()
	if s.pool == nil {
		conn, err := pgx.ConnectConfig(ctx, s.cfg)
		return conn, nil, err
	}
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, nil, err
	}
	return pooled.Conn(), pooled, nil
}

func (s *Store) connectTimeout() time.Duration {
	if s.cfg.ConnectTimeout == 0 {
		return pgConnectTimeout
	}
	return s.cfg.ConnectTimeout
}

// claim checks the session has a schema to write to and takes the
// session's advisory lock on it, so a second sync into the same schema is
// refused at once. The lock lasts as long as the session (or until the
// connection goes back to the pool); a reconnect takes it again, waiting a
// little for it: the server releases a dropped session's lock only once
// that session's backend has noticed the hang-up and exited.
func (s *Store) claim(ctx context.Context, reconnect bool) error {
	if s.schema != "" {
		if _, err := s.conn.Exec(ctx, "SET search_path TO "+pgIdent(s.schema)); err != nil {
			return s.fail("setting the schema: %v", err)
		}
	}
	var schema *string
	var path string
	if err := s.conn.QueryRow(ctx, `SELECT current_schema(), current_setting('search_path')`).Scan(&schema, &path); err != nil {
		return s.fail("reading the schema: %v", err)
	}
	switch {
	case schema == nil && s.schema != "":
		return store.Misconfigured(s.fail("schema %s does not exist: create it with CREATE SCHEMA %s", pgIdent(s.schema), pgIdent(s.schema)))
	case schema == nil:
		return store.Misconfigured(s.fail("%s", missingSchema(path)))
	}
	const key = `hashtextextended('bcsync ' || current_database() || '.' || current_schema(), 0)`
	var locked bool
	err := s.conn.QueryRow(ctx, `SELECT k, pg_try_advisory_lock(k) FROM (SELECT `+key+` AS k) AS lock`).
		Scan(&s.lockKey, &locked)
	if err != nil {
		return s.fail("locking the schema: %v", err)
	}
	if !locked && reconnect {
		locked, err = s.awaitLock(ctx)
		if err != nil {
			return s.fail("locking the schema: %v", err)
		}
	}
	if !locked {
		return layout.Locked(scrub(s.where, s.secret))
	}
	return nil
}

// reclaimTimeout bounds the wait for the lock a dropped session held.
const reclaimTimeout = "10s"

// awaitLock waits up to reclaimTimeout for the schema's advisory lock;
// false when another session still holds it then.
func (s *Store) awaitLock(ctx context.Context) (bool, error) {
	if _, err := s.conn.Exec(ctx, "SET lock_timeout = '"+reclaimTimeout+"'"); err != nil {
		return false, err
	}
	_, err := s.conn.Exec(ctx, "SELECT pg_advisory_lock($1)", s.lockKey)
	if _, rerr := s.conn.Exec(ctx, "RESET lock_timeout"); rerr != nil && err == nil {
		return false, rerr
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
		return false, nil
	}
	return err == nil, err
}

// hangUp ends the store's session: it closes its own connection, or gives
// a pooled one back as it found it — lock released, staging tables dropped,
// search_path reset — and closes it instead when that fails.
func (s *Store) hangUp() error {
	conn, pooled := s.conn, s.pooled
	s.conn, s.pooled = nil, nil
	if pooled == nil {
		// Unlock first: the server frees a closed session's locks only
		// once its backend has exited, which a reopen could outrun.
		if !conn.IsClosed() {
			_, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", s.lockKey)
		}
		return conn.Close(context.Background())
	}
	defer pooled.Release()
	if conn.IsClosed() {
		return nil
	}
	ctx := context.Background()
	_, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", s.lockKey)
	if err == nil {
		_, err = conn.Exec(ctx, "DISCARD TEMP")
	}
	if err == nil {
		_, err = conn.Exec(ctx, "RESET search_path")
	}
	if err != nil {
		conn.Close(ctx) // the pool drops a closed connection
		return s.fail("giving the connection back to the pool: %v", err)
	}
	return nil
}

// missingSchema explains a search_path none of whose schemas exists, where
// PostgreSQL would only say "no schema has been selected to create in".
func missingSchema(path string) string {
	var names []string
	for _, n := range strings.Split(path, ",") {
		if n = strings.TrimSpace(n); n != "" && n != `"$user"` && n != "$user" {
			names = append(names, n)
		}
	}
	if len(names) == 1 {
		return fmt.Sprintf("schema %s (the search_path) does not exist: create it with CREATE SCHEMA %s, or set search_path in the URL to an existing schema", names[0], names[0])
	}
	return fmt.Sprintf("no schema of the search_path (%s) exists: create one with CREATE SCHEMA, or set search_path in the URL to an existing schema", path)
}

// live returns an error unless the store is open, reconnecting a dropped
// connection (session state such as staging tables is rebuilt).
func (s *Store) live(ctx context.Context) error {
	if s.conn == nil {
		return s.fail("store is not open")
	}
	if s.conn.IsClosed() {
		if s.pooled != nil {
			s.pooled.Release() // the pool drops it
			s.pooled = nil
		}
		return s.connect(ctx)
	}
	return nil
}

// Close ends the session, which releases the schema's lock.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	return s.hangUp()
}

// oneLine joins the distinct lines of msg (pgx reports each attempt on a
// line of its own).
func oneLine(msg string) string {
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" && !layout.Contains(out, l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "; ")
}
