package storetest

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
)

// keysOf lists the keys of a dump, sorted.
func keysOf(d Rows) []string {
	var k []string
	for key := range d {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

// keySeq streams keys to Reconcile.
func keySeq(keys ...[]string) func(yield func([]string) bool) {
	return func(yield func([]string) bool) {
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}
}

func ptr(s string) *string { return &s }

func r2ID(r store.Run) string { return strconv.FormatInt(r.ID, 10) }

// bookTable returns the description of a bookkeeping table.
func bookTable(name string) *store.Table {
	for _, t := range layout.BookTables {
		if t.Name == name {
			return t
		}
	}
	panic("no bookkeeping table " + name)
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}
