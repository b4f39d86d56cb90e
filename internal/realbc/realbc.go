// Package realbc holds real Business Central documents — the $metadata of BC
// online API v2.0 (server build 26.0.30643) and responses recorded from a real
// environment — committed so that the tests and go generate of a fresh clone
// need nothing beside the repository.
//
// The files live in testdata/ next to this file; go generate reads the
// metadata from there by path (see ../../generate.go), tests read them
// through this package from any module of the repository.
package realbc

import (
	"embed"
	"testing"
)

// Metadata is the real $metadata document of BC online API v2.0, server
// build 26.0.30643.
const Metadata = "bc-v26-metadata.xml"

//go:embed testdata/*.json testdata/*.xml
var files embed.FS

// Read returns the named document ("bc-v26-salesOrders.json") and fails t
// when the repository does not hold it.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := files.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("realbc: %v (the real BC documents are in internal/realbc/testdata)", err)
	}
	return b
}
