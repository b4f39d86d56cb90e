package bc_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDocsContentsListTheSections: every docs/*.md has a Contents list
// under its title that links its "## " sections, all of them, in order, so
// a reader can navigate it and a section added without its entry fails
// here. -update-docs rewrites the lists.
func TestDocsContentsListTheSections(t *testing.T) {
	docs, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	for _, doc := range docs {
		raw, err := os.ReadFile(doc)
		require.NoError(t, err)
		text := string(raw)
		want := contentsOf(text)
		if len(want) < 2 {
			t.Errorf("%s: %d \"## \" sections; a manual has at least two, each with its Contents entry", doc, len(want))
			continue
		}
		start, end, ok := contentsList(text)
		if !ok {
			t.Errorf("%s: no **Contents** list under the title", doc)
			continue
		}
		var got []string
		if list := strings.TrimSpace(text[start:end]); list != "" {
			got = strings.Split(list, "\n")
		}
		if strings.Join(got, "\n") == strings.Join(want, "\n") {
			continue
		}
		if *updateDocs {
			fixed := text[:start] + strings.Join(want, "\n") + "\n" + text[end:]
			require.NoError(t, os.WriteFile(doc, []byte(fixed), 0o644))
			continue
		}
		t.Errorf("%s: the Contents list is not its sections (go test -run TestDocsContentsListTheSections -update-docs .)\n got: %q\nwant: %q", doc, got, want)
	}
}

// contentsOf is the Contents list a document's "## " headings call for.
func contentsOf(text string) []string {
	var items []string
	for _, line := range strings.Split(text, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok && isProse(text, line) {
			items = append(items, "- ["+h+"](#"+headingAnchor(h)+")")
		}
	}
	return items
}

// isProse tells whether line occurs outside the document's code blocks.
func isProse(text, line string) bool {
	for _, l := range proseLines(text) {
		if l == line {
			return true
		}
	}
	return false
}

// contentsList finds the list after the "**Contents**" line: the byte range
// from its first item to the end of its last, empty if it has none.
func contentsList(text string) (start, end int, ok bool) {
	const marker = "\n**Contents**\n\n"
	i := strings.Index(text, marker)
	if i < 0 {
		return 0, 0, false
	}
	start = i + len(marker)
	end = start
	for end < len(text) && strings.HasPrefix(text[end:], "- ") {
		nl := strings.IndexByte(text[end:], '\n')
		if nl < 0 {
			return start, len(text), true
		}
		end += nl + 1
	}
	return start, end, true
}
