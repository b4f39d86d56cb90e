package bctest

// Recording real BC and replaying it: the public face of
// bctest/internal/record, where the recorder, the replayer, the scrubbing
// and the Fixture modes live.

import (
	"net/http"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/record"
)

// The stable fakes that recordings use in place of real identifiers and hosts.
// A test replaying a recording can use them (or the real values: the replayer
// scrubs incoming requests the same way before matching them).
const (
	// FakeTenantID replaces the tenant (GUID or domain) wherever it appears.
	FakeTenantID = record.FakeTenantID
	// FakeClientID replaces client_id in token requests.
	FakeClientID = record.FakeClientID
	// FakeEnvironment replaces the environment name in BC URLs when the
	// recorder is given ScrubEnvironment.
	FakeEnvironment = record.FakeEnvironment
	// FakeBaseURL is the bc.WithBaseURL value for replaying: BC's host is
	// recorded as https://bc.invalid, so nextLinks stay on the client's host.
	FakeBaseURL = record.FakeBaseURL
	// FakeTokenURL is the bc.WithTokenURL value for replaying: Entra's host is
	// recorded as https://login.invalid.
	FakeTokenURL = record.FakeTokenURL
	// Redacted replaces secrets, tokens and cookies.
	Redacted = record.Redacted
)

// DefaultMaxBodySize is the largest request or response body a Recorder keeps.
const DefaultMaxBodySize = record.DefaultMaxBodySize

// Recorder is an http.RoundTripper that forwards every request to a base
// transport and records the exchanges, scrubbed, for Save to write as a
// recording that Replayer serves. Put it under the SDK's client (it then sees
// every attempt, retries and token requests included):
//
//	rec := bctest.NewRecorder("testdata/recordings/TestX.json", nil, bctest.Redact(secret))
//	hc := &http.Client{Transport: rec}
//	ts := bc.ClientCredentials(tenant, clientID, secret, bc.WithTokenHTTPClient(hc))
//	c, err := bc.NewClient(tenant, env, bc.WithHTTPClient(hc), bc.WithTokenSource(ts))
//	… // use c
//	err = rec.Save()
//
// Scrubbing happens as each exchange completes, before it is kept, and once
// more over everything when saving, so a value learned late (a company id
// first seen in the third response) is scrubbed everywhere: Authorization
// becomes "Bearer REDACTED"; Cookie and Set-Cookie, token request secrets
// (client_secret, client_assertion), token response tokens (access_token,
// refresh_token, id_token), every JWT-looking string and every value given to
// Redact become "REDACTED"; client_id in token requests becomes FakeClientID;
// the tenant (from ScrubTenant and from the URLs' tenant segment) becomes
// FakeTenantID wherever it appears; company ids (in companies(…) segments and
// the "id" of companies responses) become stable fake GUIDs, the same fake for
// the same id everywhere; BC's host becomes https://bc.invalid and Entra's
// https://login.invalid; correlation and request ids become the zero GUID.
// Save refuses to write a file in which a redacted value, the tenant, a
// company id or a JWT is still found.
//
// The client sees exactly what the base transport returned: the response body
// is streamed to it while a copy is kept.
//
// This is our own small recorder rather than go-vcr v4 (gopkg.in/dnaeon/go-vcr.v4):
// that would add a module dependency (with YAML) to the SDK for the sake of
// its tests' users, and what matters here is BC-specific — scrubbing that
// learns tenants and company ids and maps them consistently, matching that
// normalises tenant and environment and ignores query order, replaying
// token requests — which go-vcr leaves to hooks and a custom matcher of about
// the same size as this file.
type Recorder = record.Recorder

// RecordOption configures a Recorder.
type RecordOption = record.RecordOption

// Redact names values to replace with "REDACTED" wherever they occur (as is,
// JSON-escaped or URL-escaped), e.g. the client secret, so that they are
// scrubbed even where no rule expects them.
func Redact(values ...string) RecordOption { return record.Redact(values...) }

// ScrubTenant names the tenant (GUID or domain) to replace with FakeTenantID.
// The tenant segment of BC's and Entra's URLs is learned without it; naming
// it also covers bodies seen before the first request names it.
func ScrubTenant(ids ...string) RecordOption { return record.ScrubTenant(ids...) }

// ScrubEnvironment replaces the environment segment of BC URLs
// (/v2.0/{tenant}/{environment}/…, in request URLs and in links inside
// bodies) with FakeEnvironment. The name is not replaced elsewhere: names such
// as "Production" are also ordinary words in data.
func ScrubEnvironment() RecordOption { return record.ScrubEnvironment() }

// RecordHeaders adds request headers to those recorded (Accept,
// Accept-Language, Authorization, Content-Type, Cookie, Data-Access-Intent,
// If-Match, If-None-Match, Prefer). Headers that change on every run, such as
// client-request-id and User-Agent, are left out by default. All response
// headers are recorded except Content-Length and connection headers.
func RecordHeaders(names ...string) RecordOption { return record.RecordHeaders(names...) }

// MaxBodySize sets the largest body recorded (default DefaultMaxBodySize). A
// larger body still reaches the client unchanged, but Save reports it.
func MaxBodySize(n int64) RecordOption { return record.MaxBodySize(n) }

// NewRecorder returns a recorder that forwards to base (http.DefaultTransport
// if nil) and saves to path.
func NewRecorder(path string, base http.RoundTripper, opts ...RecordOption) *Recorder {
	return record.NewRecorder(path, base, opts...)
}

// Replayer is an http.RoundTripper that answers requests from a recording
// made by Recorder, without any network. It is safe for concurrent use.
//
// A request is matched by method, path and query (parameters in any order)
// after the same scrubbing the recorder applies, so a test may use the real
// tenant, environment and company ids or the fakes of the recording; with
// MatchBody the body must match too (JSON compared by value). The host is
// ignored. Identical requests get the recorded responses in recorded order
// (the 429 first, then the retry's answer). Token requests never run out: once
// their recorded answers are used up the last one is served again, and if the
// recording has none a token is made up, so bc.ClientCredentials works in
// playback.
//
// A request with no recorded answer gets a 501 response whose BC-shaped error
// body names the request and the closest recorded one. It is an answer rather
// than a transport error because clients, the SDK included, retry transport
// errors of GETs with backoff, which would turn a missing fixture into a slow
// test; an APIError with this text fails it at once. Unmatched lists them.
//
// Use it with the SDK like this (the tenant, environment and credentials may
// be the real ones or the fakes):
//
//	rep, err := bctest.NewReplayer("testdata/recordings/TestX.json")
//	hc := &http.Client{Transport: rep}
//	ts := bc.ClientCredentials(bctest.FakeTenantID, bctest.FakeClientID, "secret",
//		bc.WithTokenURL(bctest.FakeTokenURL), bc.WithTokenHTTPClient(hc))
//	c, err := bc.NewClient(bctest.FakeTenantID, bctest.FakeEnvironment,
//		bc.WithBaseURL(bctest.FakeBaseURL), bc.WithHTTPClient(hc), bc.WithTokenSource(ts))
type Replayer = record.Replayer

// ReplayOption configures a Replayer.
type ReplayOption = record.ReplayOption

// MatchBody makes request bodies part of the match (JSON compared by value,
// after scrubbing), e.g. to tell apart two POSTs to the same URL.
func MatchBody() ReplayOption { return record.MatchBody() }

// KeepRetryAfter serves recorded Retry-After headers as they are. By default
// they are served as "0", so that a replayed 429 is retried at once and
// playback does not sleep.
func KeepRetryAfter() ReplayOption { return record.KeepRetryAfter() }

// NewReplayer loads the recording at path.
func NewReplayer(path string, opts ...ReplayOption) (*Replayer, error) {
	return record.NewReplayer(path, opts...)
}

// Fixture returns the transport for a test that talks to Business Central,
// chosen by the BC_TEST_MODE environment variable:
//
//   - replay (the default; "playback" also works): answer from the recording
//     testdata/recordings/<name>.json with a Replayer, offline. The test fails
//     if a request has no recorded answer or, at the end, if a recorded
//     exchange was never requested.
//   - record: send the requests to BC and record them with a Recorder, which
//     saves the scrubbed recording when the test ends (unless it failed or
//     was skipped).
//     Needs BC_TENANT, BC_CLIENT_ID, BC_CLIENT_SECRET and BC_ENVIRONMENT.
//   - live: send the requests to BC and record nothing.
//
// name is usually t.Name(); '/' in it makes subdirectories. FixtureClient
// builds the matching bc.Client.
//
// How to record against a real Business Central sandbox, step by step:
//
// Step 1, a sandbox. Record against a sandbox environment, never production:
// recording runs real writes (creates, updates, deletes, posting). In the BC
// admin center create one, e.g. "Fixtures", with the CRONUS demo company or
// as a copy of production with test data only. Fixture refuses environment
// names that start with "Production".
//
// Step 2, an app. In Microsoft Entra register an app with a client secret and
// the Dynamics 365 Business Central application permission API.ReadWrite.All,
// with admin consent. In BC, on the "Microsoft Entra Applications" page, add
// its client ID, set State to Enabled and give it the permission sets the
// tests need (e.g. D365 AUTOMATION).
//
// Step 3, record. Export the credentials and run the test (or drop -run to
// record all):
//
//	export BC_TENANT=<directory (tenant) id or domain>
//	export BC_CLIENT_ID=<application (client) id>
//	export BC_CLIENT_SECRET=<client secret value>
//	export BC_ENVIRONMENT=<sandbox name>
//	BC_TEST_MODE=record go test -run 'TestListCustomers$' ./...
//
// Tests should find their company by listing companies (c.Companies()), not
// from a variable, so that the same code works in both modes.
//
// Step 4, know what is scrubbed. Before anything is written (see Recorder):
// the Authorization header, cookies, the client secret (everywhere), the
// token request's secret and client id, all tokens and JWT-looking strings,
// the tenant (everywhere), the environment name in URLs, company ids (to
// stable fakes), BC's and Entra's hosts (to bc.invalid and login.invalid),
// correlation and request ids. Customer names, addresses, amounts and other
// business data are kept as they are, which is why the sandbox must hold
// demo or test data only.
//
// Step 5, review. Read the file before committing it (git diff
// testdata/recordings/) for names, e-mail addresses, internal URLs or
// anything else you would not publish, then run the tests without
// BC_TEST_MODE to check that they pass offline.
func Fixture(t testing.TB, name string) http.RoundTripper {
	t.Helper()
	return record.Fixture(t, name)
}

// FixtureClient returns a bc.Client whose requests go through Fixture(t,
// name): in replay mode for FakeTenantID, FakeEnvironment, FakeBaseURL and
// fake credentials; in record and live modes for BC_TENANT, BC_ENVIRONMENT,
// BC_CLIENT_ID and BC_CLIENT_SECRET at BC online. opts are applied last.
func FixtureClient(t testing.TB, name string, opts ...bc.Option) *bc.Client {
	t.Helper()
	return record.FixtureClient(t, name, opts...)
}
