// Package clitest checks a command's flags: against its document's flag table, so the two
// cannot drift apart, and that bad input gets one line and exit 2.
package clitest

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/bcsdk/bc/examples/internal/cli"
	"github.com/stretchr/testify/require"
)

// Row is one flag as a document's table lists it: `--name` | type | default.
type Row struct{ Name, Type, Default string }

// RequireDocumented fails unless the flag table under heading in the
// document at path lists exactly fs's flags, in order, with their types and
// defaults.
func RequireDocumented(t *testing.T, path, heading string, fs *cli.Set) {
	t.Helper()
	var want []Row
	for _, f := range fs.Flags() {
		want = append(want, Row{"--" + f.Name, f.Type, f.Default})
	}
	require.Equal(t, want, Table(t, path, heading), "the table under %q in %s", heading, path)
}

// Table reads the rows of the first flag table after heading (a line such
// as "## Flags", or the document's title) in the Markdown file at path.
func Table(t *testing.T, path, heading string) []Row {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, section, found := strings.Cut("\n"+string(data), "\n"+heading+"\n")
	require.True(t, found, "no %q in %s", heading, path)
	var rows []Row
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		if !strings.HasPrefix(line, "| `--") {
			if len(rows) > 0 {
				break
			}
			continue
		}
		cells := strings.Split(line, "|")
		require.GreaterOrEqual(t, len(cells), 5, "a row of four cells: %s", line)
		unquote := func(s string) string { return strings.Trim(strings.TrimSpace(s), "`") }
		rows = append(rows, Row{unquote(cells[1]), unquote(cells[2]), unquote(cells[3])})
	}
	require.NotEmpty(t, rows, "a flag table under %q", heading)
	return rows
}

// RequireRefused runs a command (its run without the process) with args
// and requires what bad input must give: exactly one line "cmd: want" on
// stderr, nothing on stdout, and exit 2.
func RequireRefused(t *testing.T, cmd string, run func(args []string, stdout, stderr io.Writer) int, args []string, want string) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := run(args, &stdout, &stderr)
	require.Equal(t, cmd+": "+want+"\n", stderr.String(), "%q", args)
	require.Equal(t, 2, code, "%q", args)
	require.Empty(t, stdout.String(), "%q", args)
}
