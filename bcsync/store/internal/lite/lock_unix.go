//go:build unix

package lite

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockGrace is how long LockFile keeps trying a lock another holds. A flock
// belongs to the open file, which a process forked by this one (any
// exec.Command, on any goroutine) shares from its fork to its exec: for that
// moment a lock just released by Close is still held. A sync holding the
// store holds it for minutes, so a second's grace tells the two apart and
// still refuses a second sync at once, not after SQLite's busy timeout.
var lockGrace = time.Second

// LockFile takes an exclusive advisory lock on f, failing if another holds
// it for longer than lockGrace.
func LockFile(f *os.File) error {
	deadline := time.Now().Add(lockGrace)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
