package bc

import (
	"net/url"

	"github.com/bcsdk/bc/entities"
)

// Company is a company-scoped handle: every company entity set hangs off it
// (bc.Set[T](co, name), or typed in package sets: sets.For(co).Customers()).
// It does no I/O.
type Company struct {
	route *Route
	id    string
	path  string
}

// Company is the standard API's handle for one company; see Route.Company.
func (c *Client) Company(id string) *Company { return c.StandardAPI().Company(id) }

// Company returns the handle for a company on this route. Nearly every BC
// entity lives under a company; the handle does no I/O.
func (r *Route) Company(id string) *Company {
	return &Company{route: r, id: id, path: r.path + "/companies" + KeySegment(id)}
}

// CompanyByName addresses a company by its name (BC declares name as an
// alternate key), quoting and escaping it, so names with quotes, slashes and
// non-ASCII letters work.
func (r *Route) CompanyByName(name string) *Company {
	return &Company{route: r, path: r.path + "/companies(name=" + url.PathEscape(quoteKey(name)) + ")"}
}

// Client implements Scope.
func (co *Company) Client() *Client { return co.route.c }

// Path implements Scope: "api/v2.0/companies(<id>)".
func (co *Company) Path() string { return co.path }

// ID returns the company id the handle was made with ("" for CompanyByName).
func (co *Company) ID() string { return co.id }

// Route returns the API route of the company.
func (co *Company) Route() *Route { return co.route }

// CompaniesSet is the companies of a route (read-only): list them to find
// the ids that Company takes. The operations come from EntitySet.
type CompaniesSet struct{ *EntitySet[entities.Company] }

// Companies returns the route's companies set.
func (r *Route) Companies() CompaniesSet { return CompaniesSet{Set[entities.Company](r, "companies")} }

// Companies returns the companies of the environment (standard API). Each
// has id, name, displayName and businessProfileId.
func (c *Client) Companies() CompaniesSet { return c.StandardAPI().Companies() }
