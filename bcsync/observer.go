package bcsync

// Observer receives a run's progress, for bars, logs or metrics.
//
// The engine calls it from its own goroutines: SetPlanned from the workers
// that size the sets and from Run's goroutine, PageCommitted and
// SetFinished from the single writer, after the commit. Calls can be
// concurrent with each other, so an implementation must be safe for
// concurrent use; it should return quickly, since the engine waits for it.
// No call is made after Run has returned.
type Observer interface {
	// SetPlanned announces a company × set; estimate is its number of rows,
	// -1 while unknown. It is called again once the set has been sized.
	SetPlanned(k SetKey, estimate int64)
	// PageCommitted reports rows of the set committed in one page.
	PageCommitted(k SetKey, rows int64)
	// SetFinished reports a company × table whose pages are all committed,
	// or that failed. Results a reconcile adds to come in the Summary.
	SetFinished(r SetResult)
}

// noObserver is the Observer of a run that has none.
type noObserver struct{}

func (noObserver) SetPlanned(SetKey, int64)    {}
func (noObserver) PageCommitted(SetKey, int64) {}
func (noObserver) SetFinished(SetResult)       {}
