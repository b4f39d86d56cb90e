package store

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgConnectTimeout bounds Open's connection attempt unless the DSN sets
// connect_timeout.
const pgConnectTimeout = 5 * time.Second

// pgMaxName is PostgreSQL's identifier limit in bytes (NAMEDATALEN-1);
// longer names would be silently truncated.
const pgMaxName = 63

// pgStore writes to the current schema of a PostgreSQL database over one
// connection. Each Apply copies every batch into a session-local staging
// table and merges it with one INSERT … ON CONFLICT, all in one transaction
// with the checkpoints.
type pgStore struct {
	cfg    *pgx.ConnConfig
	where  string // the DSN without its password
	secret string
	now    func() time.Time

	mu     sync.Mutex
	conn   *pgx.Conn
	tables map[string]*pgTable
	stages int // staging tables created in this session
}

// pgTable is what the store knows of an output table in the database.
type pgTable struct {
	cols       []string
	hasDeleted bool
	plans      map[string]*pgPlan // by shape.sig
}

func newPostgres(dsn string) (Store, error) {
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
		return nil, fmt.Errorf("--out %s: %s: %s", redactDSN(dsn), scrub(msg, ""), outForms)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = pgConnectTimeout
	}
	return &pgStore{cfg: cfg, where: redactDSN(dsn), secret: cfg.Password, now: time.Now, tables: map[string]*pgTable{}}, nil
}

// fail wraps err with the destination, without the password.
func (s *pgStore) fail(format string, args ...any) error {
	return errors.New(scrub(s.where+": "+fmt.Sprintf(format, args...), s.secret))
}

func (s *pgStore) Open(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		return s.fail("already open")
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	if err := s.ensureBook(ctx); err != nil {
		s.conn.Close(context.Background())
		s.conn = nil
		return err
	}
	return nil
}

func (s *pgStore) connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ConnectTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, s.cfg)
	if err != nil {
		var pe *pgconn.PgError
		switch {
		case errors.As(err, &pe) && (pe.Code == "28P01" || pe.Code == "28000"):
			return s.fail("the server refused the credentials of user %q: %s; check the user name and password", s.cfg.User, pe.Message)
		case errors.As(err, &pe) && pe.Code == "3D000":
			return s.fail("database %q does not exist: create it or name another one", s.cfg.Database)
		case errors.As(err, &pe):
			return s.fail("connecting: %s (SQLSTATE %s)", oneLine(pe.Message), pe.Code)
		}
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		return s.fail("cannot reach the PostgreSQL server at %s:%d within %s: %s", s.cfg.Host, s.cfg.Port, s.cfg.ConnectTimeout, oneLine(err.Error()))
	}
	if err := s.claim(ctx, conn); err != nil {
		conn.Close(context.Background())
		return err
	}
	s.conn = conn
	// Staging tables lived in the old session; what is known of the
	// tables themselves still holds.
	for _, t := range s.tables {
		t.plans = map[string]*pgPlan{}
	}
	s.stages = 0
	return nil
}

// claim checks the session has a schema to write to and takes the
// session's advisory lock on it, so a second sync into the same schema is
// refused at once. The lock lasts as long as the session; a reconnect
// takes it again.
func (s *pgStore) claim(ctx context.Context, conn *pgx.Conn) error {
	var schema *string
	var path string
	if err := conn.QueryRow(ctx, `SELECT current_schema(), current_setting('search_path')`).Scan(&schema, &path); err != nil {
		return s.fail("reading the schema: %v", err)
	}
	if schema == nil {
		return s.fail("%s", missingSchema(path))
	}
	var locked bool
	err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended('bcsync ' || current_database() || '.' || current_schema(), 0))`).Scan(&locked)
	if err != nil {
		return s.fail("locking the schema: %v", err)
	}
	if !locked {
		return errors.New(scrub(errBusy(s.where).Error(), s.secret))
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
func (s *pgStore) live(ctx context.Context) error {
	if s.conn == nil {
		return s.fail("store is not open")
	}
	if s.conn.IsClosed() {
		return s.connect(ctx)
	}
	return nil
}

func (s *pgStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close(context.Background())
	s.conn = nil
	return err
}

// oneLine joins the distinct lines of msg (pgx reports each attempt on a
// line of its own).
func oneLine(msg string) string {
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" && !contains(out, l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "; ")
}

// pgType is the PostgreSQL column type of a ColType.
func pgType(t ColType) string {
	switch t {
	case GUID:
		return "UUID"
	case Decimal:
		return "NUMERIC"
	case Int:
		return "BIGINT"
	case Bool:
		return "BOOLEAN"
	case Date:
		return "DATE"
	case DateTime:
		return "TIMESTAMPTZ"
	case Float:
		return "DOUBLE PRECISION"
	}
	return "TEXT"
}

func pgIdent(name string) string { return pgx.Identifier{name}.Sanitize() }

func pgList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = pgIdent(n)
	}
	return strings.Join(q, ", ")
}

func pgCreate(t *Table) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + pgIdent(t.Name) + " (")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pgIdent(c.Name) + " " + pgType(c.Type))
	}
	b.WriteString(", PRIMARY KEY (" + pgList(t.Key) + "))")
	return b.String()
}

// pgColumns returns the columns of table in the current schema, nil if it
// does not exist.
func pgColumns(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, table string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if len(cols) == 0 {
		cols = nil
	}
	return cols, err
}

func (s *pgStore) ensureBook(ctx context.Context) error {
	var missing []*Table
	for _, t := range bookTables {
		have, err := pgColumns(ctx, s.conn, t.Name)
		if err != nil {
			return s.fail("reading the schema: %v", err)
		}
		if have == nil {
			missing = append(missing, t)
		} else if !sameColumns(have, t) {
			return errors.New(scrub(foreignSchemaError(s.where, t.Name, have, t).Error(), s.secret))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.conn, func(tx pgx.Tx) error {
		for _, t := range missing {
			q := pgCreate(t)
			if t.Name == "_runs" {
				q = strings.Replace(q, `"id" BIGINT`, `"id" BIGINT GENERATED BY DEFAULT AS IDENTITY`, 1)
			}
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("creating %s: %w", t.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return s.fail("%v", err)
	}
	return nil
}

func (s *pgStore) EnsureTable(ctx context.Context, t *Table) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.live(ctx); err != nil {
		return err
	}
	if _, err := resolve(t); err != nil {
		return err
	}
	if err := s.ensure(ctx, t); err != nil {
		return s.fail("table %q: %v", t.Name, err)
	}
	return nil
}

func (s *pgStore) ensure(ctx context.Context, t *Table) error {
	for _, n := range append([]string{t.Name}, columnNames(t)...) {
		if len(n) > pgMaxName {
			return fmt.Errorf("name %q is longer than PostgreSQL's %d bytes", n, pgMaxName)
		}
	}
	err := pgx.BeginFunc(ctx, s.conn, func(tx pgx.Tx) error {
		have, err := pgColumns(ctx, tx, t.Name)
		if err != nil {
			return err
		}
		var ddl []string
		if have == nil {
			ddl = append(ddl, pgCreate(t))
		} else {
			pk, err := pgPrimaryKey(ctx, tx, t.Name)
			if err != nil {
				return err
			}
			if strings.Join(pk, "\x00") != strings.Join(t.Key, "\x00") {
				return fmt.Errorf("exists with primary key (%s) but the sync needs (%s): drop the table or use another database", pgList(pk), pgList(t.Key))
			}
			for _, c := range t.Columns {
				if !contains(have, c.Name) {
					ddl = append(ddl, "ALTER TABLE "+pgIdent(t.Name)+" ADD COLUMN IF NOT EXISTS "+pgIdent(c.Name)+" "+pgType(c.Type))
				}
			}
		}
		if t.Parent != "" {
			cols := []string{t.Parent}
			if contains(t.Key, companyIDCol) {
				cols = []string{companyIDCol, t.Parent}
			}
			index := fmt.Sprintf("%.40s_parent_%08x", t.Name, crc32.ChecksumIEEE([]byte(t.Name)))
			ddl = append(ddl, "CREATE INDEX IF NOT EXISTS "+pgIdent(index)+" ON "+pgIdent(t.Name)+" ("+pgList(cols)+")")
		}
		for _, q := range ddl {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.load(ctx, t.Name)
}

func columnNames(t *Table) []string {
	n := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		n[i] = c.Name
	}
	return n
}

func pgPrimaryKey(ctx context.Context, tx pgx.Tx, table string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
		WHERE i.indrelid = to_regclass($1) AND i.indisprimary
		ORDER BY array_position(i.indkey::int2[], a.attnum)`, pgIdent(table))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// load (re)reads the columns of table and forgets its statements.
func (s *pgStore) load(ctx context.Context, table string) error {
	have, err := pgColumns(ctx, s.conn, table)
	if err != nil {
		return err
	}
	s.tables[table] = &pgTable{cols: have, hasDeleted: contains(have, deletedCol), plans: map[string]*pgPlan{}}
	return nil
}
