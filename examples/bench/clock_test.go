package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAheadClockSkips: the clock is real time until skipped, then that far
// ahead of it, skips adding up.
func TestAheadClockSkips(t *testing.T) {
	t.Parallel()
	var c aheadClock
	within := func(ahead time.Duration) {
		t.Helper()
		before := time.Now()
		got := c.Now()
		after := time.Now()
		require.False(t, got.Before(before.Add(ahead)), "%v is less than %v ahead", got, ahead)
		require.False(t, got.After(after.Add(ahead)), "%v is more than %v ahead", got, ahead)
	}
	within(0)
	c.skip(1100 * time.Millisecond)
	within(1100 * time.Millisecond)
	c.skip(time.Hour)
	within(time.Hour + 1100*time.Millisecond)
}
