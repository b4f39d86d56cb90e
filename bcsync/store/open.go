package store

import (
	"fmt"
	"strings"
	"sync"
)

// outForms is the help shown for a malformed --out value.
const outForms = "write sqlite:PATH (e.g. sqlite:bc.db), postgres://USER:PASSWORD@HOST:PORT/DATABASE, or jsonl:DIR"

// Kinds of destination New knows, each provided by its dialect package.
const (
	KindSQLite   = "sqlite"   // bcsync/store/sqlite: target is the file path
	KindPostgres = "postgres" // bcsync/store/postgres: target is the whole URL
	KindJSONL    = "jsonl"    // bcsync/store/jsonl: target is the directory
)

var (
	registryMu sync.RWMutex
	registry   = map[string]func(target string) (Store, error){}
)

// Register makes New hand destinations of kind (KindSQLite, KindPostgres or
// KindJSONL) to open. Each dialect package registers itself when imported,
// so a program links only the stores it imports: one that writes to its own
// PostgreSQL pool never links SQLite. New follows an error of open with the
// forms it accepts; the error should start with the destination (password
// hidden) or its kind, as "sqlite:bc.db: …".
func Register(kind string, open func(target string) (Store, error)) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[kind] = open
}

// New returns the store for an --out value: sqlite:PATH, a PostgreSQL URL
// (postgres://… or postgresql://…, any pgx DSN) or jsonl:DIR, from the
// dialect package registered for it (import it, e.g. with
// `import _ "github.com/bcsdk/bc/bcsync/store/sqlite"`). It does no I/O;
// Open checks the destination.
func New(dest string) (Store, error) {
	kind, rest, _ := strings.Cut(dest, ":")
	switch {
	case kind == KindSQLite:
		if rest == "" {
			return nil, fmt.Errorf("sqlite: needs a file path: %s", outForms)
		}
		return open(kind, rest)
	case kind == KindJSONL:
		if rest == "" {
			return nil, fmt.Errorf("jsonl: needs a directory: %s", outForms)
		}
		return open(kind, rest)
	case strings.HasPrefix(dest, "postgres://") || strings.HasPrefix(dest, "postgresql://"):
		return open(KindPostgres, dest)
	case kind == "postgres" || kind == "postgresql":
		return nil, fmt.Errorf("%s:…: a PostgreSQL destination is a URL; %s", kind, outForms)
	case dest == "":
		return nil, fmt.Errorf("no destination: %s", outForms)
	case !strings.Contains(dest, ":"):
		return nil, fmt.Errorf("%q has no kind: %s (for a SQLite file, sqlite:%s)", dest, outForms, dest)
	}
	// Echo only the kind: the rest may hold a password.
	return nil, fmt.Errorf("%s:…: unknown kind %q: %s", kind, kind, outForms)
}

// open hands target to the dialect registered for kind.
func open(kind, target string) (Store, error) {
	registryMu.RLock()
	fn := registry[kind]
	registryMu.RUnlock()
	if fn == nil {
		return nil, fmt.Errorf("%s:…: this program has no %s store: import github.com/bcsdk/bc/bcsync/store/%s", kind, kind, kind)
	}
	s, err := fn(target)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, outForms)
	}
	return s, nil
}
