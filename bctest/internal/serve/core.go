// Package serve answers BC's API requests over the tenant's state: it
// resolves a path below an API route to the service document, $metadata, a
// collection, an entity or a navigation, and serves reads (paging with
// $skiptoken, $count, $expand), writes (deep insert, ETags, bound actions)
// and media, handing JSON $batch to package batch. It is separate from
// package bctest, which authenticates, limits and composes: this package is
// what BC's OData layer does once a request is let in.
package serve

import (
	"net/http"
	"time"

	"github.com/bcsdk/bc/bctest/internal/automation"
	"github.com/bcsdk/bc/bctest/internal/batch"
	"github.com/bcsdk/bc/bctest/internal/churn"
	"github.com/bcsdk/bc/bctest/internal/entra"
	"github.com/bcsdk/bc/bctest/internal/gate"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/bcsdk/bc/bctest/internal/webhook"
)

// Core is the OData layer and what it works with: the tenant's state and the
// fake's parts that change its answers.
type Core struct {
	Tenant     *tenant.Tenant
	Limits     *gate.Gate     // paces a $batch's inner answers
	Faults     *gate.Injector // hostile links, empty listings, ignored page sizes
	Churn      *churn.Churner // changes rows between pages
	Automation *automation.State
	Webhooks   *webhook.Hub
	Meter      Meter
}

// Meter counts what the core serves, for the server's Stats.
type Meter interface {
	Fault(name string)
	// Page counts a page of a collection read and its rows.
	Page(rows int)
	// Wrote counts a write (POST, PATCH, DELETE, action).
	Wrote()
	// IgnoredLambda counts a $filter with any/all, which BC ignores.
	IgnoredLambda()
	// Request logs "METHOD path?query" of a request.
	Request(line string)
}

// Request is one BC request let in: its writer, the API route it addresses,
// the caller and the app's setup.
type Request struct {
	W         *gate.Writer
	R         *http.Request
	Route     string
	Principal string
	App       entra.App
}

// Serve answers req for the resource path below its API route.
func (c *Core) Serve(req Request, resource []string) {
	ctx := &reqContext{srv: c, w: req.W, r: req.R, route: req.Route, principal: req.Principal, app: req.App}
	ctx.dispatch(resource)
}

// batch runs a $batch of c's request: each inner request is answered by the
// core for the same route and caller, paced as any answer is.
func (c *reqContext) batch() *batch.Runner {
	return &batch.Runner{
		Tenant:  c.srv.Tenant,
		Retract: c.srv.Webhooks.Retract,
		Serve: func(w http.ResponseWriter, r *http.Request, resource []string) {
			pw := c.srv.Limits.Pace(w, time.Now(), gate.Fault{})
			inner := &reqContext{srv: c.srv, w: pw, r: r, route: c.route, principal: c.principal, app: c.app}
			inner.dispatch(resource)
			pw.Finish()
		},
	}
}
