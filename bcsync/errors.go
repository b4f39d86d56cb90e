package bcsync

import (
	"errors"
	"fmt"

	"github.com/bcsdk/bc"
)

// ErrInterrupted is the error of a run whose context was cancelled: what it
// fetched is committed, and the next Run resumes it.
var ErrInterrupted = errors.New("interrupted; what was committed stays, and the next run resumes from there")

// SetupStep names the part of the setup a SetupError is about, so a caller
// can point at its own input (a flag, a field of its configuration).
type SetupStep string

// The setup steps, in the order a run takes them.
const (
	// StepCredentials: BC or Entra refused the credentials or the app.
	StepCredentials SetupStep = "credentials"
	// StepEnvironment: the environment does not exist in the tenant.
	StepEnvironment SetupStep = "environment"
	// StepCompanies: the companies could not be listed, or none were.
	StepCompanies SetupStep = "companies"
	// StepCompanySelection: Options.Companies names a company BC does not list.
	StepCompanySelection SetupStep = "company selection"
	// StepMetadata: the $metadata of a custom route could not be read.
	StepMetadata SetupStep = "metadata"
	// StepPlan: Options.Sets names a set the $metadata does not have.
	StepPlan SetupStep = "plan"
	// StepStore: the store could not be opened.
	StepStore SetupStep = "store"
	// StepResume: the interrupted run's bookkeeping cannot be resumed; it
	// is set aside and the next run starts afresh.
	StepResume SetupStep = "resume"
)

// SetupError is a failure of the setup rather than of one set: no retry and
// no other set can avoid it. Nothing is written to the store before the
// steps up to StepStore have passed.
type SetupError struct {
	Step SetupStep
	Err  error
}

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// SetError is the failure of one company × set; the other sets are synced.
type SetError struct {
	Company Company
	Set     string
	Err     error
}

func (e *SetError) Error() string {
	return fmt.Sprintf("%s of company %s: %v", e.Set, e.Company.Name, e.Err)
}
func (e *SetError) Unwrap() error { return e.Err }

// isSetupFailure reports errors that no retry or other set can avoid. A
// token BC refused as expired after the client's renewals
// (bc.ErrTokenExpired, which bc.ErrUnauthorized excludes) is not one: it
// passes, so it fails the set or the run, never the setup.
func isSetupFailure(err error) bool {
	var ae *bc.AuthError
	return errors.As(err, &ae) || errors.Is(err, bc.ErrUnauthorized)
}

// refusedError is BC's 403 for a set, with what the BC admin must do.
type refusedError struct {
	api *bc.APIError
	err error
}

func (e *refusedError) Error() string {
	return fmt.Sprintf("BC refused to read it (%s: %s) — assign a permission set covering it to the app on the \"Microsoft Entra Applications\" page in BC", e.api.Code, e.api.Message)
}
func (e *refusedError) Unwrap() error { return e.err }

// describeFailure says what went wrong with a set and what to do about it.
func describeFailure(err error) error {
	var apiErr *bc.APIError
	if errors.As(err, &apiErr) && errors.Is(err, bc.ErrForbidden) {
		return &refusedError{apiErr, err}
	}
	return err
}
