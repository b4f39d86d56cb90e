//go:build !unix

package lite

import "os"

// lockFile is a no-op where flock is unavailable: keep to one sync per
// directory there.
func LockFile(f *os.File) error { return nil }
