package bctest

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// JobTasksRoute is the route WithCustomAPI("bcsdk", "demo", "v1.0",
// JobTasksAPI()) serves.
const JobTasksRoute = "api/bcsdk/demo/v1.0"

// fillJobTasks gives every demo project its tasks on the custom jobTasks API,
// when the server serves it: a heading, posting tasks with budgets and dates,
// and a total, as a project's task list looks in BC.
func fillJobTasks(t *Tenant, seed uint64) {
	if _, ok := t.t.Route(JobTasksRoute); !ok {
		return
	}
	for ci, co := range t.Companies() {
		rng := rand.New(rand.NewPCG(seed, uint64(ci)+0x70b))
		var projects []map[string]string
		co.Each("projects", func(r map[string]string) bool { projects = append(projects, r); return true })
		for pi, p := range projects {
			start := time.Date(2025, time.Month(1+pi%12), 1+rng.IntN(20), 0, 0, 0, 0, time.UTC)
			n := 3 + rng.IntN(4)
			for k := 0; k <= n+1; k++ {
				typ, desc, budget := "Posting", fmt.Sprintf("Phase %d", k), fmt.Sprintf("%d.%02d", 1000+rng.IntN(40000), rng.IntN(100))
				switch k {
				case 0:
					typ, desc, budget = "Begin_x002D_Total", "Project phases", "0"
				case n + 1:
					typ, desc, budget = "End_x002D_Total", "Total project phases", "0"
				}
				end := start.AddDate(0, 1+rng.IntN(3), 0)
				_, err := co.InsertInto(JobTasksRoute, "jobTasks", map[string]any{
					"jobNumber": p["number"], "jobTaskNumber": fmt.Sprintf("%04d", (k+1)*1000), "description": desc,
					"jobTaskType": typ, "budgetAmount": budget, "startDate": start, "endDate": end,
					"lastModifiedDateTime": start.Add(time.Duration(rng.IntN(86400)) * time.Second),
				})
				if err != nil {
					panic("bctest: demo job tasks: " + err.Error())
				}
				start = end
			}
		}
	}
}
