package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bcsdk/bc"
)

// The stable fakes of recordings: bctest.FakeTenantID and the others,
// documented there.
const (
	FakeTenantID    = "00000000-0000-0000-0000-0000000000aa"
	FakeClientID    = "00000000-0000-0000-0000-0000000000cc"
	FakeEnvironment = "sandbox"
	FakeBaseURL     = "https://bc.invalid/v2.0"
	FakeTokenURL    = "https://login.invalid/{tenant}/oauth2/v2.0/token"
	Redacted        = "REDACTED"
)

const (
	recordingFormat   = "bctest-recording/1"
	fakeBCOrigin      = "https://bc.invalid"
	fakeLoginOrigin   = "https://login.invalid"
	fakeCompanyPrefix = "00000000-0000-0000-c0c0-" // fake company ids are this + 12 hex digits
	zeroCorrelationID = "00000000-0000-0000-0000-000000000000"
)

// recording is the JSON file: the exchanges in the order their requests were sent.
type recording struct {
	Format    string     `json:"format"`
	Exchanges []exchange `json:"exchanges"`
}

type exchange struct {
	Request  recordedRequest   `json:"request"`
	Response *recordedResponse `json:"response,omitempty"`
	// Error is the transport error when there was no response.
	Error string `json:"error,omitempty"`
}

type recordedRequest struct {
	Method string        `json:"method"`
	URL    string        `json:"url"`
	Header fixtureHeader `json:"header,omitempty"`
	payload
}

type recordedResponse struct {
	Status int           `json:"status"`
	Header fixtureHeader `json:"header,omitempty"`
	payload
	// BodyError is the error that cut the body short, if any.
	BodyError string `json:"bodyError,omitempty"`
}

// fixtureHeader is an http.Header written the short way: a header with one
// value as a string, one with several as an array.
type fixtureHeader http.Header

func (h fixtureHeader) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(h))
	for k, v := range h {
		if len(v) == 1 {
			m[k] = v[0]
		} else {
			m[k] = v
		}
	}
	return marshalNoEscape(m)
}

func (h *fixtureHeader) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*h = fixtureHeader{}
	for k, raw := range m {
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			(*h)[http.CanonicalHeaderKey(k)] = []string{one}
			continue
		}
		var many []string
		if err := json.Unmarshal(raw, &many); err != nil {
			return fmt.Errorf("header %s: %w", k, err)
		}
		(*h)[http.CanonicalHeaderKey(k)] = many
	}
	return nil
}

// marshalNoEscape is json.Marshal without HTML escaping, so that '&' and '<'
// stay readable.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

// payload stores a body so that a reviewer can read it: JSON objects and
// arrays inline, other UTF-8 text as a string, anything else as base64.
// Replaying serves inline JSON compacted; clients decode it the same.
type payload struct {
	Body       json.RawMessage `json:"body,omitempty"`
	BodyBase64 []byte          `json:"bodyBase64,omitempty"`
}

func newPayload(b []byte, text bool) payload {
	switch {
	case len(b) == 0:
		return payload{}
	case !text:
		return payload{BodyBase64: b}
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t) {
		return payload{Body: t}
	}
	s, _ := marshalNoEscape(string(b))
	return payload{Body: s}
}

func (p payload) bytes() ([]byte, error) {
	switch {
	case len(p.BodyBase64) > 0:
		return p.BodyBase64, nil
	case len(p.Body) == 0:
		return nil, nil
	case p.Body[0] == '"':
		var s string
		err := json.Unmarshal(p.Body, &s)
		return []byte(s), err
	}
	var buf bytes.Buffer
	err := json.Compact(&buf, p.Body)
	return buf.Bytes(), err
}

func encodeRecording(rec recording) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(rec)
	return buf.Bytes(), err
}

var (
	guidRE = `[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`
	// jwtPattern matches JWS (three parts) and JWE (five parts) compact tokens.
	jwtPattern   = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?`)
	companyRef   = regexp.MustCompile(`companies(?:\(|%28)(` + guidRE + `)`)
	companyIDKey = regexp.MustCompile(`"id"\s*:\s*"(` + guidRE + `)"`)
	companiesURL = regexp.MustCompile(`(?i)/companies(?:\([^/]*\))?/?$`)
	// correlationText matches BC's "…  CorrelationId:  <guid>." and Entra's
	// "Trace ID: <guid>" / "Correlation ID: <guid>"; correlationJSON Entra's fields.
	correlationText = regexp.MustCompile(`(?i)((?:CorrelationId|Correlation ID|Trace ID)\s*:\s*)` + guidRE)
	correlationJSON = regexp.MustCompile(`(?i)("(?:correlation_id|trace_id)"\s*:\s*")` + guidRE)
	tokenField      = regexp.MustCompile(`("(?:access_token|refresh_token|id_token|client_secret|client_assertion)"\s*:\s*)"[^"]*"`)
	formSecret      = regexp.MustCompile(`(^|&)((?:client_secret|client_assertion|assertion|refresh_token|password|code)=)[^&]*`)
	formClientID    = regexp.MustCompile(`(^|&)(client_id=)[^&]*`)
	secretParam     = regexp.MustCompile(`(?i)([?&](?:access_token|client_secret|code|sig|signature|token)=)[^&#"\s]*`)
	envSegment      = regexp.MustCompile(`(` + regexp.QuoteMeta(fakeBCOrigin) + `/v2\.0/(?:` + FakeTenantID + `/)?)([A-Za-z0-9_-]{1,50})/`)
	guidPattern     = regexp.MustCompile(guidRE)
)

// The fixture modes, chosen with the BC_TEST_MODE environment variable.
const (
	modeReplay = "replay"
	modeRecord = "record"
	modeLive   = "live"
)

// fixtureEnv is what Fixture reads from the process, replaceable in tests.
type fixtureEnv struct {
	getenv func(string) string
	dir    string            // where recordings live
	base   http.RoundTripper // the network, for record and live modes
}

var processEnv = fixtureEnv{getenv: os.Getenv, dir: filepath.Join("testdata", "recordings"), base: http.DefaultTransport}

// Fixture is bctest.Fixture, documented there.
func Fixture(t testing.TB, name string) http.RoundTripper {
	t.Helper()
	return fixture(t, name, processEnv)
}

// FixtureClient is bctest.FixtureClient, documented there.
func FixtureClient(t testing.TB, name string, opts ...bc.Option) *bc.Client {
	t.Helper()
	return fixtureClient(t, name, processEnv, opts)
}

func fixtureMode(t testing.TB, env fixtureEnv) string {
	t.Helper()
	switch m := strings.ToLower(strings.TrimSpace(env.getenv("BC_TEST_MODE"))); m {
	case "", modeReplay, "playback":
		return modeReplay
	case modeRecord, modeLive:
		return m
	default:
		t.Fatalf("bctest: BC_TEST_MODE=%q: use replay (the default), record or live", m)
		return ""
	}
}

// credentials returns BC_TENANT, BC_ENVIRONMENT, BC_CLIENT_ID and
// BC_CLIENT_SECRET, failing the test if one is missing or the environment
// looks like production.
func credentials(t testing.TB, env fixtureEnv, mode string) (tenant, environment, clientID, secret string) {
	t.Helper()
	names := []string{"BC_TENANT", "BC_ENVIRONMENT", "BC_CLIENT_ID", "BC_CLIENT_SECRET"}
	vals := make([]string, len(names))
	var missing []string
	for i, n := range names {
		if vals[i] = strings.TrimSpace(env.getenv(n)); vals[i] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("bctest: BC_TEST_MODE=%s needs %s; see the doc of bctest.Fixture", mode, strings.Join(missing, ", "))
	}
	if strings.HasPrefix(strings.ToLower(vals[1]), "production") {
		t.Fatalf("bctest: BC_TEST_MODE=%s refuses the environment %q: record and run live tests against a sandbox, never production", mode, vals[1])
	}
	return vals[0], vals[1], vals[2], vals[3]
}

func fixture(t testing.TB, name string, env fixtureEnv) http.RoundTripper {
	t.Helper()
	path := filepath.Join(env.dir, filepath.FromSlash(fixtureName(name))+".json")
	switch mode := fixtureMode(t, env); mode {
	case modeRecord:
		tenant, _, _, secret := credentials(t, env, mode)
		rec := NewRecorder(path, env.base, Redact(secret), ScrubTenant(tenant), ScrubEnvironment())
		t.Cleanup(func() {
			if t.Failed() || t.Skipped() {
				t.Logf("bctest: not saving the recording %s of a failed or skipped test", path)
				return
			}
			if err := rec.Save(); err != nil {
				t.Error(err)
				return
			}
			t.Logf("bctest: recorded %s; review it before committing", path)
		})
		return rec
	case modeLive:
		credentials(t, env, mode)
		return env.base
	}
	rep, err := NewReplayer(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("bctest: no recording %s: record it with BC_TEST_MODE=record (see the doc of bctest.Fixture)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() || t.Skipped() {
			return
		}
		if miss := rep.Unmatched(); len(miss) > 0 {
			t.Errorf("bctest: %d requests had no recorded answer:\n%s", len(miss), strings.Join(miss, "\n"))
		}
		if unused := rep.Unused(); len(unused) > 0 {
			t.Errorf("bctest: the test no longer makes %d recorded requests of %s; re-record it with BC_TEST_MODE=record:\n%s",
				len(unused), path, strings.Join(unused, "\n"))
		}
	})
	return rep
}

func fixtureClient(t testing.TB, name string, env fixtureEnv, opts []bc.Option) *bc.Client {
	t.Helper()
	mode := fixtureMode(t, env)
	hc := &http.Client{Transport: fixture(t, name, env)}
	tenant, environment, clientID, secret := FakeTenantID, FakeEnvironment, FakeClientID, Redacted
	all := []bc.Option{bc.WithHTTPClient(hc)}
	creds := []bc.CredentialOption{bc.WithTokenHTTPClient(hc)}
	if mode == modeReplay {
		all = append(all, bc.WithBaseURL(FakeBaseURL))
		creds = append(creds, bc.WithTokenURL(FakeTokenURL))
	} else {
		tenant, environment, clientID, secret = credentials(t, env, mode)
	}
	all = append(all, bc.WithTokenSource(bc.ClientCredentials(tenant, clientID, secret, creds...)))
	c, err := bc.NewClient(tenant, environment, append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fixtureName keeps letters, digits, '.', '-', '_' and '/' (subtests) of a
// test name, replacing anything else with '_'.
func fixtureName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '.' || r == '-' || r == '_' || r == '/',
			'0' <= r && r <= '9', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return r
		}
		return '_'
	}, strings.Trim(strings.ReplaceAll(name, "..", "_"), "/"))
}
