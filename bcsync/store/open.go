package store

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// outForms is the help shown for a malformed --out value.
const outForms = "write sqlite:PATH (e.g. sqlite:bc.db), postgres://USER:PASSWORD@HOST:PORT/DATABASE, or jsonl:DIR"

// New returns the store for an --out value: sqlite:PATH, a PostgreSQL URL
// (postgres://… or postgresql://…, any pgx DSN) or jsonl:DIR. It does no
// I/O; Open checks the destination.
func New(dest string) (Store, error) {
	kind, rest, _ := strings.Cut(dest, ":")
	switch {
	case kind == "sqlite":
		if rest == "" {
			return nil, fmt.Errorf("--out sqlite: needs a file path: %s", outForms)
		}
		return newSQLite(rest), nil
	case kind == "jsonl":
		if rest == "" {
			return nil, fmt.Errorf("--out jsonl: needs a directory: %s", outForms)
		}
		return newJSONL(rest), nil
	case strings.HasPrefix(dest, "postgres://") || strings.HasPrefix(dest, "postgresql://"):
		return newPostgres(dest)
	case kind == "postgres" || kind == "postgresql":
		return nil, fmt.Errorf("--out %s:…: a PostgreSQL destination is a URL; %s", kind, outForms)
	case dest == "":
		return nil, fmt.Errorf("--out is empty: %s", outForms)
	case !strings.Contains(dest, ":"):
		return nil, fmt.Errorf("--out %q has no kind: %s (for a SQLite file, sqlite:%s)", dest, outForms, dest)
	}
	// Echo only the kind: the rest may hold a password.
	return nil, fmt.Errorf("--out %s:…: unknown kind %q: %s", kind, kind, outForms)
}

// errBusy is the error of a destination another sync holds: the store
// refuses at once rather than wait for it and fail on a timeout.
func errBusy(where string) error {
	return fmt.Errorf("%s: another sync is writing to it; wait for that one to finish, or choose another destination", where)
}

var kvPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('[^']*'|\S*)`)

// redactDSN hides the password of a PostgreSQL DSN, in URL or key=value form.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		q := u.Query()
		for k := range q {
			if strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword") {
				q.Set(k, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
		if u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
		}
		return u.String()
	}
	if i := strings.Index(dsn, "://"); i >= 0 {
		// An unparsable URL: hide everything between the scheme and the host.
		if at := strings.LastIndex(dsn, "@"); at > i {
			return dsn[:i+3] + "xxxxx" + dsn[at:]
		}
	}
	return kvPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

// scrub removes secret from msg.
func scrub(msg, secret string) string {
	if secret == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, secret, "xxxxx")
	if esc := url.QueryEscape(secret); esc != secret {
		msg = strings.ReplaceAll(msg, esc, "xxxxx")
	}
	if esc := url.PathEscape(secret); esc != secret {
		msg = strings.ReplaceAll(msg, esc, "xxxxx")
	}
	return msg
}
