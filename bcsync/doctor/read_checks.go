package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/automation"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/schema"
)

// readTarget is one set the sync reads, on its route.
type readTarget struct{ route, set string }

// targets are the sets of the profile and --entities, as the sync plans them.
func (s *session) targets() ([]readTarget, error) {
	var std, custom []plan.Ref
	for _, r := range plan.RefsOf(s.cfg.Entities) {
		if r.Route == bc.StandardRoute {
			std = append(std, r)
		} else {
			custom = append(custom, r)
		}
	}
	var out []readTarget
	if s.cfg.Profile != "" || len(std) > 0 {
		sets, err := plan.Build(s.cfg.Profile, std, map[string]*schema.Service{bc.StandardRoute: entities.Schema})
		if err != nil {
			return nil, err
		}
		for _, set := range sets {
			out = append(out, readTarget{set.Route, set.Name})
		}
	}
	for _, r := range custom {
		out = append(out, readTarget{r.Route, r.Name})
	}
	return out, nil
}

// tableData reads the object BC names in a permission error.
var tableData = regexp.MustCompile(`\(TableData (.+?) (Read|Insert|Modify|Delete):`)

func setsReadable(ctx context.Context, s *session) outcome {
	targets, err := s.targets()
	if err != nil {
		return fail(err.Error(), "check "+s.names.Profile+" and "+s.names.Entities)
	}
	cos := s.selected
	errs := make([][]error, len(targets))
	for i := range errs {
		errs[i] = make([]error, len(cos))
	}
	conc := s.cfg.Concurrency
	if conc < 1 {
		conc = bc.DefaultMaxConcurrency
	}
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, t := range targets {
		route, err := s.client.RouteAt("/" + t.route)
		if err != nil {
			return fail(err.Error(), "check "+s.names.Entities)
		}
		for j, co := range cos {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				_, errs[i][j] = bc.Set[json.RawMessage](route.Company(co.ID), t.set).List(odata.New().Top(1)).NextPage(ctx)
			})
		}
	}
	wg.Wait()

	var details, objects []string
	permission := false
	for i, t := range targets {
		failed, first := 0, error(nil)
		for _, err := range errs[i] {
			if err != nil {
				failed++
				if first == nil {
					first = err
				}
			}
		}
		if failed == 0 {
			continue
		}
		msg := apiText(first)
		var ae *bc.APIError
		if errors.Is(first, bc.ErrForbidden) && errors.As(first, &ae) {
			permission = true
			msg = ae.Message
			if m := tableData.FindStringSubmatch(ae.Message); m != nil && !slices.Contains(objects, "TableData "+m[1]) {
				objects = append(objects, "TableData "+m[1])
			}
		}
		details = append(details, fmt.Sprintf("%s is not readable in %d of %d companies: %s", t.set, failed, len(cos), msg))
	}
	if len(details) > 0 {
		fix := "check that these sets exist in this Business Central version (" + s.names.Profile + ", " + s.names.Entities + "), then " + s.names.Doctor + " again"
		if permission {
			grant := "the data of these sets"
			if len(objects) > 0 {
				grant = strings.Join(objects, ", ")
			}
			fix = `on the "Microsoft Entra Applications" page in Business Central, give the app a permission set that grants Read on ` +
				grant + " (for example D365 BUS FULL ACCESS, or D365 READ to read only) for every company the sync reads"
		}
		return fail(strings.Join(details, "; "), fix)
	}
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.set
	}
	detail := fmt.Sprintf("%s readable in %s", plural(len(targets), "set"), companiesCount(len(cos)))
	if len(names) <= 8 {
		detail += ": " + strings.Join(names, ", ")
	}
	return pass(detail)
}

func companiesCount(n int) string {
	if n == 1 {
		return "1 company"
	}
	return fmt.Sprintf("%d companies", n)
}

func automationReachable(ctx context.Context, s *session) outcome {
	a := automation.New(s.client, s.selected[0].ID)
	_, err := a.Companies().List(odata.New().Top(1)).NextPage(ctx)
	if err == nil {
		_, err = a.Users().List(odata.New().Top(1)).NextPage(ctx)
	}
	switch {
	case err == nil:
		return pass("companies and users are readable on /api/microsoft/automation/v2.0")
	case errors.Is(err, bc.ErrUnauthorized) && !slices.Contains(s.claims.Roles, automationRole):
		return warning("Business Central refused the Automation API: the token lacks "+automationRole, automationRoleFix)
	case errors.Is(err, bc.ErrForbidden):
		var ae *bc.APIError
		msg := apiText(err)
		if errors.As(err, &ae) {
			msg = ae.Message
		}
		return fail("the app may not use the Automation API: "+msg, d365AutomationFix)
	case errors.Is(err, bc.ErrUnauthorized):
		return fail("Business Central rejected the token on the Automation API: "+apiText(err), entraAppsFix(s.cfg.ClientID))
	case errors.Is(err, bc.ErrNotFound):
		return fail("the server does not offer /api/microsoft/automation/v2.0: "+apiText(err),
			"the Automation API comes with Business Central online (and on-premises from version 17); check "+s.names.BaseURL)
	}
	return fail("the Automation API did not answer as expected: "+apiText(err), networkFix(s.names))
}
