package bctest

import (
	"slices"
	"strings"

	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

// AutomationAPI describes BC's Automation API (/api/microsoft/automation/v2.0)
// as the fake serves it: every entity set of the v29 AL pages with its key,
// properties, capabilities, navigation and bound actions. Every fake server
// serves it at AutomationRoute with demo users, permission sets, extensions
// and features; its actions behave like BC's (see automation_actions.go).
//
// The demo data is loaded when the server starts with companies; a server
// made WithEmptyTenant serves the sets empty (its first company holds the
// tenant-wide tables).
//
// The fake keys a table by the first key property only, so for the sets
// with a composite key (securityGroupMembers, profiles) the first one must
// be unique among the rows.
func AutomationAPI() *schema.Service {
	guid := func(name string) schema.Property {
		return schema.Property{Name: name, Type: "Edm.Guid", Nullable: true}
	}
	key := func(p schema.Property) schema.Property { p.Key, p.ReadOnly, p.Nullable = true, true, false; return p }
	ro := func(p schema.Property) schema.Property { p.ReadOnly = true; return p }
	text := func(name string, n int) schema.Property {
		return schema.Property{Name: name, Type: "Edm.String", Nullable: true, MaxLength: n}
	}
	typed := func(name, typ string) schema.Property { return schema.Property{Name: name, Type: typ, Nullable: true} }
	enum := func(name, enumType string) schema.Property {
		return schema.Property{Name: name, Type: "Microsoft.NAV." + enumType, Kind: schema.Enum, Nullable: true}
	}
	num := func(name string) schema.Property { return typed(name, "Edm.Int32") }
	flag := func(name string) schema.Property { return typed(name, "Edm.Boolean") }
	when := func(name string) schema.Property { return typed(name, "Edm.DateTimeOffset") }
	stream := func(name string) schema.Property { return typed(name, "Edm.Stream") }
	// contains is a navigation to a collection, matched on from = to.
	contains := func(name, typ, from, to string) schema.NavigationProperty {
		return schema.NavigationProperty{Name: name, Type: typ, Collection: true, ContainsTarget: true,
			Constraints: []schema.ReferentialConstraint{{Property: from, ReferencedProperty: to}}}
	}
	actions := func(names ...string) []schema.Action {
		out := make([]schema.Action, len(names))
		for i, n := range names {
			out[i] = schema.Action{Name: n}
		}
		return out
	}
	rw := func(name, typ string) schema.EntitySet {
		return schema.EntitySet{Name: name, EntityType: typ, Insertable: true, Updatable: true, Deletable: true, Sortable: true}
	}
	read := func(name, typ string) schema.EntitySet {
		return schema.EntitySet{Name: name, EntityType: typ, Sortable: true}
	}

	types := []schema.EntityType{
		{Name: "automationCompany", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), text("name", 30), text("displayName", 250), flag("evaluationCompany"), text("businessProfileId", 250)}},
		{Name: "configurationPackage", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), text("code", 20), text("packageName", 50), num("languageId"), text("productVersion", 80),
			num("processingOrder"), flag("excludeConfigurationTables"),
			ro(num("numberOfTables")), ro(num("numberOfRecords")), ro(num("numberOfErrors")),
			ro(enum("importStatus", "configPackageStatus")), ro(text("importError", 250)),
			ro(enum("applyStatus", "configPackageStatus")), ro(text("applyError", 250))},
			Navigation: []schema.NavigationProperty{contains("file", "file", "code", "code")},
			Actions:    actions("apply", "import")},
		{Name: "file", Key: []string{"code"}, Properties: []schema.Property{key(text("code", 20)), stream("content")}},
		{Name: "extension", Key: []string{"packageId"}, Properties: []schema.Property{
			key(guid("packageId")), ro(guid("id")), ro(text("displayName", 250)), ro(text("publisher", 250)),
			ro(num("versionMajor")), ro(num("versionMinor")), ro(num("versionBuild")), ro(num("versionRevision")),
			ro(flag("isInstalled")), ro(text("publishedAs", 30))},
			Actions: actions("install", "uninstall", "uninstallAndDeleteExtensionData", "unpublish")},
		{Name: "extensionUpload", Key: []string{"systemId"}, Properties: []schema.Property{
			key(guid("systemId")), text("schedule", 30), text("schemaSyncMode", 30), stream("extensionContent")},
			Actions: actions("upload")},
		{Name: "extensionDeploymentStatus", Key: []string{"operationID"}, Properties: []schema.Property{
			key(guid("operationID")), ro(text("name", 250)), ro(text("publisher", 250)), ro(text("operationType", 30)),
			ro(enum("status", "deploymentStatus")), ro(text("schedule", 30)), ro(text("appVersion", 50)), ro(when("startedOn"))}},
		{Name: "user", Key: []string{"userSecurityId"}, Properties: []schema.Property{
			key(guid("userSecurityId")), ro(text("userName", 50)), ro(text("displayName", 80)), enum("state", "userState"),
			when("expiryDate"), text("contactEmail", 250)},
			Navigation: []schema.NavigationProperty{
				contains("userPermissions", "userPermission", "userSecurityId", "userSecurityId"),
				contains("securityGroupMembers", "securityGroupMember", "userSecurityId", "userSecurityId")}},
		{Name: "userPermission", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), ro(guid("userSecurityId")), text("roleId", 20), ro(text("displayName", 30)), text("company", 30),
			guid("appId"), ro(text("extensionName", 250)), enum("scope", "permissionScope")}},
		{Name: "permissionSet", Key: []string{"id"}, Properties: []schema.Property{
			key(text("id", 20)), ro(text("displayName", 30)), ro(guid("appId")), ro(text("extensionName", 250)),
			ro(enum("scope", "permissionScope"))}},
		{Name: "securityGroup", Key: []string{"id"}, Properties: []schema.Property{
			key(text("id", 250)), ro(text("code", 20)), ro(text("groupName", 250)), ro(guid("groupUserSecurityId")),
			ro(text("groupId", 250)), ro(flag("retrievedSuccessfully"))},
			Navigation: []schema.NavigationProperty{
				contains("securityGroupMembers", "securityGroupMember", "code", "securityGroupCode"),
				contains("securityGroupPermissions", "userPermission", "groupUserSecurityId", "userSecurityId")}},
		{Name: "securityGroupMember", Key: []string{"userSecurityId", "securityGroupCode"}, Properties: []schema.Property{
			key(guid("userSecurityId")), key(text("securityGroupCode", 20)), ro(text("securityGroupName", 250)),
			ro(text("userName", 50)), ro(text("userFullName", 80))}},
		{Name: "profile", Key: []string{"profileId", "applicationId", "scope"}, Properties: []schema.Property{
			key(text("profileId", 30)), key(guid("applicationId")), key(text("scope", 30)), ro(text("source", 250)),
			ro(text("displayName", 250)), ro(flag("enabled"))}},
		{Name: "scheduledJob", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), ro(text("category", 10)), ro(when("startDateTime")), ro(text("status", 30)),
			ro(text("description", 250)), ro(text("errorMessage", 2048))}},
		{Name: "feature", Key: []string{"id"}, Properties: []schema.Property{
			key(text("id", 50)), ro(enum("enabled", "featureEnabled")), ro(text("description", 2048)), ro(text("learnMoreLink", 2048)),
			ro(text("mandatoryBy", 250)), ro(text("mandatoryByVersion", 50)), ro(flag("canTry")), ro(flag("isOneWay")),
			ro(flag("dataUpdateRequired")), ro(text("descriptionInEnglish", 2048))},
			Actions: actions("activate", "deactivate")},
		{Name: "usersPermission", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), ro(guid("userSecurityId")), ro(text("userName", 50)), ro(text("fullName", 80)), ro(text("state", 30)),
			ro(when("expiryDate")), ro(text("licenseType", 50)), ro(text("authenticationEmail", 250)), ro(text("contactEmail", 250)),
			ro(guid("applicationId"))},
			Navigation: []schema.NavigationProperty{contains("userPermissionSets", "userPermissionSet", "userSecurityId", "userSecurityId")}},
		{Name: "userPermissionSet", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), ro(guid("userSecurityId")), ro(text("type", 30)), ro(text("roleId", 20)), ro(text("roleName", 30)),
			ro(text("securityGroupCode", 20)), ro(text("company", 30)), ro(text("scope", 30)), ro(guid("appId")), ro(text("appName", 250))}},
		{Name: "accessControl", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), ro(guid("userSecurityId")), ro(text("roleId", 20)), ro(text("roleName", 30)), ro(text("company", 30)),
			ro(text("userName", 50)), ro(text("fullName", 80)), ro(text("userLicenseType", 50)), ro(text("scope", 30)),
			ro(guid("appId")), ro(text("appName", 250))}},
		{Name: "aggregatePermissionSet", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), ro(guid("appId")), ro(text("appName", 250)), ro(text("name", 30)), ro(text("roleId", 20)), ro(text("scope", 30))},
			Navigation: []schema.NavigationProperty{contains("accessControl", "accessControl", "roleId", "roleId")}},
		{Name: "expandedPermissionSet", Key: []string{"id"}, Properties: []schema.Property{
			key(guid("id")), ro(text("roleId", 20)), ro(text("roleName", 30)), ro(text("objectType", 30)), ro(num("objectId")),
			ro(text("objectName", 250)), ro(text("readPermission", 30)), ro(text("insertPermission", 30)),
			ro(text("modifyPermission", 30)), ro(text("deletePermission", 30)), ro(text("executePermission", 30)),
			ro(text("scope", 30)), ro(guid("appId")), ro(text("appName", 250)), ro(text("alObjectName", 250))}},
	}
	sets := []schema.EntitySet{
		read("accessControls", "accessControl"),
		read("aggregatePermissionSets", "aggregatePermissionSet"),
		{Name: "automationCompanies", EntityType: "automationCompany", Insertable: true, Updatable: true, Deletable: true, Sortable: true},
		read("companies", "company"),
		rw("configurationPackages", "configurationPackage"),
		read("expandedPermissionSets", "expandedPermissionSet"),
		read("extensionDeploymentStatus", "extensionDeploymentStatus"),
		{Name: "extensionUpload", EntityType: "extensionUpload", Insertable: true, Updatable: true, Sortable: true},
		read("extensions", "extension"),
		read("features", "feature"),
		{Name: "file", EntityType: "file", Insertable: true, Updatable: true, Deletable: true, Sortable: true},
		read("permissionSets", "permissionSet"),
		read("profiles", "profile"),
		read("scheduledJobs", "scheduledJob"),
		{Name: "securityGroupMembers", EntityType: "securityGroupMember", Sortable: true},
		{Name: "securityGroups", EntityType: "securityGroup", Deletable: true, Sortable: true},
		rw("userPermissions", "userPermission"),
		read("userPermissionSets", "userPermissionSet"),
		{Name: "users", EntityType: "user", Updatable: true, Sortable: true},
		read("usersPermissions", "usersPermission"),
	}
	// The company type is the platform's, with a contained navigation to
	// every set of the route.
	std, _ := entities.Schema.EntityType("company")
	company := schema.EntityType{Name: "company", Key: std.Key, AlternateKeys: std.AlternateKeys, Properties: std.Properties}
	for _, s := range sets {
		if s.Name != "companies" {
			company.Navigation = append(company.Navigation, schema.NavigationProperty{Name: s.Name, Type: s.EntityType, Collection: true, ContainsTarget: true})
		}
	}
	types = append(types, company)
	members := func(names ...string) []schema.EnumMember {
		out := make([]schema.EnumMember, len(names))
		for i, n := range names {
			out[i] = schema.EnumMember{Name: n, Value: int64(i)}
		}
		return out
	}
	svc := &schema.Service{
		Namespace: "Microsoft.NAV", Container: "NAV", Source: "bctest Automation API microsoft/automation/v2.0",
		EntitySets: sets, EntityTypes: types,
		EnumTypes: []schema.EnumType{
			{Name: "configPackageStatus", Members: members("No", "Scheduled", "InProgress", "Completed", "Error")},
			{Name: "deploymentStatus", Members: members("InProgress", "Completed", "Failed")},
			{Name: "featureEnabled", Members: members("None", "All_x0020_Users")},
			{Name: "permissionScope", Members: members("System", "Tenant")},
			{Name: "userState", Members: members("Enabled", "Disabled")},
		},
	}
	slices.SortFunc(svc.EntitySets, func(a, b schema.EntitySet) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(svc.EntityTypes, func(a, b schema.EntityType) int { return strings.Compare(a.Name, b.Name) })
	return svc
}
