package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunSaysWhereTheTablesAre: the last line of a run's output names the
// store (an absolute path, or the server, database and schema without the
// password) and every table written, companies first; the logs carry the
// same as a record.
func TestRunSaysWhereTheTablesAre(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const tables = "companies, customers, employees, projects, timeRegistrationEntries"
	for _, dest := range destinations(t, h, "where") {
		kind, _, _ := strings.Cut(dest, ":")
		t.Run(kind, func(t *testing.T) {
			var where string
			switch kind {
			case "sqlite":
				where = filepath.Join(h.dir, "where.db") + " (SQLite)"
			case "jsonl":
				where = filepath.Join(h.dir, "where") + " (JSON Lines, a <table>.jsonl each)"
			default:
				u, err := url.Parse(dest)
				require.NoError(t, err)
				where = "postgres://" + u.Host + u.Path + ", schema " + u.Query().Get("search_path") + " (PostgreSQL)"
			}
			r := h.run("--out", dest)
			require.Equal(t, 0, r.code, r.stderr)
			require.Equal(t, "Stored in "+where+": "+tables, lastLine(r.stdout))
			if u, err := url.Parse(dest); err == nil && u.User != nil {
				pw, _ := u.User.Password()
				require.NotContains(t, r.stdout+r.stderr, pw)
			}

			var record struct {
				Msg    string   `json:"msg"`
				In     string   `json:"in"`
				Tables []string `json:"tables"`
			}
			for _, l := range lines(r.stderr) {
				if strings.Contains(l, `"msg":"stored"`) {
					require.NoError(t, json.Unmarshal([]byte(l), &record))
				}
			}
			require.Equal(t, where, record.In)
			require.Equal(t, tables, strings.Join(record.Tables, ", "))
		})
	}
}

// TestSetupFailureCreatesNothing: a run whose credentials BC refuses exits 2
// before the destination is created.
func TestSetupFailureCreatesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["BC_CLIENT_SECRET"] = "not-the-secret"
	for _, kind := range []string{"sqlite", "jsonl"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(h.dir, "never-"+kind)
			r := h.run("--out", kind+":"+path)
			require.Equal(t, 2, r.code, r.stderr)
			require.Contains(t, r.stderr, "AADSTS7000215")
			_, err := os.Stat(path)
			require.ErrorIs(t, err, os.ErrNotExist, "nothing at --out")
		})
	}
}
