package bctest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// partImports is the drawing of docs/testing.md ("How the fake is built")
// as a rule: which of bctest's internal parts each part may import. The
// core (serve) composes; batch and tenant sit under it; every other part
// stands on protocol, table and filter alone, and reaches the core only
// through an interface of its own.
var partImports = map[string][]string{
	"serve":      {"automation", "batch", "churn", "entra", "filter", "gate", "protocol", "query", "table", "tenant", "webhook"},
	"batch":      {"protocol", "table", "tenant"},
	"tenant":     {"filter", "protocol", "table"},
	"automation": {"filter", "protocol", "table"},
	"churn":      {"filter", "protocol", "table"},
	"demo":       {"filter", "protocol", "table"},
	"entra":      {"filter", "protocol", "table"},
	"gate":       {"filter", "protocol", "table"},
	"query":      {"filter", "protocol", "table"},
	"record":     {"filter", "protocol", "table"},
	"webhook":    {"filter", "protocol", "table"},
	"protocol":   {"table", "filter"},
	"table":      {"filter"},
	"filter":     {},
}

// TestPartsImportAsDrawn: every internal part imports only the parts the
// drawing puts beneath it, and every part is in the drawing. A part that
// starts to reach sideways into another fails here, with the import named.
func TestPartsImportAsDrawn(t *testing.T) {
	const prefix = "github.com/bcsdk/bc/bctest/internal/"
	dirs, err := os.ReadDir("internal")
	require.NoError(t, err)
	var parts []string
	for _, d := range dirs {
		if d.IsDir() {
			parts = append(parts, d.Name())
		}
	}
	drawn := make([]string, 0, len(partImports))
	for p := range partImports {
		drawn = append(drawn, p)
	}
	slices.Sort(drawn)
	require.Equal(t, drawn, parts, "the parts beneath bctest/internal and the drawing (partImports, docs/testing.md) differ")

	for _, part := range parts {
		files, err := filepath.Glob(filepath.Join("internal", part, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			require.NoError(t, err)
			for _, imp := range ast.Imports {
				path, err := strconv.Unquote(imp.Path.Value)
				require.NoError(t, err)
				other, ok := strings.CutPrefix(path, prefix)
				if !ok {
					require.NotEqual(t, "github.com/bcsdk/bc/bctest", path, "%s imports bctest itself", f)
					continue
				}
				other, _, _ = strings.Cut(other, "/")
				if !slices.Contains(partImports[part], other) {
					t.Errorf("%s imports the part %q, which the drawing does not put beneath %q", f, other, part)
				}
			}
		}
	}
}
