package store

import "errors"

// ErrMisconfigured marks a store error that waiting will not fix: the
// destination is wrong (a directory that cannot be written, a file that is
// not a database, credentials the server refuses, a database or schema that
// does not exist, a user without the privilege to create the tables). A
// scheduler stops retrying and asks an operator; other errors of Open (a
// server not answering, a store locked by another sync) may pass.
var ErrMisconfigured = errors.New("the store is misconfigured")

// Misconfigured marks err with ErrMisconfigured; its message is err's.
func Misconfigured(err error) error {
	if err == nil {
		return nil
	}
	return misconfigured{err}
}

type misconfigured struct{ err error }

func (e misconfigured) Error() string   { return e.err.Error() }
func (e misconfigured) Unwrap() []error { return []error{e.err, ErrMisconfigured} }
