package main

import (
	"sync/atomic"
	"time"
)

// aheadClock is the fake's time for the service-bound runs: real time, moved
// ahead when the bench says. Between the full run and the incremental one
// the changed rows must be a whole second older than the fake's clock (the
// watermark has whole seconds); moving the clock does that at once, where
// sleeping would add a second to the bench. The service-time model runs on
// real time whatever the clock says.
type aheadClock struct{ ahead atomic.Int64 } // nanoseconds

func (c *aheadClock) Now() time.Time { return time.Now().Add(time.Duration(c.ahead.Load())) }

func (c *aheadClock) AfterFunc(d time.Duration, f func()) (stop func() bool) {
	return time.AfterFunc(d, f).Stop
}

// skip moves the clock d ahead of real time, on top of earlier skips.
func (c *aheadClock) skip(d time.Duration) { c.ahead.Add(int64(d)) }
