package automation_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/automation"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// fake starts a fake BC and returns the Automation API through its first
// company.
func fake(t *testing.T, opts ...bctest.Option) (*bctest.Server, *automation.Client) {
	t.Helper()
	srv := bctest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, automation.New(srv.Client(), srv.Tenant().Companies()[0].ID)
}

func extensionNamed(t *testing.T, a *automation.Client, name string) automation.Extension {
	t.Helper()
	all, err := a.Extensions().List(nil).Collect(t.Context())
	require.NoError(t, err)
	for _, x := range all {
		if x.DisplayName == name {
			return x
		}
	}
	t.Fatalf("no extension %q", name)
	return automation.Extension{}
}

func requireBCError(t *testing.T, err error, code, message string) {
	t.Helper()
	var apiErr *bc.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, code, apiErr.Code)
	require.Equal(t, message, apiErr.Message)
}

func TestFakeInstallsAndUninstalls(t *testing.T) {
	t.Parallel()
	srv, a := fake(t)
	ctx := t.Context()
	amc := extensionNamed(t, a, "AMC Banking 365 Fundamentals")
	require.False(t, amc.IsInstalled)

	require.NoError(t, a.Extensions().Install(ctx, amc.PackageID))
	// Extensions are tenant-wide: another company sees the same state.
	other := automation.New(srv.Client(), srv.Tenant().Companies()[2].ID)
	require.True(t, extensionNamed(t, other, "AMC Banking 365 Fundamentals").IsInstalled)
	requireBCError(t, a.Extensions().Install(ctx, amc.PackageID), "Application_DialogException",
		"The extension AMC Banking 365 Fundamentals is already installed.")
	requireBCError(t, a.Extensions().Unpublish(ctx, amc.PackageID), "Application_DialogException",
		"The extension AMC Banking 365 Fundamentals cannot be unpublished because it is installed.")

	require.NoError(t, a.Extensions().Uninstall(ctx, amc.PackageID))
	require.False(t, extensionNamed(t, a, "AMC Banking 365 Fundamentals").IsInstalled)
	requireBCError(t, a.Extensions().UninstallAndDeleteExtensionData(ctx, amc.PackageID), "Application_DialogException",
		"The extension AMC Banking 365 Fundamentals is not installed.")

	require.NoError(t, a.Extensions().Unpublish(ctx, amc.PackageID))
	_, err := a.Extensions().Get(ctx, amc.PackageID, nil)
	require.ErrorIs(t, err, bc.ErrNotFound)
}

func TestFakeDeploysAnUploadedExtension(t *testing.T) {
	t.Parallel()
	srv, a := fake(t)
	ctx := t.Context()
	srv.RecordRequests(true)
	app := `NAVX<App Id="7a1c3b9e-2f4d-4e6a-8b0c-1d2e3f4a5b6c" Name="Contoso Connector" Publisher="Contoso" Version="2.1.0.7"/>`
	st, err := a.Extensions().Upload(ctx, strings.NewReader(app), automation.ScheduleCurrentVersion, automation.SchemaSyncAdd,
		automation.PollInterval(time.Millisecond))
	require.NoError(t, err)
	require.Equal(t, automation.DeploymentStatusCompleted, st.Status)
	require.Equal(t, "Contoso Connector", st.Name)
	require.Equal(t, "2.1.0.7", st.AppVersion)
	require.Equal(t, "Upload", st.OperationType)

	polls := 0
	for _, line := range srv.Requests() {
		if strings.HasPrefix(line, "GET ") && strings.Contains(line, "/extensionDeploymentStatus") {
			polls++
		}
	}
	require.Equal(t, 4, polls, "one read before the upload, two polls InProgress, one Completed")

	x := extensionNamed(t, a, "Contoso Connector")
	require.True(t, x.IsInstalled)
	require.Equal(t, "PTE", x.PublishedAs)
	require.Equal(t, "2.1.0.7", x.Version())
	require.Equal(t, "7a1c3b9e-2f4d-4e6a-8b0c-1d2e3f4a5b6c", x.ID)
	uploads, err := a.ExtensionUpload().List(nil).Collect(ctx)
	require.NoError(t, err)
	require.Empty(t, uploads, "BC deletes the upload record")
}

func TestFakeFailsADeploymentOfAFileThatIsNotAnApp(t *testing.T) {
	t.Parallel()
	_, a := fake(t)
	ctx := t.Context()
	st, err := a.Extensions().Upload(ctx, strings.NewReader("PK\x03\x04 a zip, not an app"), automation.ScheduleCurrentVersion,
		automation.SchemaSyncForceSync, automation.PollInterval(time.Millisecond))
	require.ErrorIs(t, err, automation.ErrOperationFailed)
	require.Equal(t, automation.DeploymentStatusFailed, st.Status)

	_, err = a.Extensions().Upload(ctx, strings.NewReader(""), "", "", automation.PollInterval(time.Millisecond))
	requireBCError(t, err, "Application_DialogException", "Extension content is empty")

	_, err = a.Extensions().Upload(ctx, strings.NewReader("NAVX"), "Tomorrow", "", automation.PollInterval(time.Millisecond))
	requireBCError(t, err, "Application_EvaluateException",
		"'Tomorrow' is not an option. The existing options are: Current version,Next minor version,Next major version")
}

func TestFakeImportsAndAppliesAPackage(t *testing.T) {
	t.Parallel()
	_, a := fake(t)
	ctx := t.Context()
	pkgs := a.ConfigurationPackages()
	p, err := pkgs.Create(ctx, automation.ConfigurationPackage{Code: "SETUP", PackageName: "Company setup"})
	require.NoError(t, err)
	require.Equal(t, automation.ConfigPackageStatusNo, p.ImportStatus)

	_, err = pkgs.Apply(ctx, p.ID)
	requireBCError(t, err, "Application_DialogException", "Import Status is not completed. You must import the package before you apply it.")
	_, err = pkgs.Import(ctx, p.ID)
	requireBCError(t, err, "Application_DialogException", "Please upload a Rapid Start File, before running the import.")

	file := `<?xml version="1.0"?><DataList><CustomerList><TableID>18</TableID><Record/><Record/></CustomerList>` +
		`<ItemList><TableID>27</TableID><Record/></ItemList></DataList>`
	require.NoError(t, pkgs.UploadFile(ctx, p.ID, p.Code, strings.NewReader(file)))
	var buf strings.Builder
	_, err = pkgs.File(p.ID, p.Code).Download(ctx, &buf)
	require.NoError(t, err)
	require.Equal(t, file, buf.String())

	p, err = pkgs.Import(ctx, p.ID, automation.PollInterval(time.Millisecond))
	require.NoError(t, err)
	require.Equal(t, automation.ConfigPackageStatusCompleted, p.ImportStatus)
	require.Equal(t, int32(2), p.NumberOfTables)
	require.Equal(t, int32(3), p.NumberOfRecords)

	require.NoError(t, pkgs.Action(ctx, p.ID, "apply", nil))
	_, err = pkgs.Import(ctx, p.ID)
	requireBCError(t, err, "Application_DialogException", "Cannot import a package while import or apply is in progress.")
	p, err = pkgs.Get(ctx, p.ID, nil)
	require.NoError(t, err)
	require.Equal(t, automation.ConfigPackageStatusInProgress, p.ApplyStatus, "each read moves the background task one step")

	_, err = pkgs.Apply(ctx, p.ID, automation.PollInterval(time.Millisecond))
	require.ErrorContains(t, err, "Cannot apply a package while import or apply is in progress.")
	p, err = pkgs.Get(ctx, p.ID, nil)
	require.NoError(t, err)
	require.Equal(t, automation.ConfigPackageStatusCompleted, p.ApplyStatus)
	p, err = pkgs.Apply(ctx, p.ID, automation.PollInterval(time.Millisecond))
	require.NoError(t, err)
	require.Equal(t, automation.ConfigPackageStatusCompleted, p.ApplyStatus)

	bad, err := pkgs.Create(ctx, automation.ConfigurationPackage{Code: "BAD", PackageName: "Not a package"})
	require.NoError(t, err)
	require.NoError(t, pkgs.UploadFile(ctx, bad.ID, bad.Code, strings.NewReader("MZ not a package")))
	bad, err = pkgs.Import(ctx, bad.ID, automation.PollInterval(time.Millisecond))
	require.ErrorIs(t, err, automation.ErrOperationFailed)
	require.Equal(t, automation.ConfigPackageStatusError, bad.ImportStatus)
	require.Equal(t, "The file is not a valid RapidStart package.", bad.ImportError)
}

func TestFakeAssignsAndRemovesPermissionSets(t *testing.T) {
	t.Parallel()
	_, a := fake(t)
	ctx := t.Context()
	users, err := a.Users().List(odata.New().Filter(odata.Eq("userName", "JESPER"))).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, users, 1)
	id := users[0].UserSecurityID

	p, err := a.Users().AssignPermissionSet(ctx, id, "d365 read", "CRONUS USA, Inc.")
	require.NoError(t, err)
	require.Equal(t, "D365 READ", p.RoleID)
	require.Equal(t, "Dynamics 365 read access", p.DisplayName)
	require.Equal(t, automation.PermissionScopeSystem, p.Scope)
	require.Equal(t, "Base Application", p.ExtensionName)
	require.Equal(t, id, p.UserSecurityID)
	require.Contains(t, roles(t, a, id), "D365 READ@CRONUS USA, Inc.")

	require.NoError(t, a.Users().RemovePermissionSet(ctx, id, "D365 READ", "CRONUS USA, Inc."))
	require.NotContains(t, roles(t, a, id), "D365 READ@CRONUS USA, Inc.")
	require.ErrorIs(t, a.Users().RemovePermissionSet(ctx, id, "D365 READ", "CRONUS USA, Inc."), bc.ErrNotFound)
	require.Equal(t, []string{"D365 BUS FULL ACCESS@", "LOCAL@", "LOGIN@"}, roles(t, a, id))

	members, err := a.Users().SecurityGroupMembers(id).List(nil).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, members, 1)
	require.Equal(t, "FINANCE", members[0].SecurityGroupCode)
}

func roles(t *testing.T, a *automation.Client, userID string) []string {
	t.Helper()
	perms, err := a.Users().Permissions(userID).List(nil).Collect(t.Context())
	require.NoError(t, err)
	var out []string
	for _, p := range perms {
		out = append(out, p.RoleID+"@"+p.Company)
	}
	slices.Sort(out)
	return out
}

func TestFakeCompaniesFollowAutomationCompanies(t *testing.T) {
	t.Parallel()
	srv, a := fake(t)
	ctx := t.Context()
	c := srv.Client()
	created, err := a.AutomationCompanies().Create(ctx, automation.AutomationCompany{Name: "Fabrikam Start", DisplayName: "Fabrikam Start-up"})
	require.NoError(t, err)
	require.True(t, bc.IsGUID(created.ID))
	require.Equal(t, map[string]string{created.ID: "Fabrikam Start"}, companiesLike(t, c, "Fabrikam"))
	// The new company is not initialised: it has no data.
	n, err := sets.For(c.Company(created.ID)).Customers().Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n)

	renamed, err := a.AutomationCompanies().Rename(ctx, created, "Fabrikam Ltd")
	require.NoError(t, err)
	require.Equal(t, "Fabrikam Ltd", renamed.Name)
	require.NotEqual(t, created.ETag, renamed.ETag)
	require.Equal(t, map[string]string{created.ID: "Fabrikam Ltd"}, companiesLike(t, c, "Fabrikam"))
	_, err = a.AutomationCompanies().Rename(ctx, created, "Stale")
	require.ErrorIs(t, err, bc.ErrConflict)

	require.NoError(t, a.AutomationCompanies().Delete(ctx, renamed.ID, renamed.ETag))
	require.Empty(t, companiesLike(t, c, "Fabrikam"))

	// A company added to the fake directly is listed too.
	srv.Tenant().AddCompany("Direct Co")
	all, err := a.AutomationCompanies().List(nil).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, all, 4)
	require.Equal(t, "Direct Co", all[3].Name)
}

func companiesLike(t *testing.T, c *bc.Client, prefix string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for co, err := range c.Companies().List(nil).All(t.Context()) {
		require.NoError(t, err)
		if strings.HasPrefix(co.Name, prefix) {
			out[co.ID] = co.Name
		}
	}
	return out
}

func TestFakeActivatesAndDeactivatesFeatures(t *testing.T) {
	t.Parallel()
	_, a := fake(t)
	ctx := t.Context()
	f := a.Features()
	require.NoError(t, f.Activate(ctx, "SalesPrices", true, time.Date(2026, time.July, 8, 16, 0, 0, 0, time.UTC)))
	got, err := f.Get(ctx, "SalesPrices", nil)
	require.NoError(t, err)
	require.True(t, got.IsEnabled())
	require.Equal(t, automation.FeatureEnabledAllUsers, got.Enabled)

	require.NoError(t, f.Activate(ctx, "EnableEmailPreview", false, time.Time{}))
	require.NoError(t, f.Deactivate(ctx, "EnableEmailPreview"))
	got, err = f.Get(ctx, "EnableEmailPreview", nil)
	require.NoError(t, err)
	require.Equal(t, automation.FeatureEnabledNone, got.Enabled)

	requireBCError(t, f.Deactivate(ctx, "SalesPrices"), "Application_DialogException",
		"The feature SalesPrices cannot be turned off once it is enabled.")
}

func TestFakeListsEverySet(t *testing.T) {
	t.Parallel()
	srv, a := fake(t)
	ctx := t.Context()
	count := func(n int, err error) int {
		require.NoError(t, err)
		return n
	}
	require.Equal(t, 3, count(length(ctx, a.Companies().EntitySet)))
	require.Equal(t, 3, count(length(ctx, a.AutomationCompanies().EntitySet)))
	require.Equal(t, 5, count(length(ctx, a.Users().EntitySet)))
	require.Equal(t, 10, count(length(ctx, a.PermissionSets())))
	require.Equal(t, 2, count(length(ctx, a.SecurityGroups().EntitySet)))
	require.Equal(t, 4, count(length(ctx, a.Profiles())))
	require.Equal(t, 6, count(length(ctx, a.Extensions().EntitySet)))
	require.Equal(t, 1, count(length(ctx, a.ExtensionDeploymentStatus())))
	require.Equal(t, 1, count(length(ctx, a.ScheduledJobs())))
	require.Equal(t, 4, count(length(ctx, a.Features().EntitySet)))
	require.Equal(t, 5, count(length(ctx, a.UsersPermissions())))
	require.Positive(t, count(length(ctx, a.UserPermissionSets())))
	require.Positive(t, count(length(ctx, a.AccessControls())))
	require.Equal(t, 10, count(length(ctx, a.AggregatePermissionSets())))
	require.Positive(t, count(length(ctx, a.ExpandedPermissionSets())))

	groups, err := a.SecurityGroups().List(nil).Collect(ctx)
	require.NoError(t, err)
	members, err := a.SecurityGroups().Members(groups[0].ID).List(nil).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, members, 2)
	perms, err := a.SecurityGroups().Permissions(groups[0].ID).List(nil).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, perms, 1)

	// The app's own user is there, with the permission sets of its setup.
	app, err := a.UsersPermissions().List(odata.New().Filter(odata.Eq("licenseType", "Application"))).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, app, 1)
	_, clientID, _ := srv.Credentials()
	require.Equal(t, clientID, app[0].ApplicationID)
	require.Equal(t, []string{"D365 AUTOMATION@", "D365 BUS FULL ACCESS@", "LOCAL@", "LOGIN@"}, roles(t, a, app[0].UserSecurityID))
}

func length[T any](ctx context.Context, s *bc.EntitySet[T]) (int, error) {
	all, err := s.List(nil).Collect(ctx)
	return len(all), err
}

func TestFakeRefusesAnAppWithoutD365Automation(t *testing.T) {
	t.Parallel()
	app := bctest.DefaultApp()
	app.PermissionSets = []string{"D365 BUS FULL ACCESS"}
	_, a := fake(t, bctest.WithApp(app))
	_, err := a.Users().List(nil).Collect(t.Context())
	require.ErrorIs(t, err, bc.ErrForbidden)
	require.ErrorContains(t, err, "Sorry, the current permissions prevented the action.")
}

func TestFakeEmptyTenantServesEmptySets(t *testing.T) {
	t.Parallel()
	srv := bctest.NewServer(bctest.WithEmptyTenant())
	t.Cleanup(srv.Close)
	co := srv.Tenant().AddCompany("Only Co")
	a := automation.New(srv.Client(), co.ID)
	users, err := a.Users().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Empty(t, users)
	cos, err := a.AutomationCompanies().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, cos, 1)
	require.Equal(t, co.ID, cos[0].ID)
}
