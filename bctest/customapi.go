package bctest

import "github.com/bcsdk/bc/schema"

// JobTasksAPI describes a custom API with one set, jobTasks: the project
// tasks (phases) Mosaic's resource planning reads, as a partner would expose
// them with an AL API page (APIPublisher "bcsdk", APIGroup "demo", version
// v1.0). Serve it with WithCustomAPI("bcsdk", "demo", "v1.0", JobTasksAPI());
// the demo tenant fills it.
func JobTasksAPI() *schema.Service {
	guid := func(name string, key bool) schema.Property {
		return schema.Property{Name: name, Type: "Edm.Guid", Nullable: !key, Key: key, ReadOnly: key}
	}
	text := func(name string, n int) schema.Property {
		return schema.Property{Name: name, Type: "Edm.String", Nullable: true, MaxLength: n}
	}
	return &schema.Service{
		Namespace: "Microsoft.NAV", Container: "NAV", Source: "bctest custom API bcsdk/demo/v1.0",
		EntitySets: []schema.EntitySet{
			{Name: "companies", EntityType: "company", Sortable: true},
			{Name: "jobTasks", EntityType: "jobTask", Insertable: true, Updatable: true, Deletable: true, Sortable: true},
		},
		EntityTypes: []schema.EntityType{
			{Name: "company", Key: []string{"id"}, Properties: []schema.Property{guid("id", true), text("name", 30), text("displayName", 250)},
				Navigation: []schema.NavigationProperty{{Name: "jobTasks", Type: "jobTask", Collection: true, ContainsTarget: true}}},
			{Name: "jobTask", Key: []string{"id"}, Properties: []schema.Property{
				guid("id", true), text("jobNumber", 20), text("jobTaskNumber", 20), text("description", 100),
				{Name: "jobTaskType", Type: "Microsoft.NAV.jobTaskType", Kind: schema.Enum, Nullable: true},
				{Name: "budgetAmount", Type: "Edm.Decimal", Nullable: true, Scale: "Variable"},
				{Name: "startDate", Type: "Edm.Date", Nullable: true},
				{Name: "endDate", Type: "Edm.Date", Nullable: true},
				{Name: "lastModifiedDateTime", Type: "Edm.DateTimeOffset", Nullable: true, ReadOnly: true},
			}},
		},
		EnumTypes: []schema.EnumType{{Name: "jobTaskType", Members: []schema.EnumMember{
			{Name: "Posting", Value: 0}, {Name: "Heading", Value: 1}, {Name: "Total", Value: 2},
			{Name: "Begin_x002D_Total", Value: 3}, {Name: "End_x002D_Total", Value: 4},
		}}},
	}
}
