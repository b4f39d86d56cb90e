//go:build unix

package lite

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// withGrace sets lockGrace for one test (the tests that change it are not
// parallel).
func withGrace(t *testing.T, d time.Duration) {
	old := lockGrace
	lockGrace = d
	t.Cleanup(func() { lockGrace = old })
}

func openLocked(t *testing.T, path string) *os.File {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, FileMode)
	require.NoError(t, err)
	require.NoError(t, LockFile(f))
	return f
}

// A process forked while the store was open shares the locked file until
// it execs (here: until it exits). The lock released by Close is taken once
// that process lets go, instead of refusing the store as another sync's.
func TestLockHeldOnlyByAForkedChildIsWaitedFor(t *testing.T) {
	withGrace(t, time.Minute) // the child's exit, not the clock, ends the wait
	path := filepath.Join(t.TempDir(), "bc.db")
	f := openLocked(t, path)
	child := exec.Command("cat")
	child.ExtraFiles = []*os.File{f} // the open file, as a fork shares it
	stdin, err := child.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	require.NoError(t, f.Close())

	g, err := os.OpenFile(path, os.O_RDWR, FileMode)
	require.NoError(t, err)
	defer g.Close()
	require.ErrorIs(t, syscall.Flock(int(g.Fd()), syscall.LOCK_EX|syscall.LOCK_NB), syscall.EWOULDBLOCK, "the child holds the lock")
	done := make(chan error)
	go func() { done <- LockFile(g) }()
	require.NoError(t, stdin.Close()) // the child exits
	require.NoError(t, <-done)
	require.NoError(t, child.Wait())
}

// A lock another open file holds for good is refused once the grace ends.
func TestLockHeldByAnotherIsRefused(t *testing.T) {
	withGrace(t, 50*time.Millisecond)
	path := filepath.Join(t.TempDir(), "bc.db")
	f := openLocked(t, path)
	defer f.Close()
	g, err := os.OpenFile(path, os.O_RDWR, FileMode)
	require.NoError(t, err)
	defer g.Close()
	require.ErrorIs(t, LockFile(g), syscall.EWOULDBLOCK)
}
