package bc

// The typed accessors (co.Customers(), invoices.Lines(id), invoices.Post(…))
// are generated from the same $metadata as the entities package; see
// entities/generate.go.
//go:generate go run ./cmd/bcgen -accessors company -package bc -out . -metadata internal/realbc/testdata/bc-v26-metadata.xml -source "BC online API v2.0 ${DOLLAR}metadata, server build 26.0.30643"
