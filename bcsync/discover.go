package bcsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
)

func builtinSchema() *schema.Service { return entities.Schema }

// companiesTable is the companies table: every company property, no
// companyId column, keyed by id.
func companiesTable(std *schema.Service) *store.Table {
	typ, ok := std.EntityType("company")
	if !ok {
		typ, _ = entities.Schema.EntityType("company")
	}
	t := &store.Table{Name: "companies", Key: []string{"id"}}
	for _, c := range plan.Columns(typ) {
		t.Columns = append(t.Columns, c.Column)
	}
	return t
}

// discover lists the companies, keeps those asked for, and reads BC's clock
// from the response (the watermark of this run).
func (e *Engine) discover(ctx context.Context, std *schema.Service) ([]company, time.Time, []store.Row, error) {
	typ, ok := std.EntityType("company")
	if !ok {
		typ, _ = entities.Schema.EntityType("company")
	}
	t := companiesTable(std)
	d := decode.New(decode.Table{Fields: fields(plan.Columns(typ)), Key: "id"}, "", nil)
	idCol, nameCol := colIndex(t, "id"), colIndex(t, "name")
	p := bc.Set[json.RawMessage](e.client.StandardAPI(), "companies").List(nil)
	var all []company
	var rows []store.Row
	serverStart := time.Time{}
	for p.More() {
		page, err := p.NextPage(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return nil, time.Time{}, nil, ctx.Err()
		case isSetupFailure(err):
			return nil, time.Time{}, nil, &SetupError{StepCredentials, fmt.Errorf("listing companies: %w", err)}
		case errors.Is(err, bc.ErrTokenExpired):
			return nil, time.Time{}, nil, fmt.Errorf("listing companies: %w", err)
		case errors.Is(err, bc.ErrNotFound):
			return nil, time.Time{}, nil, &SetupError{StepEnvironment, fmt.Errorf("the environment %q does not exist in tenant %s (%w)", e.client.Environment(), e.client.TenantID(), err)}
		default:
			return nil, time.Time{}, nil, &SetupError{StepCompanies, fmt.Errorf("listing companies: %w", err)}
		}
		if serverStart.IsZero() {
			serverStart = serverTime(page.Response.Header, e.clock.Now())
		}
		for _, raw := range page.Items {
			var out decode.Rows
			if err := d.Decode(raw, "", &out); err != nil {
				return nil, time.Time{}, nil, fmt.Errorf("decoding a company: %w", err)
			}
			row := out.Rows[0]
			all = append(all, company{id: row[idCol].Text, name: row[nameCol].Text})
			rows = append(rows, row)
		}
	}
	if len(all) == 0 {
		return nil, time.Time{}, nil, &SetupError{StepCompanies, errors.New("BC lists no companies in this environment: check the environment, and that the app's permission sets cover the companies (a blank company on the \"Microsoft Entra Applications\" page means all)")}
	}
	keep, err := selectCompanies(all, e.opts.Companies)
	if err != nil {
		return nil, time.Time{}, nil, &SetupError{StepCompanySelection, err}
	}
	var kept []store.Row
	for i, co := range all {
		if contains(keep, co) {
			kept = append(kept, rows[i])
		}
	}
	return keep, serverStart, kept, nil
}

func colIndex(t *store.Table, name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func contains(list []company, c company) bool {
	for _, x := range list {
		if x.id == c.id {
			return true
		}
	}
	return false
}

// selectCompanies keeps the companies named (by name or id) in want.
func selectCompanies(all []company, want []string) ([]company, error) {
	if len(want) == 0 {
		return all, nil
	}
	var keep []company
	for _, w := range want {
		found := false
		for _, c := range all {
			if strings.EqualFold(c.id, w) || c.name == w {
				if !contains(keep, c) {
					keep = append(keep, c)
				}
				found = true
			}
		}
		if !found {
			names := make([]string, len(all))
			for i, c := range all {
				names[i] = fmt.Sprintf("%q (%s)", c.name, c.id)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("no company named or with id %q; the environment has %s", w, strings.Join(names, ", "))
		}
	}
	return keep, nil
}

// serverTime reads BC's clock from a response's Date header, or takes the
// time now when there is none.
func serverTime(h http.Header, now time.Time) time.Time {
	if t, err := http.ParseTime(h.Get("Date")); err == nil {
		return t.UTC()
	}
	return now.UTC().Truncate(time.Second)
}
