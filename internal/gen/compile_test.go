package gen_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGoldenCompiles type-checks the golden files as the package a user of
// bcgen would get, importing bc, entities for Date, decimal and schema.
func TestGoldenCompiles(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("type-checks the imports from source")
	}
	fset := token.NewFileSet()
	paths, err := filepath.Glob(filepath.Join("testdata", "golden", "*.golden"))
	require.NoError(t, err)
	require.Len(t, paths, 4)
	var files []*ast.File
	for _, path := range paths {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	_, err = conf.Check("example.com/jobs", fset, files, nil)
	require.NoError(t, err)
}
