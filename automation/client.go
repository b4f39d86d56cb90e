// Package automation is a typed client for Business Central's Automation API
// (/api/microsoft/automation/v2.0), which sets a tenant up: companies,
// users and their permission sets, security groups, extensions (install,
// uninstall, upload of per-tenant extensions), RapidStart configuration
// packages, feature management, scheduled jobs, and the permission audit
// sets of BC v28 and later.
//
// The app needs the Automation.ReadWrite.All application permission in
// Microsoft Entra and, on BC's "Microsoft Entra Applications" page, the
// D365 AUTOMATION permission set (and EXTEN. MGT. - ADMIN for extensions).
// Every endpoint sits under companies({id})/…, even the tenant-wide ones
// (users, extensions): any valid company id works for those. See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/administration/itpro-introduction-to-automation-apis
//
//	a := automation.New(c, companyID)
//	err := a.Extensions().Install(ctx, packageID)
//	st, err := a.Extensions().Upload(ctx, appFile, automation.ScheduleCurrentVersion, automation.SchemaSyncAdd)
//	p, err := a.Users().AssignPermissionSet(ctx, userID, "D365 BUS FULL ACCESS", "")
package automation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bcsdk/bc"
)

// Client is the Automation API of one environment, addressed through one
// company. It does no I/O until a method of a set is called.
type Client struct {
	c  *bc.Client
	co *bc.Company
}

// New returns the Automation API client. companyID is the company the
// requests go through: the company that company-scoped sets
// (configurationPackages, scheduledJobs) belong to, and any valid company for
// the tenant-wide sets.
func New(c *bc.Client, companyID string) *Client {
	return &Client{c: c, co: route(c).Company(companyID)}
}

// route is the Automation API's route, api/microsoft/automation/v2.0.
func route(c *bc.Client) *bc.Route { return c.API("microsoft", "automation", "v2.0") }

// Company returns the company scope requests go through, for sets not typed
// here: bc.Set[T](a.Company(), "…").
func (a *Client) Company() *bc.Company { return a.co }

// Companies lists the environment's companies on the Automation route (the
// platform's companies set, read-only).
func (a *Client) Companies() bc.CompaniesSet { return route(a.c).Companies() }

// AutomationCompanies creates, renames and deletes companies.
func (a *Client) AutomationCompanies() *AutomationCompanies {
	return &AutomationCompanies{bc.Set[AutomationCompany](a.co, "automationCompanies")}
}

// Users lists users, changes their state and expiry, and assigns and
// removes their permission sets.
func (a *Client) Users() *Users { return &Users{bc.Set[User](a.co, "users")} }

// PermissionSets lists the permission sets that can be assigned.
func (a *Client) PermissionSets() *bc.EntitySet[PermissionSet] {
	return bc.Set[PermissionSet](a.co, "permissionSets", bc.StringKey())
}

// SecurityGroups lists the security groups and deletes them.
func (a *Client) SecurityGroups() *SecurityGroups {
	return &SecurityGroups{bc.Set[SecurityGroup](a.co, "securityGroups", bc.StringKey())}
}

// Profiles lists the role center profiles (read-only).
func (a *Client) Profiles() *bc.EntitySet[Profile] { return bc.Set[Profile](a.co, "profiles") }

// Extensions lists the published extensions, installs, uninstalls and
// unpublishes them, and uploads per-tenant extensions.
func (a *Client) Extensions() *Extensions {
	return &Extensions{EntitySet: bc.Set[Extension](a.co, "extensions"), a: a}
}

// ExtensionUpload is the extensionUpload set that Extensions.Upload uses.
func (a *Client) ExtensionUpload() *bc.EntitySet[ExtensionUpload] {
	return bc.Set[ExtensionUpload](a.co, "extensionUpload")
}

// ExtensionDeploymentStatus lists extension install and upload operations.
func (a *Client) ExtensionDeploymentStatus() *bc.EntitySet[ExtensionDeploymentStatus] {
	return bc.Set[ExtensionDeploymentStatus](a.co, "extensionDeploymentStatus")
}

// ConfigurationPackages creates RapidStart packages, uploads their files,
// and imports and applies them.
func (a *Client) ConfigurationPackages() *ConfigurationPackages {
	return &ConfigurationPackages{bc.Set[ConfigurationPackage](a.co, "configurationPackages")}
}

// ScheduledJobs lists the job queue entries the caller can see.
func (a *Client) ScheduledJobs() *bc.EntitySet[ScheduledJob] {
	return bc.Set[ScheduledJob](a.co, "scheduledJobs")
}

// Features lists Feature Management's features and activates and
// deactivates them.
func (a *Client) Features() *Features {
	return &Features{bc.Set[Feature](a.co, "features", bc.StringKey())}
}

// UsersPermissions lists users with their licence details (audit, BC v28+).
// Like the other audit sets, its results are not limited to the company in
// the route.
func (a *Client) UsersPermissions() *bc.EntitySet[UsersPermission] {
	return bc.Set[UsersPermission](a.co, "usersPermissions")
}

// UserPermissionSets lists every user's permission sets, direct and through
// security groups (audit, BC v28+).
func (a *Client) UserPermissionSets() *bc.EntitySet[UserPermissionSet] {
	return bc.Set[UserPermissionSet](a.co, "userPermissionSets")
}

// AccessControls lists the raw Access Control rows (audit, BC v28+).
func (a *Client) AccessControls() *bc.EntitySet[AccessControl] {
	return bc.Set[AccessControl](a.co, "accessControls")
}

// AggregatePermissionSets lists the permission sets of every app and of
// the tenant (audit, BC v28+).
func (a *Client) AggregatePermissionSets() *bc.EntitySet[AggregatePermissionSet] {
	return bc.Set[AggregatePermissionSet](a.co, "aggregatePermissionSets")
}

// ExpandedPermissionSets lists the object permissions of every permission
// set, included sets expanded (audit, BC v28+).
func (a *Client) ExpandedPermissionSets() *bc.EntitySet[ExpandedPermissionSet] {
	return bc.Set[ExpandedPermissionSet](a.co, "expandedPermissionSets")
}

// DefaultPollInterval is how often the status of a long-running operation
// (extension deployment, package import or apply) is read.
const DefaultPollInterval = 5 * time.Second

// WaitOption adjusts how a long-running operation is followed. The wait
// ends when the operation ends or the context is done.
type WaitOption func(*waitConfig)

type waitConfig struct{ interval time.Duration }

// PollInterval sets how often the operation's status is read (default
// DefaultPollInterval).
func PollInterval(d time.Duration) WaitOption {
	return func(c *waitConfig) {
		if d > 0 {
			c.interval = d
		}
	}
}

func waitOptions(opts []WaitOption) waitConfig {
	c := waitConfig{interval: DefaultPollInterval}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// poll calls check until it reports done, an error, or ctx ends, waiting
// interval between calls.
func poll[T any](ctx context.Context, interval time.Duration, check func(context.Context) (T, bool, error)) (T, error) {
	t := time.NewTimer(0)
	defer t.Stop()
	var last T
	for {
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("automation: waiting for the operation: %w", ctx.Err())
		case <-t.C:
		}
		v, done, err := check(ctx)
		last = v
		if err != nil || done {
			return v, err
		}
		t.Reset(interval)
	}
}

// ErrOperationFailed is matched (errors.Is) by the error of an extension
// deployment, package import or package apply that BC reports as failed.
var ErrOperationFailed = errors.New("automation: the operation failed")

// OperationError is a long-running operation that BC reports as failed.
type OperationError struct {
	// Operation is what failed, e.g. `deploying extension "Contoso Connector"`.
	Operation string
	// Status is the final status BC reports ("Failed", "Error").
	Status string
	// Message is BC's error text, when it gives one.
	Message string
}

func (e *OperationError) Error() string {
	s := "automation: " + e.Operation + ": " + e.Status
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes errors.Is(err, ErrOperationFailed) true.
func (e *OperationError) Is(target error) bool { return target == ErrOperationFailed }
