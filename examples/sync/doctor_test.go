package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// The fixes the doctor prints, as the tests expect them word for word.
const (
	fixTenant  = "     fix: check the tenant ID: use the Directory (tenant) ID shown on the app registration's overview page in Microsoft Entra"
	fixClient  = "     fix: check the client ID: use the Application (client) ID of the app registration, registered in this tenant"
	fixSecret  = "     fix: check the client secret: use the secret's Value (shown once when it was created), not its Secret ID; create a new secret under Certificates & secrets if the value is lost"
	fixExpired = "     fix: the client secret has expired: create a new one under Certificates & secrets of the app registration and hand over its Value"
	fixConsent = "     fix: in the app registration's API permissions, add Dynamics 365 Business Central → Application permissions → API.ReadWrite.All and Automation.ReadWrite.All, then click \"Grant admin consent\""
	fixBCApp   = "     fix: in Business Central, open the \"Microsoft Entra Applications\" page (older name \"Azure Active Directory Applications\"), add the app with client ID " + bctest.ClientID + " if it is missing, set State = Enabled, and assign the permission sets D365 AUTOMATION, LOCAL and LOGIN"
)

// healthy is the doctor's output for a correct setup of the harness's fake.
var healthy = []string{
	"✓ 1. Tenant exists: Microsoft Entra knows tenant " + bctest.TenantID,
	"✓ 2. Client ID is registered in the tenant: app " + bctest.ClientID + " is registered in the tenant",
	"✓ 3. Client secret is valid and not expired: Microsoft Entra accepted the secret",
	"✓ 4. Entra issues a token: token issued for https://api.businesscentral.dynamics.com",
	"✓ 5. Token has the Business Central API permissions: roles: API.ReadWrite.All, Automation.ReadWrite.All",
	"✓ 6. Business Central accepts the app: Business Central accepted the token",
	"✓ 7. Environment exists: environment Production answers",
	`✓ 8. Companies are visible: 3 companies: CRONUS USA, Inc.; Contoso Europe Ltd.; Søren's Café "Nord" ApS`,
	"✓ 9. Entity sets are readable: 4 sets readable in 3 companies: employees, projects, customers, timeRegistrationEntries",
	"✓ 10. Automation API is reachable: companies and users are readable on /api/microsoft/automation/v2.0",
}

func skipped(from int) []string {
	names := []string{"", "Tenant exists", "Client ID is registered in the tenant", "Client secret is valid and not expired",
		"Entra issues a token", "Token has the Business Central API permissions", "Business Central accepts the app",
		"Environment exists", "Companies are visible", "Entity sets are readable", "Automation API is reachable"}
	needs := []int{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8}
	var out []string
	for n := from; n <= 10; n++ {
		out = append(out, "- "+strconv.Itoa(n)+". "+names[n]+": skipped (check "+strconv.Itoa(needs[n])+" did not pass)")
	}
	return out
}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestDoctorNamesTheFailingStep(t *testing.T) {
	t.Parallel()
	const otherTenant = "9d0c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a"
	const otherClient = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	app := func(change func(*bctest.App)) bctest.Option {
		a := bctest.DefaultApp()
		change(&a)
		return bctest.WithApp(a)
	}
	tests := []struct {
		name string
		opt  bctest.Option
		env  map[string]string
		want []string
		code int
	}{
		{"healthy", nil, nil, append(healthy, "All checks passed."), 0},
		{"unknown tenant", nil, map[string]string{"BC_TENANT": otherTenant}, concat([]string{
			"✗ 1. Tenant exists: AADSTS90002: Tenant '" + otherTenant + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
			fixTenant}, skipped(2), []string{"1 check failed, 9 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"unknown client", nil, map[string]string{"BC_CLIENT_ID": otherClient}, concat(healthy[:1], []string{
			"✗ 2. Client ID is registered in the tenant: AADSTS700016: Application with identifier '" + otherClient + "' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
			fixClient}, skipped(3), []string{"1 check failed, 8 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"wrong secret", nil, map[string]string{"BC_CLIENT_SECRET": "the-secret-of-another-app"}, concat(healthy[:2], []string{
			"✗ 3. Client secret is valid and not expired: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + bctest.ClientID + "'.",
			fixSecret}, skipped(4), []string{"1 check failed, 7 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"expired secret", app(func(a *bctest.App) { a.SecretExpired = true }), nil, concat(healthy[:2], []string{
			"✗ 3. Client secret is valid and not expired: AADSTS7000222: The provided client secret keys for app '" + bctest.ClientID + "' are expired. Visit the Azure portal to create new keys for your app.",
			fixExpired}, skipped(4), []string{"1 check failed, 7 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"no admin consent", app(func(a *bctest.App) { a.Roles = nil }), nil, concat(healthy[:4], []string{
			"✗ 5. Token has the Business Central API permissions: the token carries no roles: API.ReadWrite.All has no admin consent",
			fixConsent}, skipped(6), []string{"1 check failed, 5 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"only the Automation permission", app(func(a *bctest.App) { a.Roles = []string{"Automation.ReadWrite.All"} }), nil, concat(healthy[:4], []string{
			"✗ 5. Token has the Business Central API permissions: the token's roles are Automation.ReadWrite.All: API.ReadWrite.All has no admin consent",
			fixConsent}, skipped(6), []string{"1 check failed, 5 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"app not registered in BC", app(func(a *bctest.App) { a.Registered = false }), nil, concat(healthy[:5], []string{
			"✗ 6. Business Central accepts the app: Business Central rejected the token: 401 Authentication_InvalidCredentials: The server has rejected the client credentials.",
			fixBCApp}, skipped(7), []string{"1 check failed, 4 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"app disabled in BC", app(func(a *bctest.App) { a.Enabled = false }), nil, concat(healthy[:5], []string{
			"✗ 6. Business Central accepts the app: Business Central rejected the token: 401 Authentication_InvalidCredentials: The server has rejected the client credentials.",
			fixBCApp}, skipped(7), []string{"1 check failed, 4 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"unknown environment", nil, map[string]string{"BC_ENVIRONMENT": "Sandbox2"}, concat(healthy[:6], []string{
			"✗ 7. Environment exists: environment Sandbox2 not found: 404 NoEnvironment: The environment 'Sandbox2' does not exist in this tenant.",
			"     fix: use the environment name exactly as the Business Central admin center shows it (--environment, e.g. Production or Sandbox)"},
			skipped(8), []string{"1 check failed, 3 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"a set not covered by the permission sets", app(func(a *bctest.App) { a.DeniedSets = []string{"timeRegistrationEntries"} }), nil, concat(healthy[:8], []string{
			"✗ 9. Entity sets are readable: timeRegistrationEntries is not readable in 3 of 3 companies: Sorry, the current permissions prevented the action. (TableData 952 Time Sheet Detail Read: bctest app)",
			"     fix: on the \"Microsoft Entra Applications\" page in Business Central, give the app a permission set that grants Read on TableData 952 Time Sheet Detail (for example D365 BUS FULL ACCESS, or D365 READ to read only) for every company the sync reads",
			healthy[9], "1 check failed, 0 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"without D365 AUTOMATION", app(func(a *bctest.App) { a.PermissionSets = []string{"D365 BUS FULL ACCESS"} }), nil, concat(healthy[:9], []string{
			"✗ 10. Automation API is reachable: the app may not use the Automation API: Sorry, the current permissions prevented the action. (TableData 2000000120 User Read: bctest app)",
			"     fix: on the \"Microsoft Entra Applications\" page in Business Central, assign the permission set D365 AUTOMATION to the app",
			"1 check failed, 0 checks skipped: fix the first ✗ and run --doctor again."}), 1},
		{"only API.ReadWrite.All", app(func(a *bctest.App) { a.Roles = []string{"API.ReadWrite.All"} }), nil, concat(healthy[:4], []string{
			"! 5. Token has the Business Central API permissions: roles: API.ReadWrite.All; Automation.ReadWrite.All is not granted (needed only for the Automation API)",
			"     fix: to use the Automation API, add the application permission Automation.ReadWrite.All (Dynamics 365 Business Central) and click \"Grant admin consent\"; the sync itself does not need it",
		}, healthy[5:], []string{"All checks passed, with 1 warning."}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []bctest.Option
			if tt.opt != nil {
				opts = append(opts, tt.opt)
			}
			h := newHarness(t, opts...)
			for k, v := range tt.env {
				h.env[k] = v
			}
			r := h.run("--doctor")
			require.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			require.Equal(t, tt.want, lines(r.stdout))
			require.Empty(t, r.stderr)
			require.NotContains(t, r.stdout, h.env["BC_CLIENT_SECRET"])
		})
	}
}

func TestDoctorJSON(t *testing.T) {
	t.Parallel()
	app := bctest.DefaultApp()
	app.Registered = false
	h := newHarness(t, bctest.WithApp(app))
	r := h.run("--doctor", "--json")
	require.Equal(t, 1, r.code)
	want := `[
  {
    "check": "Tenant exists",
    "status": "ok",
    "detail": "Microsoft Entra knows tenant ` + bctest.TenantID + `",
    "fix": ""
  },
  {
    "check": "Client ID is registered in the tenant",
    "status": "ok",
    "detail": "app ` + bctest.ClientID + ` is registered in the tenant",
    "fix": ""
  },
  {
    "check": "Client secret is valid and not expired",
    "status": "ok",
    "detail": "Microsoft Entra accepted the secret",
    "fix": ""
  },
  {
    "check": "Entra issues a token",
    "status": "ok",
    "detail": "token issued for https://api.businesscentral.dynamics.com",
    "fix": ""
  },
  {
    "check": "Token has the Business Central API permissions",
    "status": "ok",
    "detail": "roles: API.ReadWrite.All, Automation.ReadWrite.All",
    "fix": ""
  },
  {
    "check": "Business Central accepts the app",
    "status": "fail",
    "detail": "Business Central rejected the token: 401 Authentication_InvalidCredentials: The server has rejected the client credentials.",
    "fix": "in Business Central, open the \"Microsoft Entra Applications\" page (older name \"Azure Active Directory Applications\"), add the app with client ID ` + bctest.ClientID + ` if it is missing, set State = Enabled, and assign the permission sets D365 AUTOMATION, LOCAL and LOGIN"
  },
  {
    "check": "Environment exists",
    "status": "skip",
    "detail": "skipped (check 6 did not pass)",
    "fix": ""
  },
  {
    "check": "Companies are visible",
    "status": "skip",
    "detail": "skipped (check 7 did not pass)",
    "fix": ""
  },
  {
    "check": "Entity sets are readable",
    "status": "skip",
    "detail": "skipped (check 8 did not pass)",
    "fix": ""
  },
  {
    "check": "Automation API is reachable",
    "status": "skip",
    "detail": "skipped (check 8 did not pass)",
    "fix": ""
  }
]
`
	require.Equal(t, want, r.stdout)
	require.Empty(t, r.stderr)
}

func TestDoctorDemoAndBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := run(t.Context(), []string{"--doctor", "--demo"}, &strings.Builder{}, &strings.Builder{}, func(string) string { return "" })
	require.Equal(t, 0, r)

	h.env["BC_TENANT"] = ""
	res := h.run("--doctor")
	require.Equal(t, 2, res.code, "bad input stays exit 2")
	require.Contains(t, res.stderr, "--tenant: the tenant ID is empty")

	h.env["BC_TENANT"] = bctest.TenantID
	res = h.run("--doctor", "--profile", "finance", "--companies", "Contoso Europe Ltd.")
	require.Equal(t, 0, res.code, res.stdout)
	require.Contains(t, lines(res.stdout), "✓ 8. Companies are visible: 1 of 3 companies: Contoso Europe Ltd.")
	require.Contains(t, lines(res.stdout), "✓ 9. Entity sets are readable: 12 sets readable in 1 company")
}

func TestSyncNamesTheSetupStepItFailsOn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["BC_CLIENT_SECRET"] = "the-secret-of-another-app"
	r := h.run("--out", h.sqlite("wrong.db"))
	require.Equal(t, 2, r.code)
	got := lines(r.stderr)
	require.Contains(t, got, "✗ 3. Client secret is valid and not expired: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"+bctest.ClientID+"'.")
	require.Contains(t, got, fixSecret)
	require.NotContains(t, r.stderr, "the-secret-of-another-app")

	app := bctest.DefaultApp()
	app.Enabled = false
	h = newHarness(t, bctest.WithApp(app))
	r = h.run("--out", h.sqlite("disabled.db"))
	require.Equal(t, 2, r.code)
	require.Contains(t, lines(r.stderr), "✗ 6. Business Central accepts the app: Business Central rejected the token: 401 Authentication_InvalidCredentials: The server has rejected the client credentials.")
	require.Contains(t, lines(r.stderr), fixBCApp)

	app = bctest.DefaultApp()
	app.DeniedSets = []string{"employees"}
	h = newHarness(t, bctest.WithApp(app))
	r = h.run("--out", h.sqlite("denied.db"))
	require.Equal(t, 1, r.code)
	require.Contains(t, lines(r.stderr), "✗ 9. Entity sets are readable: employees is not readable in 3 of 3 companies: Sorry, the current permissions prevented the action. (TableData 5200 Employee Read: bctest app)")
}
