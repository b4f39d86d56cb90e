package automation_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/automation"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const (
	tenant  = "11111111-2222-3333-4444-555555555555"
	company = "3ab5c248-e72b-f011-9a4a-7c1e5275406f"
	root    = "/v2.0/" + tenant + "/Production/api/microsoft/automation/v2.0/"
	co      = "companies(" + company + ")/"
	userID  = "6a0e5b3c-0d1e-4f2a-9b8c-7d6e5f4a3b2c"
	permID  = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
	pkgID   = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
	extID   = "c3c3c3c3-3333-4333-8333-cccccccccccc"
	upID    = "d4d4d4d4-4444-4444-8444-dddddddddddd"
)

// exchange is one request the client must send, and the answer it gets.
type exchange struct {
	method, path, query  string // path below the route, escaped
	ifMatch, contentType string
	intent               string // Data-Access-Intent
	body                 string
	status               int
	reply                string
}

// script serves the answers in order and records what was asked.
type script struct {
	mu   sync.Mutex
	next []exchange
	got  []exchange
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, exchange{
		method: r.Method, path: strings.TrimPrefix(r.URL.EscapedPath(), root), query: r.URL.RawQuery,
		ifMatch: r.Header.Get("If-Match"), contentType: r.Header.Get("Content-Type"),
		intent: r.Header.Get("Data-Access-Intent"), body: string(body),
	})
	if len(s.next) == 0 {
		w.WriteHeader(http.StatusTeapot)
		return
	}
	ans := s.next[0]
	s.next = s.next[1:]
	if ans.reply != "" {
		w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	}
	w.WriteHeader(ans.status)
	_, _ = io.WriteString(w, ans.reply)
}

type token struct{}

func (token) Token() (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: "t", Expiry: time.Now().Add(time.Hour)}, nil
}

func TestRequestsAreExact(t *testing.T) {
	t.Parallel()
	when := time.Date(2026, time.July, 8, 16, 0, 0, 0, time.UTC)
	ok := func(method, path, query, ifMatch, contentType, intent, body string, status int, reply string) exchange {
		return exchange{method, path, query, ifMatch, contentType, intent, body, status, reply}
	}
	get := func(path, query, reply string) exchange {
		return ok("GET", path, query, "", "", "ReadOnly", "", 200, reply)
	}
	poll := func(path, reply string) exchange { return ok("GET", path, "", "", "", "ReadWrite", "", 200, reply) }
	action := func(path string) exchange { return ok("POST", path, "", "", "", "", "", 204, "") }
	list := func(items ...string) string { return `{"value":[` + strings.Join(items, ",") + `]}` }
	deployment := func(op, status string) string {
		return `{"operationID":"` + op + `","name":"Connector","publisher":"Contoso","operationType":"Upload","status":"` + status + `","schedule":"Current version","appVersion":"1.0.0.0","startedOn":"2026-07-08T16:00:00Z"}`
	}
	pkg := func(importStatus, applyStatus, applyError string) string {
		return `{"@odata.etag":"W/\"p\"","id":"` + pkgID + `","code":"SETUP","importStatus":"` + importStatus + `","applyStatus":"` + applyStatus + `","applyError":"` + applyError + `"}`
	}
	user := `{"@odata.etag":"W/\"u1\"","userSecurityId":"` + userID + `","userName":"JESPER","displayName":"Jesper Aaberg","state":"Enabled","expiryDate":"0001-01-01T00:00:00Z","contactEmail":"j@cronus.example"}`
	newCo := `{"@odata.etag":"W/\"c1\"","id":"` + pkgID + `","name":"New Co","displayName":"New Co Ltd","evaluationCompany":false,"businessProfileId":""}`

	tests := []struct {
		name string
		call func(ctx context.Context, a *automation.Client) error
		want []exchange
		err  string
	}{
		{"companies on the automation route", func(ctx context.Context, a *automation.Client) error {
			_, err := a.Companies().List(nil).Collect(ctx)
			return err
		}, []exchange{get("companies", "", list())}, ""},
		{"create a company", func(ctx context.Context, a *automation.Client) error {
			got, err := a.AutomationCompanies().Create(ctx, automation.AutomationCompany{Name: "New Co", DisplayName: "New Co Ltd"})
			if err == nil && got.ID != pkgID {
				t.Errorf("created %+v", got)
			}
			return err
		}, []exchange{ok("POST", co+"automationCompanies", "", "", "application/json", "", `{"name":"New Co","displayName":"New Co Ltd"}`, 201, newCo)}, ""},
		{"rename a company", func(ctx context.Context, a *automation.Client) error {
			_, err := a.AutomationCompanies().Rename(ctx, automation.AutomationCompany{ETag: `W/"c1"`, ID: pkgID}, "Renamed Co")
			return err
		}, []exchange{ok("PATCH", co+"automationCompanies("+pkgID+")", "", `W/"c1"`, "application/json", "", `{"name":"Renamed Co"}`, 200, newCo)}, ""},
		{"delete a company", func(ctx context.Context, a *automation.Client) error {
			return a.AutomationCompanies().Delete(ctx, pkgID, `W/"c1"`)
		}, []exchange{ok("DELETE", co+"automationCompanies("+pkgID+")", "", `W/"c1"`, "", "", "", 204, "")}, ""},
		{"list users", func(ctx context.Context, a *automation.Client) error {
			_, err := a.Users().List(nil).Collect(ctx)
			return err
		}, []exchange{get(co+"users", "", list(user))}, ""},
		{"disable a user", func(ctx context.Context, a *automation.Client) error {
			u := automation.User{ETag: `W/"u1"`, UserSecurityID: userID, State: automation.UserStateDisabled}
			_, err := a.Users().Update(ctx, u, bc.Fields("state"))
			return err
		}, []exchange{ok("PATCH", co+"users("+userID+")", "", `W/"u1"`, "application/json", "", `{"state":"Disabled"}`, 200, user)}, ""},
		{"assign a permission set", func(ctx context.Context, a *automation.Client) error {
			p, err := a.Users().AssignPermissionSet(ctx, userID, "D365 READ", "CRONUS USA, Inc.")
			if err == nil && p.DisplayName != "Dynamics 365 read access" {
				t.Errorf("assigned %+v", p)
			}
			return err
		}, []exchange{ok("POST", co+"users("+userID+")/userPermissions", "", "", "application/json", "", `{"roleId":"D365 READ","company":"CRONUS USA, Inc."}`, 201,
			`{"id":"`+permID+`","userSecurityId":"`+userID+`","roleId":"D365 READ","displayName":"Dynamics 365 read access","company":"CRONUS USA, Inc.","scope":"System"}`)}, ""},
		{"remove a permission set", func(ctx context.Context, a *automation.Client) error {
			return a.Users().RemovePermissionSet(ctx, userID, "D365 READ", "")
		}, []exchange{
			poll(co+"users("+userID+")/userPermissions", list(
				`{"@odata.etag":"W/\"a\"","id":"`+permID+`","roleId":"D365 READ","company":""}`,
				`{"@odata.etag":"W/\"b\"","id":"`+pkgID+`","roleId":"D365 READ","company":"CRONUS USA, Inc."}`)),
			ok("DELETE", co+"users("+userID+")/userPermissions("+permID+")", "", `W/"a"`, "", "", "", 204, ""),
		}, ""},
		{"remove a permission set the user lacks", func(ctx context.Context, a *automation.Client) error {
			return a.Users().RemovePermissionSet(ctx, userID, "SECURITY", "")
		}, []exchange{poll(co+"users("+userID+")/userPermissions", list())},
			"automation: user " + userID + " has no permission set SECURITY for every company: bc: not found"},
		{"permission set by role id", func(ctx context.Context, a *automation.Client) error {
			_, err := a.PermissionSets().Get(ctx, "D365 AUTOMATION", nil)
			return err
		}, []exchange{get(co+"permissionSets(%27D365%20AUTOMATION%27)", "", `{"id":"D365 AUTOMATION"}`)}, ""},
		{"security group members", func(ctx context.Context, a *automation.Client) error {
			_, err := a.SecurityGroups().Members(permID).List(nil).Collect(ctx)
			return err
		}, []exchange{get(co+"securityGroups(%27"+permID+"%27)/securityGroupMembers", "", list())}, ""},
		{"security group permissions", func(ctx context.Context, a *automation.Client) error {
			_, err := a.SecurityGroups().Permissions(permID).List(nil).Collect(ctx)
			return err
		}, []exchange{get(co+"securityGroups(%27"+permID+"%27)/securityGroupPermissions", "", list())}, ""},
		{"delete a security group", func(ctx context.Context, a *automation.Client) error {
			return a.SecurityGroups().Delete(ctx, permID, "*")
		}, []exchange{ok("DELETE", co+"securityGroups(%27"+permID+"%27)", "", "*", "", "", "", 204, "")}, ""},
		{"user's security groups", func(ctx context.Context, a *automation.Client) error {
			_, err := a.Users().SecurityGroupMembers(userID).List(nil).Collect(ctx)
			return err
		}, []exchange{get(co+"users("+userID+")/securityGroupMembers", "", list())}, ""},
		{"profiles", func(ctx context.Context, a *automation.Client) error {
			_, err := a.Profiles().List(nil).Collect(ctx)
			return err
		}, []exchange{get(co+"profiles", "", list(`{"profileId":"ACCOUNTANT","enabled":true}`))}, ""},
		{"install", func(ctx context.Context, a *automation.Client) error { return a.Extensions().Install(ctx, extID) },
			[]exchange{action(co + "extensions(" + extID + ")/Microsoft.NAV.install")}, ""},
		{"uninstall", func(ctx context.Context, a *automation.Client) error { return a.Extensions().Uninstall(ctx, extID) },
			[]exchange{action(co + "extensions(" + extID + ")/Microsoft.NAV.uninstall")}, ""},
		{"uninstall and delete data", func(ctx context.Context, a *automation.Client) error {
			return a.Extensions().UninstallAndDeleteExtensionData(ctx, extID)
		}, []exchange{action(co + "extensions(" + extID + ")/Microsoft.NAV.uninstallAndDeleteExtensionData")}, ""},
		{"unpublish", func(ctx context.Context, a *automation.Client) error { return a.Extensions().Unpublish(ctx, extID) },
			[]exchange{action(co + "extensions(" + extID + ")/Microsoft.NAV.unpublish")}, ""},
		{"upload an extension", func(ctx context.Context, a *automation.Client) error {
			st, err := a.Extensions().Upload(ctx, strings.NewReader("NAVX app"), automation.ScheduleCurrentVersion, automation.SchemaSyncAdd,
				automation.PollInterval(time.Millisecond))
			if err == nil && (st.Status != automation.DeploymentStatusCompleted || st.OperationID != upID) {
				t.Errorf("deployment %+v", st)
			}
			return err
		}, []exchange{
			poll(co+"extensionDeploymentStatus", list(deployment(extID, "Completed"))),
			ok("POST", co+"extensionUpload", "", "", "application/json", "", `{"schedule":"Current version","schemaSyncMode":"Add"}`, 201, `{"systemId":"`+upID+`","schedule":"Current version","schemaSyncMode":"Add"}`),
			ok("PATCH", co+"extensionUpload("+upID+")/extensionContent", "", "*", "application/octet-stream", "", "NAVX app", 204, ""),
			action(co + "extensionUpload(" + upID + ")/Microsoft.NAV.upload"),
			poll(co+"extensionDeploymentStatus", list(deployment(extID, "Completed"))),
			poll(co+"extensionDeploymentStatus", list(deployment(extID, "Completed"), deployment(upID, "InProgress"))),
			poll(co+"extensionDeploymentStatus", list(deployment(extID, "Completed"), deployment(upID, "Completed"))),
		}, ""},
		{"a failed deployment", func(ctx context.Context, a *automation.Client) error {
			_, err := a.Extensions().Upload(ctx, strings.NewReader("zip"), automation.ScheduleNextMajorVersion, automation.SchemaSyncForceSync,
				automation.PollInterval(time.Millisecond))
			return err
		}, []exchange{
			poll(co+"extensionDeploymentStatus", list()),
			ok("POST", co+"extensionUpload", "", "", "application/json", "", `{"schedule":"Next major version","schemaSyncMode":"Force Sync"}`, 201, `{"systemId":"`+upID+`"}`),
			ok("PATCH", co+"extensionUpload("+upID+")/extensionContent", "", "*", "application/octet-stream", "", "zip", 204, ""),
			action(co + "extensionUpload(" + upID + ")/Microsoft.NAV.upload"),
			poll(co+"extensionDeploymentStatus", list(deployment(upID, "Failed"))),
		}, `automation: deploying extension "Connector": Failed`},
		{"deployment status and uploads", func(ctx context.Context, a *automation.Client) error {
			if _, err := a.ExtensionDeploymentStatus().List(nil).Collect(ctx); err != nil {
				return err
			}
			_, err := a.ExtensionUpload().List(nil).Collect(ctx)
			return err
		}, []exchange{get(co+"extensionDeploymentStatus", "", list()), get(co+"extensionUpload", "", list())}, ""},
		{"create a package", func(ctx context.Context, a *automation.Client) error {
			_, err := a.ConfigurationPackages().Create(ctx, automation.ConfigurationPackage{Code: "SETUP", PackageName: "Company setup"})
			return err
		}, []exchange{ok("POST", co+"configurationPackages", "", "", "application/json", "", `{"code":"SETUP","packageName":"Company setup"}`, 201, pkg("No", "No", ""))}, ""},
		{"upload a package file", func(ctx context.Context, a *automation.Client) error {
			return a.ConfigurationPackages().UploadFile(ctx, pkgID, "SETUP", strings.NewReader("<?xml?>"))
		}, []exchange{ok("PATCH", co+"configurationPackages("+pkgID+")/file(%27SETUP%27)/content", "", "*", "application/octet-stream", "", "<?xml?>", 204, "")}, ""},
		{"import a package", func(ctx context.Context, a *automation.Client) error {
			p, err := a.ConfigurationPackages().Import(ctx, pkgID, automation.PollInterval(time.Millisecond))
			if err == nil && p.ImportStatus != automation.ConfigPackageStatusCompleted {
				t.Errorf("imported %+v", p)
			}
			return err
		}, []exchange{
			action(co + "configurationPackages(" + pkgID + ")/Microsoft.NAV.import"),
			poll(co+"configurationPackages("+pkgID+")", pkg("Scheduled", "No", "")),
			poll(co+"configurationPackages("+pkgID+")", pkg("InProgress", "No", "")),
			poll(co+"configurationPackages("+pkgID+")", pkg("Completed", "No", "")),
		}, ""},
		{"apply a package that fails", func(ctx context.Context, a *automation.Client) error {
			_, err := a.ConfigurationPackages().Apply(ctx, pkgID, automation.PollInterval(time.Millisecond))
			return err
		}, []exchange{
			action(co + "configurationPackages(" + pkgID + ")/Microsoft.NAV.apply"),
			poll(co+"configurationPackages("+pkgID+")", pkg("Completed", "InProgress", "")),
			poll(co+"configurationPackages("+pkgID+")", pkg("Completed", "Error", "Customer 10000 already exists.")),
		}, "automation: applying configuration package SETUP: Error: Customer 10000 already exists."},
		{"a refused import", func(ctx context.Context, a *automation.Client) error {
			_, err := a.ConfigurationPackages().Import(ctx, pkgID)
			return err
		}, []exchange{ok("POST", co+"configurationPackages("+pkgID+")/Microsoft.NAV.import", "", "", "", "", "", 400,
			`{"error":{"code":"Application_DialogException","message":"Please upload a Rapid Start File, before running the import."}}`)},
			"Please upload a Rapid Start File, before running the import."},
		{"scheduled jobs", func(ctx context.Context, a *automation.Client) error {
			_, err := a.ScheduledJobs().List(nil).Collect(ctx)
			return err
		}, []exchange{get(co+"scheduledJobs", "", list())}, ""},
		{"activate a feature", func(ctx context.Context, a *automation.Client) error {
			return a.Features().Activate(ctx, "SalesPrices", true, when)
		}, []exchange{ok("POST", co+"features(%27SalesPrices%27)/Microsoft.NAV.activate", "", "", "application/json", "",
			`{"updateInBackground":true,"startDateTime":"2026-07-08T16:00:00Z"}`, 204, "")}, ""},
		{"deactivate a feature", func(ctx context.Context, a *automation.Client) error {
			return a.Features().Deactivate(ctx, "SalesPrices")
		}, []exchange{action(co + "features(%27SalesPrices%27)/Microsoft.NAV.deactivate")}, ""},
		{"the audit sets", func(ctx context.Context, a *automation.Client) error {
			for _, err := range []error{
				collect(ctx, a.UsersPermissions()), collect(ctx, a.UserPermissionSets()), collect(ctx, a.AccessControls()),
				collect(ctx, a.AggregatePermissionSets()), collect(ctx, a.ExpandedPermissionSets()),
			} {
				if err != nil {
					return err
				}
			}
			return nil
		}, []exchange{
			get(co+"usersPermissions", "", list()), get(co+"userPermissionSets", "", list()), get(co+"accessControls", "", list()),
			get(co+"aggregatePermissionSets", "", list()), get(co+"expandedPermissionSets", "", list()),
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &script{next: tt.want}
			srv := httptest.NewServer(s)
			defer srv.Close()
			c, err := bc.NewClient(tenant, "Production", bc.WithBaseURL(srv.URL+"/v2.0"), bc.WithTokenSource(token{}))
			require.NoError(t, err)
			err = tt.call(t.Context(), automation.New(c, company))
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
			} else {
				require.NoError(t, err)
			}
			for i := range tt.want {
				tt.want[i].status, tt.want[i].reply = 0, ""
			}
			require.Equal(t, tt.want, s.got)
		})
	}
}

func collect[T any](ctx context.Context, s *bc.EntitySet[T]) error {
	_, err := s.List(nil).Collect(ctx)
	return err
}
