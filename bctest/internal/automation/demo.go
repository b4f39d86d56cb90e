package automation

import (
	"crypto/sha1"
	"fmt"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
)

// The demo data of the Automation API: users (the admin, a few people and
// the app's own user), permission sets and their assignments, security
// groups, profiles, extensions installed and not, features, scheduled jobs
// and the audit sets. Ids are derived from names, so they are the same on
// every server.

// App ids of Microsoft's apps, as BC reports them.
const (
	baseAppID   = "437dbf0e-84ff-417a-965d-ed2bb9650972"
	systemAppID = "63ca2fa4-4f03-4f2b-a480-172fef340d3f"
)

// stableGUID derives a GUID from a kind and a name.
func stableGUID(kind, name string) string {
	sum := sha1.Sum([]byte("bctest " + kind + " " + name))
	return protocol.GUID(sum[:16])
}

// demoPermissionSets are the permission sets of the demo: role id, name,
// app (base or system) .
var demoPermissionSets = []struct{ id, name, app string }{
	{"D365 AUTOMATION", "Dynamics 365 Automation", baseAppID},
	{"D365 BASIC", "Dynamics 365 Basic access", baseAppID},
	{"D365 BUS FULL ACCESS", "Dyn. 365 Full Business Acc.", baseAppID},
	{"D365 READ", "Dynamics 365 read access", baseAppID},
	{"D365 TEAM MEMBER", "Dynamics 365 Team Member", baseAppID},
	{"EXTEN. MGT. - ADMIN", "Extension Management - Admin", systemAppID},
	{"LOCAL", "Country/region-specific func.", baseAppID},
	{"LOGIN", "Login", systemAppID},
	{"SECURITY", "Assign permissions to users", systemAppID},
	{"SUPER", "This role has all permissions.", ""},
}

func appName(id string) string {
	switch id {
	case baseAppID:
		return "Base Application"
	case systemAppID:
		return "System Application"
	}
	return ""
}

// demoUser is a user of the demo with its permission sets and group.
type demoUser struct {
	name, full, email, license, group, appID string
	sets                                     []string
}

// Seed fills the Automation API's demo data; it needs a company for the
// tenant-wide tables to exist. clientID and appPermissionSets are the
// fake's app, which appears among the users.
func (st *State) Seed(clientID string, appPermissionSets []string) {
	if st.table("users") == nil {
		return
	}
	st.syncCompanies()
	appSets := append(append([]string(nil), appPermissionSets...), "LOCAL", "LOGIN")
	users := []demoUser{
		{name: "ADMIN", full: "Annie Admin", email: "annie@cronus.example", license: "Full User", sets: []string{"SUPER"}},
		{name: "JESPER", full: "Jesper Aaberg", email: "jesper@cronus.example", license: "Full User", group: "FINANCE", sets: []string{"D365 BUS FULL ACCESS", "LOCAL", "LOGIN"}},
		{name: "MARIA", full: "Maria Lund", email: "maria@cronus.example", license: "Full User", group: "FINANCE", sets: []string{"D365 BUS FULL ACCESS", "LOCAL", "LOGIN"}},
		{name: "TEAM", full: "Tom Team", email: "tom@cronus.example", license: "Team Member", group: "IT ADMINS", sets: []string{"D365 TEAM MEMBER", "LOGIN"}},
		{name: "BCTEST SYNC APP", full: "bctest sync app", license: "Application", appID: clientID, sets: appSets},
	}
	st.seedPermissionSets()
	groups := map[string]string{"FINANCE": "Finance team", "IT ADMINS": "IT administrators"}
	for _, code := range []string{"FINANCE", "IT ADMINS"} {
		_, _ = st.insert(st.table("securityGroups"), map[string]any{"id": stableGUID("entra group", code), "code": code,
			"groupName": groups[code], "groupUserSecurityId": stableGUID("group user", code), "groupId": stableGUID("entra group", code),
			"retrievedSuccessfully": true})
		_, _ = st.insert(st.table("userPermissions"), map[string]any{"id": stableGUID("group permission", code),
			"userSecurityId": stableGUID("group user", code), "roleId": "D365 READ", "displayName": "Dynamics 365 read access",
			"appId": baseAppID, "extensionName": appName(baseAppID), "scope": "System"})
	}
	for _, u := range users {
		id := stableGUID("user", u.name)
		_, _ = st.insert(st.table("users"), map[string]any{"userSecurityId": id, "userName": u.name, "displayName": u.full,
			"state": "Enabled", "contactEmail": u.email})
		_, _ = st.insert(st.table("usersPermissions"), map[string]any{"id": stableGUID("users permission", u.name),
			"userSecurityId": id, "userName": u.name, "fullName": u.full, "state": "Enabled", "licenseType": u.license,
			"authenticationEmail": u.email, "contactEmail": u.email, "applicationId": u.appID})
		if u.group != "" {
			_, _ = st.insert(st.table("securityGroupMembers"), map[string]any{"userSecurityId": id, "securityGroupCode": u.group,
				"securityGroupName": groups[u.group], "userName": u.name, "userFullName": u.full})
		}
		for _, set := range u.sets {
			st.seedAssignment(u, id, set)
		}
	}
	st.seedApps()
	st.seedFeatures()
	for _, co := range st.host.Companies() {
		if jobs, ok := st.host.Table(co.ID, "scheduledJobs"); ok {
			_, _ = st.insert(jobs, map[string]any{"id": stableGUID("job", co.Name), "category": "APIUSERJOB",
				"startDateTime": time.Date(2026, time.October, 1, 6, 0, 0, 0, time.UTC), "status": "Finished",
				"description": "Get new users from Microsoft 365"})
		}
	}
}

func (st *State) seedPermissionSets() {
	for _, ps := range demoPermissionSets {
		scope := "System"
		_, _ = st.insert(st.table("permissionSets"), map[string]any{"id": ps.id, "displayName": ps.name, "appId": ps.app,
			"extensionName": appName(ps.app), "scope": scope})
		_, _ = st.insert(st.table("aggregatePermissionSets"), map[string]any{"id": stableGUID("aggregate", ps.id),
			"appId": ps.app, "appName": appName(ps.app), "name": ps.name, "roleId": ps.id, "scope": scope})
	}
	expanded := []struct {
		role, typ string
		id        int
		name      string
		r, i, m   string
	}{
		{"D365 AUTOMATION", "Table Data", 2000000120, "User", "Yes", "Yes", "Yes"},
		{"D365 AUTOMATION", "Table Data", 2000000053, "Access Control", "Yes", "Yes", "Yes"},
		{"D365 AUTOMATION", "Table Data", 2000000006, "Company", "Yes", "Yes", "Yes"},
		{"D365 READ", "Table Data", 17, "G/L Entry", "Yes", "_x0020_", "_x0020_"},
		{"D365 READ", "Table Data", 18, "Customer", "Yes", "_x0020_", "_x0020_"},
		{"D365 BUS FULL ACCESS", "Table Data", 18, "Customer", "Yes", "Yes", "Yes"},
	}
	for _, e := range expanded {
		_, _ = st.insert(st.table("expandedPermissionSets"), map[string]any{"id": stableGUID("expanded", fmt.Sprint(e.role, e.id)),
			"roleId": e.role, "roleName": e.role, "objectType": e.typ, "objectId": e.id, "objectName": e.name,
			"readPermission": e.r, "insertPermission": e.i, "modifyPermission": e.m, "deletePermission": e.m,
			"executePermission": "_x0020_", "scope": "System", "appId": baseAppID, "appName": appName(baseAppID),
			"alObjectName": e.name})
	}
}

func (st *State) seedAssignment(u demoUser, userID, role string) {
	var ps struct{ id, name, app string }
	for _, p := range demoPermissionSets {
		if p.id == role {
			ps = p
		}
	}
	if ps.id == "" {
		ps.id, ps.name = role, role
	}
	key := u.name + "/" + role
	_, _ = st.insert(st.table("userPermissions"), map[string]any{"id": stableGUID("permission", key), "userSecurityId": userID,
		"roleId": ps.id, "displayName": ps.name, "appId": ps.app, "extensionName": appName(ps.app), "scope": "System"})
	_, _ = st.insert(st.table("userPermissionSets"), map[string]any{"id": stableGUID("user permission set", key),
		"userSecurityId": userID, "type": "User", "roleId": ps.id, "roleName": ps.name, "scope": "System",
		"appId": ps.app, "appName": appName(ps.app)})
	_, _ = st.insert(st.table("accessControls"), map[string]any{"id": stableGUID("access control", key),
		"userSecurityId": userID, "roleId": ps.id, "roleName": ps.name, "userName": u.name, "fullName": u.full,
		"userLicenseType": u.license, "scope": "System", "appId": ps.app, "appName": appName(ps.app)})
}

func (st *State) seedApps() {
	apps := []struct {
		name, publisher, as string
		version             [4]int
		installed           bool
	}{
		{"Base Application", "Microsoft", "Global", [4]int{26, 0, 30643, 32100}, true},
		{"System Application", "Microsoft", "Global", [4]int{26, 0, 30643, 32100}, true},
		{"Business Foundation", "Microsoft", "Global", [4]int{26, 0, 30643, 32100}, true},
		{"AMC Banking 365 Fundamentals", "Microsoft", "Global", [4]int{26, 0, 30643, 32100}, false},
		{"Shopify Connector", "Microsoft", "Global", [4]int{26, 0, 30643, 32100}, false},
		{"Mosaic Resource Planning", "Mosaic", "PTE", [4]int{1, 4, 0, 0}, true},
	}
	for _, a := range apps {
		id := stableGUID("app", a.name)
		switch a.name {
		case "Base Application":
			id = baseAppID
		case "System Application":
			id = systemAppID
		}
		_, _ = st.insert(st.table("extensions"), map[string]any{"packageId": stableGUID("package", a.name), "id": id,
			"displayName": a.name, "publisher": a.publisher, "versionMajor": a.version[0], "versionMinor": a.version[1],
			"versionBuild": a.version[2], "versionRevision": a.version[3], "isInstalled": a.installed, "publishedAs": a.as})
	}
	_, _ = st.insert(st.table("extensionDeploymentStatus"), map[string]any{"operationID": stableGUID("operation", "Mosaic Resource Planning"),
		"name": "Mosaic Resource Planning", "publisher": "Mosaic", "operationType": "Upload", "status": "Completed",
		"schedule": "Current version", "appVersion": "1.4.0.0", "startedOn": time.Date(2026, time.September, 14, 9, 12, 0, 0, time.UTC)})
	profiles := []struct{ id, name string }{
		{"BUSINESS MANAGER", "Business Manager"}, {"ACCOUNTANT", "Accountant"},
		{"ORDER PROCESSOR", "Sales Order Processor"}, {"PROJECT MANAGER", "Project Manager"},
	}
	for _, p := range profiles {
		_, _ = st.insert(st.table("profiles"), map[string]any{"profileId": p.id, "applicationId": baseAppID, "scope": "System",
			"source": appName(baseAppID), "displayName": p.name, "enabled": true})
	}
}

func (st *State) seedFeatures() {
	features := []struct {
		id, description, by string
		enabled, oneWay     bool
		dataUpdate          bool
	}{
		{"SalesPrices", "New sales pricing experience", "Version 28.0", false, true, true},
		{"EnableEmailPreview", "Preview of e-mail drafts before sending", "", false, false, false},
		{"ConcurrentWarehousingPosting", "Concurrent warehouse posting", "Version 27.0", true, true, false},
		{"ReminderTermsCommunicationTexts", "Reminder terms with communication texts", "", true, false, false},
	}
	for _, f := range features {
		enabled := "None"
		if f.enabled {
			enabled = "All_x0020_Users"
		}
		_, _ = st.insert(st.table("features"), map[string]any{"id": f.id, "enabled": enabled, "description": f.description,
			"learnMoreLink": "https://go.microsoft.com/fwlink/?linkid=2112601", "mandatoryBy": f.by, "canTry": !f.oneWay,
			"isOneWay": f.oneWay, "dataUpdateRequired": f.dataUpdate, "descriptionInEnglish": f.description})
	}
}
