package realbc

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every committed document is what it claims to be: JSON parses, the
// metadata is an EDMX document of the v2.0 namespace.
func TestDocumentsAreComplete(t *testing.T) {
	entries, err := files.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 8 {
		t.Fatalf("testdata holds %d documents, want the 8 the tests read", len(entries))
	}
	for _, e := range entries {
		b := Read(t, e.Name())
		switch {
		case strings.HasSuffix(e.Name(), ".json"):
			if !json.Valid(b) {
				t.Errorf("%s is not valid JSON", e.Name())
			}
		case e.Name() == Metadata:
			if !strings.Contains(string(b), `<edmx:Edmx`) || !strings.Contains(string(b), `Namespace="Microsoft.NAV"`) {
				t.Errorf("%s is not BC's EDMX document", e.Name())
			}
		}
	}
}
