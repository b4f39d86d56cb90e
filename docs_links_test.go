package bc_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// markdownLink is a link [text](target) whose target is in the repository:
// not a URL, not inside a code span.
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocsLinksResolve: every relative link of README.md and docs/*.md names
// a file that exists and, with #anchor, a heading of that file. The README
// was split into documents; a link left pointing at the old place fails
// here.
func TestDocsLinksResolve(t *testing.T) {
	anchors := map[string]map[string]bool{}
	headingsOf := func(path string) map[string]bool {
		if a, ok := anchors[path]; ok {
			return a
		}
		text, err := os.ReadFile(path)
		require.NoError(t, err)
		anchors[path] = markdownAnchors(string(text))
		return anchors[path]
	}
	for _, doc := range documents(t) {
		text, err := os.ReadFile(doc)
		require.NoError(t, err)
		for n, line := range proseLines(string(text)) {
			for _, m := range markdownLink.FindAllStringSubmatch(codeSpan.ReplaceAllString(line, ""), -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || !strings.ContainsAny(target, "#./") {
					continue // a URL, or Go code such as a.Company() that looks like a link
				}
				file, anchor, _ := strings.Cut(target, "#")
				path := doc
				if file != "" {
					path = filepath.Join(filepath.Dir(doc), file)
				}
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s:%d: link to %s: no such file", doc, n, target)
					continue
				}
				if anchor != "" && strings.HasSuffix(path, ".md") && !headingsOf(path)[anchor] {
					t.Errorf("%s:%d: link to %s: %s has no heading #%s", doc, n, target, path, anchor)
				}
			}
		}
	}
}

// proseLines are the document's lines outside code blocks, by number.
func proseLines(text string) map[int]string {
	out := map[int]string{}
	fence := false
	for i, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
			continue
		}
		if !fence {
			out[i+1] = line
		}
	}
	return out
}

var codeSpan = regexp.MustCompile("`[^`]*`")

// markdownAnchors are the anchors GitHub gives a document's headings:
// lower case, punctuation dropped, spaces as hyphens.
func markdownAnchors(text string) map[string]bool {
	out := map[string]bool{}
	for _, line := range proseLines(text) {
		if h, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " "); ok && strings.HasPrefix(line, "#") {
			out[headingAnchor(h)] = true
		}
	}
	return out
}

var notInAnchor = regexp.MustCompile(`[^\p{L}\p{N}\- _]`)

// TestHeadingAnchor: the anchors GitHub makes, for the headings the
// documents have.
func TestHeadingAnchor(t *testing.T) {
	for h, want := range map[string]string{
		"Output layout (a contract)":            "output-layout-a-contract",
		"1. Register an app in Microsoft Entra": "1-register-an-app-in-microsoft-entra",
		"The fake as a server (fakebc)":         "the-fake-as-a-server-fakebc",
		"`--watch` and webhooks":                "--watch-and-webhooks",
	} {
		require.Equal(t, want, headingAnchor(h), h)
	}
}

func headingAnchor(h string) string {
	return strings.ReplaceAll(notInAnchor.ReplaceAllString(strings.ToLower(strings.TrimSpace(h)), ""), " ", "-")
}
