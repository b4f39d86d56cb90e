// Package shareddata locates the real BC documents (the v26 $metadata and
// recorded responses) that tests read from ../shared/data instead of copying
// them into the repository.
package shareddata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Metadata is the real $metadata document of BC online API v2.0, server
// build 26.0.30643.
const Metadata = "bc-v26-metadata.xml"

// Dir walks up from the working directory (a package directory under go test)
// to the first directory containing shared/data and returns that path.
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(dir, "shared", "data")
		if info, err := os.Stat(candidate); err == nil && info.IsDir() {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("shareddata: no shared/data directory above the working directory; the tests read the real BC metadata and responses from there (e.g. /work/shared/data next to the repository)")
		}
		dir = parent
	}
}

// Path returns the path of the named file in shared/data and fails t with a
// message saying what is missing when it cannot be found.
func Path(t testing.TB, name string) string {
	t.Helper()
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("shareddata: %v", err)
	}
	return path
}

// Read returns the content of the named file in shared/data.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(Path(t, name))
	if err != nil {
		t.Fatalf("shareddata: %v", err)
	}
	return b
}
