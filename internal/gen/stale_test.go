package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/automation"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/internal/gen"
	"github.com/bcsdk/bc/internal/realbc"
	"github.com/bcsdk/bc/schema"
)

// TestEntitiesUpToDate fails when the committed entities package is not
// exactly what the generator makes of the v26 metadata, so that a change to
// the generator, the overrides or the metadata cannot go unregenerated.
func TestEntitiesUpToDate(t *testing.T) {
	t.Parallel()
	requireUpToDate(t, realbc.Read(t, realbc.Metadata), filepath.Join("..", "..", "entities"), gen.Config{
		Package:  "entities",
		Source:   entities.Schema.Source, // the -source of entities/generate.go
		ReadOnly: gen.StandardReadOnly,
	})
}

// TestAutomationUpToDate does the same for package automation, generated
// from its hand-written description of the Automation API.
func TestAutomationUpToDate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "automation")
	doc, err := os.ReadFile(filepath.Join(dir, "testdata", "automation-v2.0-metadata.xml"))
	require.NoError(t, err)
	requireUpToDate(t, doc, dir, gen.Config{
		Package:    "automation",
		Source:     automation.Schema.Source, // the -source of automation/generate.go
		DateImport: gen.EntitiesImport,
	})
}

// requireUpToDate generates the models package of doc with cfg and requires
// dir to hold exactly those generated files.
func requireUpToDate(t *testing.T, doc []byte, dir string, cfg gen.Config) {
	t.Helper()
	svc, err := schema.Parse(bytes.NewReader(doc))
	require.NoError(t, err)
	files, err := gen.Generate(svc, cfg)
	require.NoError(t, err)
	committed, err := filepath.Glob(filepath.Join(dir, gen.GeneratedPrefix+"*.go"))
	require.NoError(t, err)
	var names []string
	for _, path := range committed {
		names = append(names, filepath.Base(path))
	}
	require.ElementsMatch(t, []string{gen.ModelsFile, gen.EnumsFile, gen.RegistryFile}, names)
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.True(t, bytes.Equal(want, got), "%s/%s is stale: run go generate ./%s/", filepath.Base(dir), name, filepath.Base(dir))
	}
}

// TestAccessorsUpToDate does the same for the typed accessors of package sets.
func TestAccessorsUpToDate(t *testing.T) {
	t.Parallel()
	svc, err := schema.Parse(bytes.NewReader(realbc.Read(t, realbc.Metadata)))
	require.NoError(t, err)
	files, err := gen.Generate(svc, gen.Config{
		Package:   gen.StandardSetsPackage,
		Source:    entities.Schema.Source,
		ReadOnly:  gen.StandardReadOnly,
		Accessors: gen.StandardAccessors,
	})
	require.NoError(t, err)
	require.Len(t, files, 1)
	got, err := os.ReadFile(filepath.Join("..", "..", "sets", gen.AccessorsFile))
	require.NoError(t, err)
	require.True(t, bytes.Equal(files[gen.AccessorsFile], got), "sets/%s is stale: run go generate ./...", gen.AccessorsFile)
}

// TestStandardReadOnlyNamesExist keeps the transcribed table honest: every
// type and property it names exists in the v26 metadata.
func TestStandardReadOnlyNamesExist(t *testing.T) {
	t.Parallel()
	svc, err := schema.Parse(bytes.NewReader(realbc.Read(t, realbc.Metadata)))
	require.NoError(t, err)
	for typeName, props := range gen.StandardReadOnly {
		typ, ok := svc.EntityType(typeName)
		require.True(t, ok, "entity type %s", typeName)
		for _, p := range props {
			_, ok := typ.Property(p)
			require.True(t, ok, "%s.%s", typeName, p)
		}
	}
}

func TestApplyReadOnly(t *testing.T) {
	t.Parallel()
	svc, err := schema.Parse(bytes.NewReader(realbc.Read(t, realbc.Metadata)))
	require.NoError(t, err)
	gen.ApplyReadOnly(svc, gen.StandardReadOnly)
	tests := []struct {
		typ, prop string
		readOnly  bool
	}{
		{"generalLedgerEntry", "id", true},
		{"generalLedgerEntry", "entryNumber", true},
		{"generalLedgerEntry", "postingDate", false},
		{"generalLedgerEntry", "lastModifiedDateTime", true},
		{"salesInvoice", "totalAmountIncludingTax", true},
		{"salesInvoice", "status", true},
		{"salesInvoice", "dueDate", false},
		{"customer", "balanceDue", true},
		{"customer", "displayName", false},
		{"company", "systemCreatedAt", true},
		{"company", "timestamp", true},
		{"company", "name", false},
		{"subscriptions", "subscriptionId", true},
		{"subscriptions", "notificationUrl", false},
		{"customerSale", "name", false}, // part of a string composite key: not BC-assigned
		{"dimensionSetLine", "parentType", true},
		{"dimensionSetLine", "valueCode", false},
		{"dimensionSetLine", "id", false}, // POST takes the dimension's id
	}
	for _, tt := range tests {
		typ, ok := svc.EntityType(tt.typ)
		require.True(t, ok, tt.typ)
		p, ok := typ.Property(tt.prop)
		require.True(t, ok, tt.prop)
		require.Equal(t, tt.readOnly, p.ReadOnly, "%s.%s", tt.typ, tt.prop)
	}
}
