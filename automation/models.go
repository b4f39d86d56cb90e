package automation

import (
	"fmt"
	"time"
)

// The models below are written by hand from BC's AL API pages
// (APIV2 - Aut. *, v29) and the Automation API docs: there is no generated
// metadata for this route. Struct tags follow the generated models of package
// entities: `bc:"key"` marks the key, `bc:"readonly"` what BC computes and
// never accepts, `bc:"guid"` an Edm.Guid held in a string, `bc:"nav"` a
// navigation property filled when expanded.

// AutomationCompany is a company as the automationCompanies set creates,
// renames and deletes it. A company created this way is not initialised: it
// has no setup data, chart of accounts or number series until a RapidStart
// package is applied to it.
type AutomationCompany struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// ID is the key, the company id used in companies({id}).
	ID string `json:"id" bc:"key,readonly,guid"`
	// Name holds at most 30 characters and must be unique in the environment.
	Name              string `json:"name"`
	DisplayName       string `json:"displayName"`
	EvaluationCompany bool   `json:"evaluationCompany"`
	BusinessProfileID string `json:"businessProfileId"`
}

// PackageStatus is the importStatus or applyStatus of a configuration
// package.
type PackageStatus string

// The package statuses. Import and apply run as background tasks: Scheduled,
// then InProgress, then Completed or Error.
const (
	PackageStatusNo         PackageStatus = "No"
	PackageStatusScheduled  PackageStatus = "Scheduled"
	PackageStatusInProgress PackageStatus = "InProgress"
	PackageStatusCompleted  PackageStatus = "Completed"
	PackageStatusError      PackageStatus = "Error"
)

// ConfigurationPackage is a RapidStart package of one company.
type ConfigurationPackage struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// ID is the key.
	ID string `json:"id" bc:"key,readonly,guid"`
	// Code identifies the package, and its file: file('{code}').
	Code                       string        `json:"code"`
	PackageName                string        `json:"packageName"`
	LanguageID                 int           `json:"languageId"`
	ProductVersion             string        `json:"productVersion"`
	ProcessingOrder            int           `json:"processingOrder"`
	ExcludeConfigurationTables bool          `json:"excludeConfigurationTables"`
	NumberOfTables             int           `json:"numberOfTables" bc:"readonly"`
	NumberOfRecords            int           `json:"numberOfRecords" bc:"readonly"`
	NumberOfErrors             int           `json:"numberOfErrors" bc:"readonly"`
	ImportStatus               PackageStatus `json:"importStatus" bc:"readonly"`
	ImportError                string        `json:"importError" bc:"readonly"`
	ApplyStatus                PackageStatus `json:"applyStatus" bc:"readonly"`
	ApplyError                 string        `json:"applyError" bc:"readonly"`
}

// Extension is an app published in the tenant, installed or not.
type Extension struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// PackageID is the key: one published version of an app.
	PackageID string `json:"packageId" bc:"key,readonly,guid"`
	// ID is the app's id, the same for all its versions.
	ID              string `json:"id" bc:"readonly,guid"`
	DisplayName     string `json:"displayName" bc:"readonly"`
	Publisher       string `json:"publisher" bc:"readonly"`
	VersionMajor    int    `json:"versionMajor" bc:"readonly"`
	VersionMinor    int    `json:"versionMinor" bc:"readonly"`
	VersionBuild    int    `json:"versionBuild" bc:"readonly"`
	VersionRevision int    `json:"versionRevision" bc:"readonly"`
	IsInstalled     bool   `json:"isInstalled" bc:"readonly"`
	// PublishedAs is "Global" (AppSource and Microsoft apps), "PTE"
	// (per-tenant extensions) or "Dev".
	PublishedAs string `json:"publishedAs" bc:"readonly"`
}

// Version is the extension's version as BC shows it, e.g. "26.0.30643.0".
func (e Extension) Version() string {
	return fmt.Sprintf("%d.%d.%d.%d", e.VersionMajor, e.VersionMinor, e.VersionBuild, e.VersionRevision)
}

// Schedule says when an uploaded per-tenant extension is deployed.
type Schedule string

// The schedules BC's extensionUpload accepts.
const (
	ScheduleCurrentVersion   Schedule = "Current version"
	ScheduleNextMinorVersion Schedule = "Next minor version"
	ScheduleNextMajorVersion Schedule = "Next major version"
)

// SchemaSyncMode says how an uploaded extension's table changes are applied.
// Force Sync drops data of removed fields and tables.
type SchemaSyncMode string

// The schema sync modes BC's extensionUpload accepts.
const (
	SchemaSyncAdd       SchemaSyncMode = "Add"
	SchemaSyncForceSync SchemaSyncMode = "Force Sync"
)

// ExtensionUpload is the record a per-tenant extension is uploaded through:
// create it, PATCH the .app file into its extensionContent, then call its
// upload action. BC deletes it once the upload is accepted.
type ExtensionUpload struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// SystemID is the key.
	SystemID       string         `json:"systemId" bc:"key,readonly,guid"`
	Schedule       Schedule       `json:"schedule"`
	SchemaSyncMode SchemaSyncMode `json:"schemaSyncMode"`
}

// DeploymentStatus is the status of an extension deployment.
type DeploymentStatus string

// The deployment statuses.
const (
	DeploymentInProgress DeploymentStatus = "InProgress"
	DeploymentCompleted  DeploymentStatus = "Completed"
	DeploymentFailed     DeploymentStatus = "Failed"
)

// ExtensionDeploymentStatus is one extension install or upload operation.
// BC marks the page obsolete in v29 in favour of the admin center API.
type ExtensionDeploymentStatus struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// OperationID identifies the operation where BC exposes it.
	OperationID string `json:"operationID" bc:"key,readonly,guid"`
	Name        string `json:"name" bc:"readonly"`
	Publisher   string `json:"publisher" bc:"readonly"`
	// OperationType is "Upload" or "Install".
	OperationType string           `json:"operationType" bc:"readonly"`
	Status        DeploymentStatus `json:"status" bc:"readonly"`
	Schedule      string           `json:"schedule" bc:"readonly"`
	AppVersion    string           `json:"appVersion" bc:"readonly"`
	StartedOn     time.Time        `json:"startedOn" bc:"readonly"`
}

// UserState is a user's state.
type UserState string

// The user states.
const (
	UserEnabled  UserState = "Enabled"
	UserDisabled UserState = "Disabled"
)

// User is a user of the environment; an app registered on the "Microsoft
// Entra Applications" page is a user too.
type User struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// UserSecurityID is the key.
	UserSecurityID string    `json:"userSecurityId" bc:"key,readonly,guid"`
	UserName       string    `json:"userName" bc:"readonly"`
	DisplayName    string    `json:"displayName" bc:"readonly"`
	State          UserState `json:"state"`
	ExpiryDate     time.Time `json:"expiryDate"`
	ContactEmail   string    `json:"contactEmail"`
	// UserPermissions is set only when the request expands userPermissions.
	UserPermissions []UserPermission `json:"userPermissions,omitempty" bc:"nav"`
	// SecurityGroupMembers is set only when the request expands securityGroupMembers.
	SecurityGroupMembers []SecurityGroupMember `json:"securityGroupMembers,omitempty" bc:"nav"`
}

// PermissionScope says where a permission set is defined.
type PermissionScope string

// The scopes: System sets come with apps, Tenant sets were made in the tenant.
const (
	ScopeSystem PermissionScope = "System"
	ScopeTenant PermissionScope = "Tenant"
)

// UserPermission assigns a permission set to a user (or to a security
// group), for one company or, with Company empty, for all.
type UserPermission struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// ID is the key.
	ID             string `json:"id" bc:"key,readonly,guid"`
	UserSecurityID string `json:"userSecurityId" bc:"readonly,guid"`
	// RoleID is the permission set, e.g. "D365 AUTOMATION".
	RoleID      string `json:"roleId"`
	DisplayName string `json:"displayName" bc:"readonly"`
	// Company is a company name; empty means every company.
	Company       string          `json:"company"`
	AppID         string          `json:"appId" bc:"guid"`
	ExtensionName string          `json:"extensionName" bc:"readonly"`
	Scope         PermissionScope `json:"scope"`
}

// PermissionSet is a permission set that can be assigned.
type PermissionSet struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// ID is the key: the role id, e.g. "D365 BUS FULL ACCESS".
	ID            string          `json:"id" bc:"key,readonly"`
	DisplayName   string          `json:"displayName" bc:"readonly"`
	AppID         string          `json:"appId" bc:"readonly,guid"`
	ExtensionName string          `json:"extensionName" bc:"readonly"`
	Scope         PermissionScope `json:"scope" bc:"readonly"`
}

// SecurityGroup is a Microsoft Entra (or Windows) group whose members get
// the group's permission sets in BC.
type SecurityGroup struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// ID is the key: the group's id in Entra.
	ID                    string `json:"id" bc:"key,readonly"`
	Code                  string `json:"code" bc:"readonly"`
	GroupName             string `json:"groupName" bc:"readonly"`
	GroupUserSecurityID   string `json:"groupUserSecurityId" bc:"readonly,guid"`
	GroupID               string `json:"groupId" bc:"readonly"`
	RetrievedSuccessfully bool   `json:"retrievedSuccessfully" bc:"readonly"`
	// SecurityGroupMembers is set only when the request expands securityGroupMembers.
	SecurityGroupMembers []SecurityGroupMember `json:"securityGroupMembers,omitempty" bc:"nav"`
}

// SecurityGroupMember is a user's membership of a security group. Its key
// is (securityGroupCode, userSecurityId).
type SecurityGroupMember struct {
	ETag              string `json:"@odata.etag,omitempty" bc:"readonly"`
	UserSecurityID    string `json:"userSecurityId" bc:"readonly,guid"`
	SecurityGroupCode string `json:"securityGroupCode" bc:"readonly"`
	SecurityGroupName string `json:"securityGroupName" bc:"readonly"`
	UserName          string `json:"userName" bc:"readonly"`
	UserFullName      string `json:"userFullName" bc:"readonly"`
}

// Profile is a role center profile. Its key is (profileId, applicationId,
// scope).
type Profile struct {
	ETag          string `json:"@odata.etag,omitempty" bc:"readonly"`
	ProfileID     string `json:"profileId" bc:"readonly"`
	ApplicationID string `json:"applicationId" bc:"readonly,guid"`
	Scope         string `json:"scope" bc:"readonly"`
	// Source is the name of the app that defines the profile.
	Source      string `json:"source" bc:"readonly"`
	DisplayName string `json:"displayName" bc:"readonly"`
	Enabled     bool   `json:"enabled" bc:"readonly"`
}

// ScheduledJob is a job queue entry visible to the caller.
type ScheduledJob struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// ID is the key.
	ID            string    `json:"id" bc:"key,readonly,guid"`
	Category      string    `json:"category" bc:"readonly"`
	StartDateTime time.Time `json:"startDateTime" bc:"readonly"`
	// Status is the job queue status as a wire name, e.g. "Ready",
	// "In_x0020_Process", "Error", "On_x0020_Hold", "Finished".
	Status       string `json:"status" bc:"readonly"`
	Description  string `json:"description" bc:"readonly"`
	ErrorMessage string `json:"errorMessage" bc:"readonly"`
}

// FeatureEnabled is for whom a feature is enabled (BC's Feature Key
// "Enabled" option).
type FeatureEnabled string

// The values of FeatureEnabled.
const (
	FeatureEnabledNone     FeatureEnabled = "None"
	FeatureEnabledAllUsers FeatureEnabled = "All_x0020_Users"
)

// Feature is a feature of Feature Management.
type Feature struct {
	ETag string `json:"@odata.etag,omitempty" bc:"readonly"`
	// ID is the key, e.g. "SalesPrices".
	ID                   string         `json:"id" bc:"key,readonly"`
	Enabled              FeatureEnabled `json:"enabled" bc:"readonly"`
	Description          string         `json:"description" bc:"readonly"`
	LearnMoreLink        string         `json:"learnMoreLink" bc:"readonly"`
	MandatoryBy          string         `json:"mandatoryBy" bc:"readonly"`
	MandatoryByVersion   string         `json:"mandatoryByVersion" bc:"readonly"`
	CanTry               bool           `json:"canTry" bc:"readonly"`
	IsOneWay             bool           `json:"isOneWay" bc:"readonly"`
	DataUpdateRequired   bool           `json:"dataUpdateRequired" bc:"readonly"`
	DescriptionInEnglish string         `json:"descriptionInEnglish" bc:"readonly"`
}

// IsEnabled reports whether the feature is on for all users.
func (f Feature) IsEnabled() bool { return f.Enabled == FeatureEnabledAllUsers }

// UsersPermission is a user with identity and licence details, for audits
// (BC v28 and later).
type UsersPermission struct {
	ETag                string    `json:"@odata.etag,omitempty" bc:"readonly"`
	ID                  string    `json:"id" bc:"key,readonly,guid"`
	UserSecurityID      string    `json:"userSecurityId" bc:"readonly,guid"`
	UserName            string    `json:"userName" bc:"readonly"`
	FullName            string    `json:"fullName" bc:"readonly"`
	State               string    `json:"state" bc:"readonly"`
	ExpiryDate          time.Time `json:"expiryDate" bc:"readonly"`
	LicenseType         string    `json:"licenseType" bc:"readonly"`
	AuthenticationEmail string    `json:"authenticationEmail" bc:"readonly"`
	ContactEmail        string    `json:"contactEmail" bc:"readonly"`
	// ApplicationID is the Entra client ID for an app's user.
	ApplicationID string `json:"applicationId" bc:"readonly,guid"`
	// UserPermissionSets is set only when the request expands userPermissionSets.
	UserPermissionSets []UserPermissionSet `json:"userPermissionSets,omitempty" bc:"nav"`
}

// UserPermissionSet is a permission set a user has, directly or through a
// security group (Type says which), for audits (BC v28 and later).
type UserPermissionSet struct {
	ETag              string `json:"@odata.etag,omitempty" bc:"readonly"`
	ID                string `json:"id" bc:"key,readonly,guid"`
	UserSecurityID    string `json:"userSecurityId" bc:"readonly,guid"`
	Type              string `json:"type" bc:"readonly"`
	RoleID            string `json:"roleId" bc:"readonly"`
	RoleName          string `json:"roleName" bc:"readonly"`
	SecurityGroupCode string `json:"securityGroupCode" bc:"readonly"`
	Company           string `json:"company" bc:"readonly"`
	Scope             string `json:"scope" bc:"readonly"`
	AppID             string `json:"appId" bc:"readonly,guid"`
	AppName           string `json:"appName" bc:"readonly"`
}

// AccessControl is a raw Access Control row, for audits (BC v28 and later).
type AccessControl struct {
	ETag            string `json:"@odata.etag,omitempty" bc:"readonly"`
	ID              string `json:"id" bc:"key,readonly,guid"`
	UserSecurityID  string `json:"userSecurityId" bc:"readonly,guid"`
	RoleID          string `json:"roleId" bc:"readonly"`
	RoleName        string `json:"roleName" bc:"readonly"`
	Company         string `json:"company" bc:"readonly"`
	UserName        string `json:"userName" bc:"readonly"`
	FullName        string `json:"fullName" bc:"readonly"`
	UserLicenseType string `json:"userLicenseType" bc:"readonly"`
	Scope           string `json:"scope" bc:"readonly"`
	AppID           string `json:"appId" bc:"readonly,guid"`
	AppName         string `json:"appName" bc:"readonly"`
}

// AggregatePermissionSet is a permission set of any app or of the tenant,
// for audits (BC v28 and later); BC leaves out its internal *_Exclude_* sets.
type AggregatePermissionSet struct {
	ETag    string `json:"@odata.etag,omitempty" bc:"readonly"`
	ID      string `json:"id" bc:"key,readonly,guid"`
	AppID   string `json:"appId" bc:"readonly,guid"`
	AppName string `json:"appName" bc:"readonly"`
	Name    string `json:"name" bc:"readonly"`
	RoleID  string `json:"roleId" bc:"readonly"`
	Scope   string `json:"scope" bc:"readonly"`
	// AccessControl is set only when the request expands accessControl.
	AccessControl []AccessControl `json:"accessControl,omitempty" bc:"nav"`
}

// ExpandedPermissionSet is one object permission of a permission set, with
// included sets expanded, for audits (BC v28 and later). The permission
// values are wire names: "Yes", "Indirect" or "_x0020_" (none).
type ExpandedPermissionSet struct {
	ETag              string `json:"@odata.etag,omitempty" bc:"readonly"`
	ID                string `json:"id" bc:"key,readonly,guid"`
	RoleID            string `json:"roleId" bc:"readonly"`
	RoleName          string `json:"roleName" bc:"readonly"`
	ObjectType        string `json:"objectType" bc:"readonly"`
	ObjectID          int    `json:"objectId" bc:"readonly"`
	ObjectName        string `json:"objectName" bc:"readonly"`
	ReadPermission    string `json:"readPermission" bc:"readonly"`
	InsertPermission  string `json:"insertPermission" bc:"readonly"`
	ModifyPermission  string `json:"modifyPermission" bc:"readonly"`
	DeletePermission  string `json:"deletePermission" bc:"readonly"`
	ExecutePermission string `json:"executePermission" bc:"readonly"`
	Scope             string `json:"scope" bc:"readonly"`
	AppID             string `json:"appId" bc:"readonly,guid"`
	AppName           string `json:"appName" bc:"readonly"`
	ALObjectName      string `json:"alObjectName" bc:"readonly"`
}
