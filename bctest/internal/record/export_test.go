package record

import (
	"net/http"
	"net/url"
)

// Test helpers lent to record_fake_test.go, the external test that records
// the fake BC (package bctest imports this package, so only an external
// test can import bctest).
var (
	RunSession    = runSession
	RequireAbsent = requireAbsent
	FakeCompanyID = fakeCompanyID
)

// ZeroCorrelationID is the correlation id replayed errors carry.
const ZeroCorrelationID = zeroCorrelationID

// Redirect sends every request to srv through base, keeping the Host header.
func Redirect(srv *url.URL, base http.RoundTripper) http.RoundTripper {
	return redirect{srv: srv, base: base}
}

// ForgetReads clears what differs between a live and a replayed session.
func ForgetReads(s *sessionResult) { s.forgetReads() }
