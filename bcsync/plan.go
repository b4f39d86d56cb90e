package bcsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/schema"
)

// Plan is what a run reads: the companies and the sets, with their tables.
type Plan struct {
	Companies []Company
	Sets      []PlannedSet
}

// PlannedSet is one entity set of a plan, read in every company.
type PlannedSet struct {
	Route, Name string
	// Table is the set's table; "" when the set is read only for its
	// children (a child set was asked for without its parent).
	Table string
	// Children are the tables of the children read with the set
	// (salesInvoiceLines with salesInvoices).
	Children []string
	// Incremental: the set has change times, so runs after the first read
	// only what changed; otherwise every run reads it in full.
	Incremental bool
}

// prepared is what planning learnt from BC before any store work.
type prepared struct {
	companies   []company
	companyRows []store.Row // the companies table's rows
	serverStart time.Time   // BC's clock when the run began: its watermark
	schemas     map[string]*schema.Service
	sets        []*plan.Set
}

// Plan discovers the companies, reads the $metadata of every route in use
// and plans the sets, without touching the store: listing the companies
// proves the credentials, the environment and that BC accepts the app. The
// next Run uses this plan; it plans itself when Plan was not called.
func (e *Engine) Plan(ctx context.Context) (*Plan, error) {
	if e.next == nil {
		p, err := e.plan(ctx)
		if err != nil {
			return nil, err
		}
		e.next = p
	}
	return e.next.public(), nil
}

func (e *Engine) plan(ctx context.Context) (*prepared, error) {
	p := &prepared{}
	var err error
	if p.companies, p.serverStart, p.companyRows, err = e.discover(ctx, builtinSchema()); err != nil {
		return nil, err
	}
	if p.schemas, err = e.schemas(ctx); err != nil {
		return nil, err
	}
	if p.sets, err = plan.Build(e.opts.Profile, plan.RefsOf(e.opts.Sets), p.schemas); err != nil {
		return nil, &SetupError{StepPlan, err}
	}
	return p, nil
}

func (p *prepared) public() *Plan {
	out := &Plan{}
	for _, co := range p.companies {
		out.Companies = append(out.Companies, Company{co.id, co.name})
	}
	for _, s := range p.sets {
		ps := PlannedSet{Route: s.Route, Name: s.Name, Incremental: s.LastModified}
		if s.Store {
			ps.Table = s.Table.Name
		}
		for _, c := range s.Children {
			ps.Children = append(ps.Children, c.Table.Name)
		}
		out.Sets = append(out.Sets, ps)
	}
	return out
}

// schemas reads the live $metadata of every route in use, so the store
// gets new properties as columns; the built-in registry serves when BC's
// document of the standard API cannot be read.
func (e *Engine) schemas(ctx context.Context) (map[string]*schema.Service, error) {
	routes := []string{bc.StandardRoute}
	for _, r := range plan.RefsOf(e.opts.Sets) {
		if !slices.Contains(routes, r.Route) {
			routes = append(routes, r.Route)
		}
	}
	out := map[string]*schema.Service{}
	for _, route := range routes {
		svc, err := e.metadata(ctx, route)
		switch {
		case err == nil:
			out[route] = svc
		case isSetupFailure(err):
			return nil, &SetupError{StepCredentials, err}
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, bc.ErrTokenExpired):
			return nil, fmt.Errorf("reading the $metadata of /%s: %w", route, err)
		case route == bc.StandardRoute:
			e.log.Warn("using the built-in v26 schema: BC's $metadata could not be read", "error", err)
			out[route] = builtinSchema()
		default:
			return nil, &SetupError{StepMetadata, fmt.Errorf("reading the $metadata of /%s: %w", route, err)}
		}
	}
	return out, nil
}
