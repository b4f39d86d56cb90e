package automation

import (
	"slices"
	"strings"

	bcautomation "github.com/bcsdk/bc/automation"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

// API describes BC's Automation API (/api/microsoft/automation/v2.0)
// as the fake serves it: automation.Schema, the one description package
// automation's models are generated from, plus the platform's companies set
// whose company type has a contained navigation to every set of the route.
// Every fake server serves it at Route with demo users, permission
// sets, extensions and features; its actions behave like BC's (see
// actions.go).
//
// The demo data is loaded when the server starts with companies; a server
// made WithEmptyTenant serves the sets empty (its first company holds the
// tenant-wide tables).
//
// The fake keys a table by the first key property only, so for the sets
// with a composite key (securityGroupMembers, profiles) the first one must
// be unique among the rows.
func API() *schema.Service {
	svc := bcautomation.Schema.Clone()
	std, _ := entities.Schema.EntityType("company")
	company := schema.EntityType{Name: "company", Key: std.Key, AlternateKeys: std.AlternateKeys, Properties: std.Properties}
	for _, s := range svc.EntitySets {
		company.Navigation = append(company.Navigation, schema.NavigationProperty{Name: s.Name, Type: s.EntityType, Collection: true, ContainsTarget: true})
	}
	svc.EntityTypes = append(svc.EntityTypes, company)
	svc.EntitySets = append(svc.EntitySets, schema.EntitySet{Name: "companies", EntityType: "company", Sortable: true})
	slices.SortFunc(svc.EntitySets, func(a, b schema.EntitySet) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(svc.EntityTypes, func(a, b schema.EntityType) int { return strings.Compare(a.Name, b.Name) })
	return svc
}
