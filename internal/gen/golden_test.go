package gen_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/internal/gen"
	"github.com/bcsdk/bc/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// smallConfig generates testdata/small.xml the way a user would for a custom
// API: its own package, Date from the entities package, one override.
var smallConfig = gen.Config{
	Package:    "jobs",
	Source:     "testdata/small.xml",
	DateImport: gen.EntitiesImport,
	ReadOnly:   map[string][]string{"jobTask": {"totalCost"}},
	Accessors:  gen.WrapperAccessors,
}

func parseFile(t *testing.T, path string) *schema.Service {
	t.Helper()
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	svc, err := schema.Parse(bytes.NewReader(doc))
	require.NoError(t, err)
	return svc
}

func TestGolden(t *testing.T) {
	t.Parallel()
	files, err := gen.Generate(parseFile(t, filepath.Join("testdata", "small.xml")), smallConfig)
	require.NoError(t, err)
	require.Len(t, files, 4)
	for name, got := range files {
		golden := filepath.Join("testdata", "golden", name+".golden")
		if *update {
			require.NoError(t, os.WriteFile(golden, got, 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "run go test ./internal/gen -run TestGolden -update to create it")
		require.Equal(t, string(want), string(got), "%s differs from %s; rerun with -update if the change is intended", name, golden)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	svc := parseFile(t, filepath.Join("testdata", "small.xml"))
	before := svc.Clone()
	first, err := gen.Generate(svc, smallConfig)
	require.NoError(t, err)
	for range 5 {
		again, err := gen.Generate(svc, smallConfig)
		require.NoError(t, err)
		require.Equal(t, first, again)
	}
	require.Equal(t, before, svc, "Generate must not modify its input")
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	svc := parseFile(t, filepath.Join("testdata", "small.xml"))
	tests := []struct {
		name string
		svc  *schema.Service
		cfg  gen.Config
		want string
	}{
		{"nil service", nil, gen.Config{Package: "x"}, "gen: no service"},
		{"empty package", svc, gen.Config{}, `gen: invalid package name ""`},
		{"keyword package", svc, gen.Config{Package: "type"}, `gen: invalid package name "type"`},
		{"bad package", svc, gen.Config{Package: "my-api"}, `gen: invalid package name "my-api"`},
		{"accessors", svc, gen.Config{Package: "x", Accessors: gen.StandardAccessors}, `gen: the standard accessors belong to package sets, not "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := gen.Generate(tt.svc, tt.cfg)
			require.EqualError(t, err, tt.want)
		})
	}
}
