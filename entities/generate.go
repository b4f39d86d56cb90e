package entities

// The metadata is the real v26 document committed in internal/realbc; the
// generated files are committed, and a test fails when they are stale.
// (${DOLLAR} is how go generate spells a literal $.)
//go:generate go run ../cmd/bcgen -accessors none -metadata ../internal/realbc/testdata/bc-v26-metadata.xml -package entities -out . -source "BC online API v2.0 ${DOLLAR}metadata, server build 26.0.30643"
