package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// realEnv has credentials for a real tenant, as a deployment would set them.
var realEnv = map[string]string{
	"BC_TENANT":        "contoso.onmicrosoft.com",
	"BC_CLIENT_ID":     "0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f0",
	"BC_CLIENT_SECRET": "Xy7~env-s3cr3t",
	"BC_ENVIRONMENT":   "Sandbox",
	"BC_OUT":           "jsonl:from-env",
	"BC_COMPANIES":     "CRONUS,Fabrikam",
}

// TestFlagsWinOverTheEnvironment: each value comes from its flag when
// given, else from BC_<NAME>, else the default; the secret too.
func TestFlagsWinOverTheEnvironment(t *testing.T) {
	t.Parallel()
	c, err := Parse(nil, env(realEnv), nil)
	require.NoError(t, err)
	require.Equal(t, []string{"contoso.onmicrosoft.com", "0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f0", "Xy7~env-s3cr3t", "Sandbox", "jsonl:from-env"},
		[]string{c.Tenant, c.ClientID, c.Secret(), c.Environment, c.Out})
	require.Equal(t, []string{"CRONUS", "Fabrikam"}, c.Companies)
	require.Equal(t, "mosaic", c.Profile)

	c, err = Parse([]string{"--tenant", "fabrikam.onmicrosoft.com", "--client-secret", "Zq9~flag-s3cr3t", "--environment", "Production",
		"--out", "sqlite:flag.db", "--companies", " Contoso ,, Litware ", "--profile", "finance"}, env(realEnv), nil)
	require.NoError(t, err)
	require.Equal(t, []string{"fabrikam.onmicrosoft.com", "0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f0", "Zq9~flag-s3cr3t", "Production", "sqlite:flag.db"},
		[]string{c.Tenant, c.ClientID, c.Secret(), c.Environment, c.Out})
	require.Equal(t, []string{"Contoso", "Litware"}, c.Companies, "blanks around and between commas are dropped")
	require.Equal(t, "finance", c.Profile)
	require.Equal(t, "tenant=fabrikam.onmicrosoft.com client=0f9e1d2c-3b4a-4958-8776-a5b4c3d2e1f0 secret=set environment=Production out=sqlite:flag.db profile=finance",
		c.String(), "the secret is only said to be set")
}

// TestContradictionsAreRefused: a flag that the rest of the command line
// or the environment makes pointless is refused with one line naming both
// and what to drop.
func TestContradictionsAreRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"--demo", "--tenant", "x"}, nil,
			"--tenant has no effect with --demo (the embedded fake BC has its own tenant, credentials and environment): drop --tenant, or drop --demo"},
		{[]string{"--tenant", "x"}, map[string]string{"BC_DEMO": "true"},
			"--tenant has no effect with BC_DEMO (the embedded fake BC has its own tenant, credentials and environment): drop --tenant, or unset BC_DEMO"},
		{[]string{"--demo", "--doctor", "--out", "jsonl:x"}, nil,
			"--out has no effect with --doctor (it checks the setup and syncs nothing): drop --out, or drop --doctor"},
		{[]string{"--demo", "--full", "--since", "2025-01-01"}, nil,
			"--since has no effect with --full (it reads everything): drop --since, or drop --full"},
		{[]string{"--demo", "--full", "--overlap", "1h"}, nil,
			"--overlap has no effect with --full (it reads everything; --overlap applies to incremental reads): drop --overlap, or drop --full"},
		{[]string{"--demo", "--since", "2025-01-01", "--overlap", "1h"}, nil,
			"--overlap has no effect with --since (it reads from that time, not from the watermark): drop --overlap, or drop --since"},
		{[]string{"--demo", "--quiet", "--log-level", "debug"}, nil,
			"--log-level has no effect with --quiet (it logs only errors): drop --log-level, or drop --quiet"},
		{[]string{"--demo", "--json"}, nil, "--json only applies with --doctor: add --doctor, or drop --json"},
		{[]string{"--demo", "--mark-deleted"}, nil, "--mark-deleted only applies with --reconcile or --watch: add --reconcile, or drop --mark-deleted"},
		{[]string{"--demo", "--force"}, nil, "--force only applies with --reconcile: add --reconcile, or drop --force"},
		{[]string{"--demo", "--watch"}, nil, "--watch needs --listen (the local address) and --public-url (how BC reaches it)"},
	} {
		_, err := Parse(tt.args, env(tt.vars), nil)
		require.EqualError(t, err, tt.want, "%q %v", tt.args, tt.vars)
		var u *UsageError
		require.ErrorAs(t, err, &u)
	}
}

// TestHelpNeverShowsASecretFlag: --help after a secret on the command line
// prints the flags without it, nor the password of --out.
func TestHelpNeverShowsASecretFlag(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	_, err := Parse([]string{"--client-secret", "Zq9~flag-s3cr3t", "--out", "postgres://sync:pg-pa55word@db.example.com/bc", "--help"}, env(realEnv), &out)
	require.Error(t, err)
	require.Contains(t, out.String(), "usage: sync [flags]\n")
	for _, secret := range []string{"Zq9~flag-s3cr3t", "Xy7~env-s3cr3t", "pg-pa55word"} {
		require.NotContains(t, out.String(), secret)
	}
	require.Contains(t, out.String(), "(default sqlite:bc.db; env BC_OUT)")
}

// TestCompaniesAreParsedByBcsync: --companies is bcsync.ParseCompanies'
// list (tested there), its errors prefixed with the flag.
func TestCompaniesAreParsedByBcsync(t *testing.T) {
	t.Parallel()
	c, err := Parse([]string{"--demo", "--companies", `"CRONUS USA, Inc.",Fabrikam`}, env(nil), nil)
	require.NoError(t, err)
	require.Equal(t, []string{"CRONUS USA, Inc.", "Fabrikam"}, c.Companies)
	_, err = Parse([]string{"--demo", "--companies", `"CRONUS"USA`}, env(nil), nil)
	require.EqualError(t, err, `--companies: "\"CRONUS\"USA": text after a quoted name; separate names with commas`)
	var u *UsageError
	require.ErrorAs(t, err, &u)
}

// TestTokenURLFollowsTheLibrarysRule: the token request carries the
// secret, so --token-url is held to bc.ValidateTokenURL before anything
// is sent: plain http only to a loopback host.
func TestTokenURLFollowsTheLibrarysRule(t *testing.T) {
	t.Parallel()
	_, err := Parse([]string{"--token-url", "http://login.example.com/{tenant}/token"}, env(realEnv), nil)
	require.EqualError(t, err, "--token-url: the token URL http://login.example.com/t/token uses plain http, which would send the client secret in clear text: use https (plain http is accepted only to a loopback host)")
	var u *UsageError
	require.ErrorAs(t, err, &u)
	c, err := Parse([]string{"--token-url", "http://127.0.0.1:8080/{tenant}/token"}, env(realEnv), nil)
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:8080/{tenant}/token", c.TokenURL)
}
