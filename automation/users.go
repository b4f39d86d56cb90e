package automation

import (
	"context"
	"fmt"
	"strings"

	"github.com/bcsdk/bc"
)

// Users is the users set. List, Get and Update (state, expiryDate,
// contactEmail, with the user's ETag) come from bc.EntitySet.
//
// BC's users set also has the actions getNewUsersFromOffice365 and
// getNewUsersFromOffice365Async, which fetch new users from Microsoft 365.
// They are not offered here: they need the SUPER permission set, which BC
// never grants to an app, so they fail with service-to-service
// authentication. Run them as a delegated admin instead.
type Users struct {
	*bc.EntitySet[User]
}

// Permissions is the user's permission set assignments:
// users({id})/userPermissions. BC lists them only under a user.
func (u *Users) Permissions(userSecurityID string) *bc.EntitySet[UserPermission] {
	return bc.Set[UserPermission](u.Entity(userSecurityID), "userPermissions")
}

// SecurityGroupMembers is the user's security group memberships:
// users({id})/securityGroupMembers.
func (u *Users) SecurityGroupMembers(userSecurityID string) *bc.EntitySet[SecurityGroupMember] {
	return bc.Set[SecurityGroupMember](u.Entity(userSecurityID), "securityGroupMembers")
}

// AssignPermissionSet gives the user a permission set (its role id, e.g.
// "D365 BUS FULL ACCESS") in one company, named as BC names it, or in every
// company when company is empty: POST users({id})/userPermissions
// {"roleId":…, "company":…}. BC fills in the set's scope and app. An app's
// own user cannot be given SUPER.
func (u *Users) AssignPermissionSet(ctx context.Context, userSecurityID, roleID, company string) (UserPermission, error) {
	return u.Permissions(userSecurityID).Create(ctx, UserPermission{RoleID: roleID, Company: company})
}

// RemovePermissionSet takes a permission set away from the user in one
// company (or the assignment for every company, when company is empty):
// each matching assignment is deleted with its ETag. It fails with an error
// matching bc.ErrNotFound when the user has no such assignment.
func (u *Users) RemovePermissionSet(ctx context.Context, userSecurityID, roleID, company string) error {
	perms := u.Permissions(userSecurityID)
	all, err := perms.List(nil, bc.ReadWrite()).Collect(ctx)
	if err != nil {
		return err
	}
	removed := 0
	for _, p := range all {
		if !strings.EqualFold(p.RoleID, roleID) || p.Company != company {
			continue
		}
		if err := perms.Delete(ctx, p.ID, p.ETag); err != nil {
			return err
		}
		removed++
	}
	if removed == 0 {
		where := "every company"
		if company != "" {
			where = "company " + company
		}
		return fmt.Errorf("automation: user %s has no permission set %s for %s: %w", userSecurityID, roleID, where, bc.ErrNotFound)
	}
	return nil
}

// SecurityGroups is the securityGroups set: BC reads the groups from
// Microsoft Entra when they are listed. List, Get and Delete come from
// bc.EntitySet.
type SecurityGroups struct {
	*bc.EntitySet[SecurityGroup]
}

// Members is the group's members: securityGroups({id})/securityGroupMembers.
func (g *SecurityGroups) Members(groupID string) *bc.EntitySet[SecurityGroupMember] {
	return bc.Set[SecurityGroupMember](g.Entity(groupID), "securityGroupMembers")
}

// Permissions is the permission sets assigned to the group:
// securityGroups({id})/securityGroupPermissions.
func (g *SecurityGroups) Permissions(groupID string) *bc.EntitySet[UserPermission] {
	return bc.Set[UserPermission](g.Entity(groupID), "securityGroupPermissions")
}

// AutomationCompanies is the automationCompanies set. Create and Delete
// (with the company's ETag) come from bc.EntitySet. A company created here
// is not initialised: apply a RapidStart package to set it up.
type AutomationCompanies struct {
	*bc.EntitySet[AutomationCompany]
}

// Rename gives the company a new name (BC's Company.Rename), with
// If-Match set to co's ETag. Ids stay; the name in URLs that address the
// company by name changes.
func (s *AutomationCompanies) Rename(ctx context.Context, co AutomationCompany, name string) (AutomationCompany, error) {
	if co.ID == "" {
		return AutomationCompany{}, fmt.Errorf("automation: Rename needs the company as read from BC (its id and ETag)")
	}
	return s.Patch(ctx, co.ID, co.ETag, map[string]string{"name": name})
}
