package bc_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// updateDocs rewrites the documents' Go blocks from their regions:
// go test -run TestDocsGoBlocksCompile -update-docs .
var updateDocs = flag.Bool("update-docs", false, "rewrite the Go blocks of README.md and docs/*.md from the regions in readme_*_test.go")

// readmeMarker precedes every Go block of the documents and names the
// region of a readme_*_test.go (or bcsync example) file the block is a copy
// of.
var readmeMarker = regexp.MustCompile(`^<!-- go: ([a-zA-Z]+) -->$`)

// documents are the project's Markdown documents: the README and docs/.
func documents(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, docs, "no docs/*.md")
	return append([]string{"README.md"}, docs...)
}

// TestDocsGoBlocksCompile keeps every Go snippet of the documents
// compiling: each one is a verbatim copy of a region of
// readme_examples_test.go (or another readme_*_test.go file), which the
// compiler checks and, where it has an Output comment, runs against the
// fake BC. Every region is shown somewhere.
func TestDocsGoBlocksCompile(t *testing.T) {
	regions := readmeRegions(t)
	used := map[string]bool{}
	for _, doc := range documents(t) {
		checkGoBlocks(t, doc, regions, used)
	}
	for name := range regions {
		if !used[name] {
			t.Errorf("region %q is not shown in any document: add a <!-- go: %s --> block or remove the region", name, name)
		}
	}
}

// checkGoBlocks compares the Go blocks of doc with their regions (or, with
// -update-docs, rewrites them), and marks the regions it shows in used.
func checkGoBlocks(t *testing.T, doc string, regions map[string]string, used map[string]bool) {
	t.Helper()
	text, err := os.ReadFile(doc)
	require.NoError(t, err)
	lines := strings.Split(string(text), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		if lines[i] != "```go" {
			continue
		}
		var name string
		if i > 0 {
			if m := readmeMarker.FindStringSubmatch(lines[i-1]); m != nil {
				name = m[1]
			}
		}
		end := i + 1
		for end < len(lines) && lines[end] != "```" {
			end++
		}
		require.Less(t, end, len(lines), "%s line %d: a ```go block that never ends", doc, i+1)
		block := strings.Join(lines[i+1:end], "\n")
		if name == "" {
			t.Errorf("%s line %d: a Go block without a <!-- go: name --> line above it naming its region in readme_examples_test.go", doc, i+1)
			continue
		}
		region, ok := regions[name]
		if !ok {
			t.Errorf("%s line %d: no region %q in readme_*_test.go (mark one with // readme:%s … // readme:end)", doc, i+1, name, name)
			continue
		}
		used[name] = true
		if *updateDocs {
			out = append(out, region)
		} else if block != region {
			t.Errorf("%s line %d: the %q block differs from its region; run go test -run %s -update-docs .\ndocument:\n%s\nregion:\n%s", doc, i+1, name, t.Name(), block, region)
			out = append(out, block)
		}
		out = append(out, "```")
		i = end
	}
	if *updateDocs {
		require.NoError(t, os.WriteFile(doc, []byte(strings.Join(out, "\n")), 0o644))
	}
}

// readmeRegions reads the // readme:NAME … // readme:end regions of the
// readme_*_test.go files and of the bcsync module's example files (its own
// module, compiled and run by its own tests), dedented by their first
// line's indentation.
func readmeRegions(t *testing.T) map[string]string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"readme_*_test.go", "bcsync/example_test.go", "bcsync/*/example_test.go", "bcsync/*/*/example_test.go"} {
		matches, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, matches...)
	}
	regions := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for name, text := range parseRegions(t, f, string(src)) {
			require.NotContains(t, regions, name, "%s: region %q is defined twice", f, name)
			regions[name] = text
		}
	}
	require.NotEmpty(t, regions, "no readme:NAME regions found")
	return regions
}

func parseRegions(t *testing.T, file, src string) map[string]string {
	t.Helper()
	regions := map[string]string{}
	var name, indent string
	var body []string
	for n, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "// readme:end":
			require.NotEmpty(t, name, "%s:%d: readme:end without a start", file, n+1)
			regions[name] = strings.Join(body, "\n")
			name, body = "", nil
		case strings.HasPrefix(trimmed, "// readme:"):
			require.Empty(t, name, "%s:%d: region %q starts inside %q", file, n+1, trimmed, name)
			name = strings.TrimPrefix(trimmed, "// readme:")
			indent = line[:len(line)-len(strings.TrimLeft(line, "\t"))]
		case name != "":
			if line != "" && !strings.HasPrefix(line, indent) {
				t.Fatalf("%s:%d: line indented less than its region's marker", file, n+1)
			}
			body = append(body, strings.TrimPrefix(line, indent))
		}
	}
	require.Empty(t, name, "%s: region %q never ends", file, name)
	return regions
}

// Regions are cut at their markers and dedented by the marker's indentation,
// keeping the indentation inside them.
func TestParseRegionsDedents(t *testing.T) {
	src := "func f() {\n\t// readme:x\n\ta := 1\n\tif a > 0 {\n\t\tfmt.Println(a)\n\t}\n\t// readme:end\n}\n"
	got := parseRegions(t, "f.go", src)
	require.Equal(t, map[string]string{"x": "a := 1\nif a > 0 {\n\tfmt.Println(a)\n}"}, got)
}
