package doctor

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

func TestDecodeClaims(t *testing.T) {
	t.Parallel()
	jwt := func(payload string) string {
		return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".sig"
	}
	tests := []struct {
		name  string
		token string
		want  claims
		jwt   bool
	}{
		{"roles", jwt(`{"aud":"https://api.businesscentral.dynamics.com","roles":["API.ReadWrite.All"]}`),
			claims{Aud: "https://api.businesscentral.dynamics.com", Roles: []string{"API.ReadWrite.All"}}, true},
		{"no roles", jwt(`{"aud":"x"}`), claims{Aud: "x"}, true},
		{"audience as a list", jwt(`{"aud":["a","b"],"roles":["Automation.ReadWrite.All"]}`), claims{Roles: []string{"Automation.ReadWrite.All"}}, true},
		{"padded payload", "h." + base64.URLEncoding.EncodeToString([]byte(`{"roles":["r"]}`)) + ".s", claims{Roles: []string{"r"}}, true},
		{"opaque token", "0.AXoA-opaque", claims{}, false},
		{"not json", "a.b.c", claims{}, false},
	}
	for _, tt := range tests {
		got, ok := decodeClaims(tt.token)
		require.Equal(t, tt.jwt, ok, tt.name)
		require.Equal(t, tt.want, got, tt.name)
	}
}

func TestExplainsOnlySetupFailures(t *testing.T) {
	t.Parallel()
	unauthorized := &bc.APIError{StatusCode: http.StatusUnauthorized, Code: "Authentication_InvalidCredentials"}
	forbidden := &bc.APIError{StatusCode: http.StatusForbidden, Code: "Internal_ServerError"}
	tests := []struct {
		name   string
		err    error
		failed []string // the failed sets' reasons
		want   bool
	}{
		{"token refused", fmt.Errorf("listing companies: %w", &bc.AuthError{Problem: bc.ProblemInvalidSecret}), nil, true},
		{"token endpoint down", &bc.AuthError{Problem: bc.ProblemUnreachable}, nil, false},
		{"app refused by BC", fmt.Errorf("wrapped: %w", unauthorized), nil, true},
		{"permission", forbidden, nil, true},
		{"a set refused", nil, []string{"BC refused to read it (Internal_ServerError: Sorry, the current permissions prevented the action. (TableData 17 G/L Entry Read: app))"}, true},
		{"a set failed otherwise", nil, []string{"bc: GET …: 500 Internal_ServerError: boom"}, false},
		{"environment missing", &bc.APIError{StatusCode: http.StatusNotFound}, nil, false},
		{"other", errors.New("disk full"), nil, false},
	}
	for _, tt := range tests {
		var failed []bcsync.SetResult
		for _, reason := range tt.failed {
			failed = append(failed, bcsync.SetResult{Err: &bcsync.SetError{Set: "generalLedgerEntries", Err: errors.New(reason)}})
		}
		require.Equal(t, tt.want, explains(tt.err, failed), tt.name)
	}
	refused := bcsync.SetResult{Err: &bcsync.SetError{Set: "generalLedgerEntries", Err: fmt.Errorf("page 1: %w", forbidden)}}
	require.True(t, explains(nil, []bcsync.SetResult{refused}), "a set BC refused with a 403, whatever its message")
}

func TestReportText(t *testing.T) {
	t.Parallel()
	rep := &Report{Results: []Result{
		{Number: 1, Check: "One", Status: OK, Detail: "fine"},
		{Number: 2, Check: "Two", Status: Warn, Detail: "hm", Fix: "do this"},
		{Number: 3, Check: "Three", Status: Fail, Detail: "bad", Fix: "do that"},
		{Number: 4, Check: "Four", Status: Skip, Detail: "skipped (check 3 did not pass)"},
	}, names: Names{Doctor: "run --doctor"}}
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	require.Equal(t, "✓ 1. One: fine\n! 2. Two: hm\n     fix: do this\n✗ 3. Three: bad\n     fix: do that\n"+
		"- 4. Four: skipped (check 3 did not pass)\n1 check failed, 1 check skipped: fix the first ✗ and run --doctor again.\n", b.String())
	require.Equal(t, 1, rep.ExitCode())
	rep.names = Names{}
	b.Reset()
	require.NoError(t, rep.WriteText(&b))
	require.True(t, strings.HasSuffix(b.String(), "fix the first ✗ and run the doctor again.\n"), "the neutral words without Names: %s", b.String())
	rep.Results = rep.Results[:2]
	b.Reset()
	require.NoError(t, rep.WriteText(&b))
	require.True(t, strings.HasSuffix(b.String(), "All checks passed, with 1 warning.\n"))
	require.Equal(t, 0, rep.ExitCode())
}

// TestFixesUseTheCallersNames: the doctor's fixes name settings in the
// caller's words (a command's flags) and in neutral words without Names.
func TestFixesUseTheCallersNames(t *testing.T) {
	t.Parallel()
	srv := bctest.NewServer(bctest.WithDemo(bctest.DemoConfig{Seed: 1, Companies: 1, GLEntries: 10}))
	defer srv.Close()
	tenant, client, secret := srv.Credentials()
	cfg := Config{TenantID: tenant, ClientID: client, Secret: secret, Environment: "Nowhere",
		BaseURL: srv.BaseURL(), TokenURL: srv.TokenURL()}
	const fix = "use the environment name exactly as the Business Central admin center shows it (%s, e.g. Production or Sandbox)"

	res, ok := FirstFailure(t.Context(), cfg)
	require.True(t, ok)
	require.Equal(t, fmt.Sprintf(fix, "the environment name"), res.Fix)

	cfg.Names = Names{Environment: "--environment"}
	res, ok = FirstFailure(t.Context(), cfg)
	require.True(t, ok)
	require.Equal(t, fmt.Sprintf(fix, "--environment"), res.Fix)
}
