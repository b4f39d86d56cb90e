// Package gen generates typed Go models from a BC $metadata document: one
// struct per entity and complex type, one string type per enum, and a
// registry (Schema, SetNames, NewModel) holding the whole model. It produces
// the entities package (go generate ./entities) and, through cmd/bcgen, typed
// packages for custom APIs.
package gen

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bcsdk/bc/schema"
)

// Config says what to generate.
type Config struct {
	// Package is the Go package name of the output, e.g. "entities".
	Package string
	// Source describes the metadata, e.g. "BC online API v2.0 $metadata,
	// server build 26.0.30643". It is recorded in every file's header and in
	// Schema.Source.
	Source string
	// DateImport is the import path of the package defining Date, the Go type
	// of Edm.Date: EntitiesImport for a custom API's package, "" when
	// generating the entities package itself.
	DateImport string
	// ReadOnly lists read-only properties per entity type on top of the keys
	// and system fields, which are always read-only: StandardReadOnly for API
	// v2.0 and for custom APIs over the same pages, nil for none.
	ReadOnly map[string][]string
	// Accessors selects the second output, typed accessors on the SDK's
	// company handle; see AccessorMode.
	Accessors AccessorMode
}

// AccessorMode selects the typed accessors generated with (or instead of) the
// models: a set type per entity set with its navigation, media and bound
// actions, and the methods that hand them out.
type AccessorMode int

// The accessor modes.
const (
	// NoAccessors: models, enums and registry only (the entities package).
	NoAccessors AccessorMode = iota
	// StandardAccessors: only the accessors, for the standard API's package
	// sets, over the entities models: sets.For(co).Customers() and
	// sets.ForRoute(route).EntityDefinitions(). The companies and
	// subscriptions sets are package bc's own (HandWrittenSets).
	StandardAccessors
	// WrapperAccessors: models, enums, registry and accessors in one package
	// for a custom API: mypkg.For(company).JobTasks().
	WrapperAccessors
)

// The files Generate writes. Every file that bcgen owns in the output
// directory matches GeneratedPrefix.
const (
	GeneratedPrefix = "zz_generated_"
	ModelsFile      = GeneratedPrefix + "models.go"
	EnumsFile       = GeneratedPrefix + "enums.go"
	RegistryFile    = GeneratedPrefix + "registry.go"
)

// Generate renders the models package for svc: gofmt-formatted files keyed
// by file name. The output depends only on svc and cfg, never on map order.
// svc is not modified; read-only overrides are applied to a copy, so that the
// registry and the models' tags agree.
func Generate(svc *schema.Service, cfg Config) (map[string][]byte, error) {
	if svc == nil {
		return nil, errors.New("gen: no service")
	}
	if !validPackageName(cfg.Package) {
		return nil, fmt.Errorf("gen: invalid package name %q", cfg.Package)
	}
	if cfg.Accessors == StandardAccessors && cfg.Package != StandardSetsPackage {
		return nil, fmt.Errorf("gen: the standard accessors belong to package %s, not %q", StandardSetsPackage, cfg.Package)
	}
	// The source goes into a // comment and must stay on one line.
	cfg.Source = strings.Join(strings.Fields(cfg.Source), " ")
	if cfg.Source == "" {
		cfg.Source = "a $metadata document"
	}
	prepared := svc.Clone()
	prepared.Source = cfg.Source
	ApplyReadOnly(prepared, cfg.ReadOnly)

	p, err := newDecisions(prepared, cfg)
	if err != nil {
		return nil, err
	}
	type output struct {
		name   string
		render func(*decisions) ([]byte, error)
	}
	outputs := []output{{ModelsFile, renderModels}, {EnumsFile, renderEnums}, {RegistryFile, renderRegistry}}
	switch cfg.Accessors {
	case StandardAccessors:
		outputs = []output{{AccessorsFile, renderAccessors}}
	case WrapperAccessors:
		outputs = append(outputs, output{AccessorsFile, renderAccessors})
	}
	files := map[string][]byte{}
	for _, out := range outputs {
		src, err := out.render(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", out.name, err)
		}
		files[out.name] = src
	}
	return files, nil
}
