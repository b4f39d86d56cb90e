// Command bcgen generates a typed Go package (models, enums and a registry)
// from a Business Central $metadata document. The entities package of this
// module is generated with it (go generate ./entities); users point it at a
// custom API to get their own package:
//
//	go run github.com/bcsdk/bc/cmd/bcgen -package contoso -out ./contoso \
//	    -metadata-url 'https://api.businesscentral.dynamics.com/v2.0/{tenant}/{env}/api/{publisher}/{group}/{version}/$metadata'
//
// With -metadata-url the bearer token is read from BC_ACCESS_TOKEN.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/bcsdk/bc/internal/gen"
	"github.com/bcsdk/bc/schema"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stderr, os.Getenv))
}

// options are the parsed command line.
type options struct {
	metadata, metadataURL string
	pkg, out, source      string
	readOnly              string
	accessors             string
}

// usageError is a wrong command line: reported on one line, exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil {
		err = generate(ctx, opts, getenv)
	}
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "bcgen: %v (run bcgen -h for usage)\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "bcgen: %v\n", err)
	return 1
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bcgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.metadata, "metadata", "", "read the $metadata document from this file")
	fs.StringVar(&o.metadataURL, "metadata-url", "", "fetch the $metadata document from this URL with the bearer token in BC_ACCESS_TOKEN")
	fs.StringVar(&o.pkg, "package", "", "Go package name of the generated code (required)")
	fs.StringVar(&o.out, "out", ".", "directory to write the zz_generated_*.go files to")
	fs.StringVar(&o.source, "source", "", "text naming the metadata's version, recorded in the files (default: the file name or URL)")
	fs.StringVar(&o.readOnly, "readonly", "standard", "read-only overrides on top of keys and system fields: standard (API v2.0 pages) or none")
	fs.StringVar(&o.accessors, "accessors", "sets", "typed set accessors: sets (models plus mypkg.For(company).JobTasks()), none (models only), standard (the standard API's accessors only, for package sets)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintf(stderr, "usage: bcgen (-metadata FILE | -metadata-url URL) -package NAME [-out DIR] [-source TEXT] [-readonly standard|none] [-accessors sets|none|standard]\n\n")
			fs.PrintDefaults()
			return o, err
		}
		return o, usageError{err.Error()}
	}
	switch {
	case fs.NArg() > 0:
		return o, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case (o.metadata == "") == (o.metadataURL == ""):
		return o, usageError{"give exactly one of -metadata FILE and -metadata-url URL"}
	case o.pkg == "":
		return o, usageError{"-package is required"}
	case !token.IsIdentifier(o.pkg) || token.IsKeyword(o.pkg) || o.pkg == "_":
		return o, usageError{fmt.Sprintf("-package %q is not a valid Go package name", o.pkg)}
	case o.out == "":
		return o, usageError{"-out must name a directory"}
	case o.readOnly != "standard" && o.readOnly != "none":
		return o, usageError{fmt.Sprintf("-readonly must be standard or none, not %q", o.readOnly)}
	case o.accessors != "sets" && o.accessors != "none" && o.accessors != "standard":
		return o, usageError{fmt.Sprintf("-accessors must be sets, none or standard, not %q", o.accessors)}
	case o.accessors == "standard" && o.pkg != gen.StandardSetsPackage:
		return o, usageError{"-accessors standard generates the standard API's package sets; use -package sets"}
	}
	if o.source == "" {
		o.source = o.metadataURL
		if o.metadata != "" {
			o.source = filepath.Base(o.metadata)
		}
	}
	return o, nil
}

var accessorModes = map[string]gen.AccessorMode{"none": gen.NoAccessors, "standard": gen.StandardAccessors, "sets": gen.WrapperAccessors}

func generate(ctx context.Context, o options, getenv func(string) string) error {
	var doc []byte
	var err error
	if o.metadataURL != "" {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		doc, err = fetchMetadata(ctx, o.metadataURL, getenv("BC_ACCESS_TOKEN"))
	} else {
		doc, err = os.ReadFile(o.metadata)
	}
	if err != nil {
		return err
	}
	svc, err := schema.Parse(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	dateImport, err := dateImportFor(o.out)
	if err != nil {
		return err
	}
	cfg := gen.Config{Package: o.pkg, Source: o.source, DateImport: dateImport, Accessors: accessorModes[o.accessors]}
	if o.readOnly == "standard" {
		cfg.ReadOnly = gen.StandardReadOnly
	}
	files, err := gen.Generate(svc, cfg)
	if err != nil {
		return err
	}
	return writeFiles(o.out, files)
}

// writeFiles writes the generated files into dir, leaving unchanged files
// untouched, and removes generated files of earlier runs that are no longer
// produced.
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, gen.GeneratedPrefix+"*.go"))
	if err != nil {
		return err
	}
	for _, path := range old {
		if _, keep := files[filepath.Base(path)]; !keep {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, files[name]) {
			continue
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
