package automation

// The models, enums and Schema of this package are generated from the one
// description of the Automation API, testdata/automation-v2.0-metadata.xml;
// the fake BC server (bctest) serves the same Schema. Edit the description,
// not the generated files, and run go generate ./automation.
//go:generate go run ../cmd/bcgen -accessors none -readonly none -metadata testdata/automation-v2.0-metadata.xml -package automation -out . -source "BC Automation API v2.0, transcribed from the AL pages APIV2 - Aut. * (v29)"
