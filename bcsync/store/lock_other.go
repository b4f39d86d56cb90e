//go:build !unix

package store

import "os"

// lockFile is a no-op where flock is unavailable: keep to one sync per
// directory there.
func lockFile(f *os.File) error { return nil }
