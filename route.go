package bc

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Scope is where an entity set lives: an API route, a company, or an entity
// whose contained sets are reached by navigation. Path is relative to the
// client's service root and already escaped.
type Scope interface {
	Client() *Client
	Path() string
}

// Route is one API route of an environment: the standard API v2.0, a custom
// API (/api/{publisher}/{group}/{version}), which includes the Automation API
// (package automation). It is a Scope
// for route-level sets such as companies and subscriptions.
type Route struct {
	c    *Client
	path string
}

// StandardRoute is the path of BC's standard API, API v2.0: the route of
// every set the SDK's entities package describes.
const StandardRoute = "api/v2.0"

// StandardAPI returns the standard API v2.0 route (StandardRoute).
func (c *Client) StandardAPI() *Route { return &Route{c: c, path: StandardRoute} }

// API returns a custom API route, e.g. c.API("contoso", "mosaic", "v1.0") for
// /api/contoso/mosaic/v1.0, or c.API("microsoft", "reportsFinance", "beta").
func (c *Client) API(publisher, group, version string) *Route {
	return &Route{c: c, path: "api/" + url.PathEscape(publisher) + "/" + url.PathEscape(group) + "/" + url.PathEscape(version)}
}

// RouteAt returns the route at an API path such as "/api/contoso/mosaic/v1.0"
// (the form used on the sync's command line). It checks the shape only.
func (c *Client) RouteAt(path string) (*Route, error) {
	p := strings.Trim(path, "/")
	parts := strings.Split(p, "/")
	switch {
	case p == StandardRoute:
		return c.StandardAPI(), nil
	case len(parts) == 4 && parts[0] == "api" && parts[1] != "" && parts[2] != "" && parts[3] != "":
		return c.API(parts[1], parts[2], parts[3]), nil
	}
	return nil, fmt.Errorf("bc: %q is not an API route: write /api/v2.0 or /api/{publisher}/{group}/{version}", path)
}

// Client implements Scope.
func (r *Route) Client() *Client { return r.c }

// Path implements Scope: "api/v2.0" or "api/{publisher}/{group}/{version}".
func (r *Route) Path() string { return r.path }

// Entity is one entity addressed by key; it is the Scope of the sets
// contained in it (co.SalesInvoices().Entity(id) holds salesInvoiceLines).
type Entity struct {
	c    *Client
	path string
}

// Client implements Scope.
func (e *Entity) Client() *Client { return e.c }

// Path implements Scope: ".../salesInvoices(<id>)".
func (e *Entity) Path() string { return e.path }

// Media returns the handle of a stream property of this entity, or of a
// single-valued navigation's stream ("picture/pictureContent").
func (e *Entity) Media(property string) *Media {
	return &Media{c: e.c, path: e.path + "/" + property}
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func validName(kind, name string) error {
	if !identifier.MatchString(name) {
		return fmt.Errorf("bc: %s %q is not a valid name (letters, digits and '_')", kind, name)
	}
	return nil
}
