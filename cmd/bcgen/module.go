package main

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/bcsdk/bc/internal/gen"
)

// thisModule is the SDK's module path; its entities package defines Date.
const thisModule = "github.com/bcsdk/bc"

// dateImportFor returns the import path generated code in dir uses for Date:
// none when dir is this module's entities package itself, which defines Date,
// and the entities package otherwise (a custom API's package).
func dateImportFor(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for root := abs; ; {
		module, err := modulePath(filepath.Join(root, "go.mod"))
		if err == nil {
			rel, err := filepath.Rel(root, abs)
			if err == nil && module == thisModule && filepath.ToSlash(rel) == "entities" {
				return "", nil
			}
			return gen.EntitiesImport, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(root)
		if parent == root {
			return gen.EntitiesImport, nil
		}
		root = parent
	}
}

// modulePath reads the module line of a go.mod file.
func modulePath(goMod string) (string, error) {
	f, err := os.Open(goMod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", sc.Err()
}
