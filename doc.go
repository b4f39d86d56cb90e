// Package bc is a client for the Microsoft Dynamics 365 Business Central web
// APIs: the standard API v2.0, custom APIs (/api/{publisher}/{group}/{version})
// and the Automation API (/api/microsoft/automation/v2.0, in package
// [github.com/bcsdk/bc/automation]).
//
// # Quick start
//
// A BC admin hands over three values: the tenant ID, the client ID of an app
// registered in Microsoft Entra, and a client secret.
//
//	ts := bc.ClientCredentials(tenantID, clientID, secret)
//	c, err := bc.NewClient(tenantID, "Production", bc.WithTokenSource(ts))
//	if err != nil { … } // only for invalid options: NewClient does no I/O
//	for co, err := range c.Companies().List(nil).All(ctx) {
//		if err != nil { … }
//		q := odata.New().Filter(odata.Gt("balanceDue", 0)).Select("number", "displayName", "balanceDue")
//		for cust, err := range sets.For(c.Company(co.ID)).Customers().List(q).All(ctx) {
//			if err != nil { … }
//			fmt.Println(cust.Number, cust.DisplayName, cust.BalanceDue)
//		}
//	}
//
// # Concepts
//
// A [Client] holds the one request pipeline: the base URL of a tenant's
// environment, the bearer token ([ClientCredentials], or any
// oauth2.TokenSource with [WithTokenSource]), retries, a concurrency gate and
// logging. [NewClient] takes the tenant and environment positionally and the
// rest as [Option] values.
//
// A [Company] (from [Client.Company]) scopes the standard API's entity sets
// to one company. A [Route] is an API route: [Client.StandardAPI],
// [Client.API] for a custom API; its Company method
// scopes it to a company. Both are a [Scope], from which entity sets are built.
//
// An [EntitySet] is a handle on one entity set: List, Get, Create, Update,
// Patch, Delete, bound actions (Action), Count and Media. It does no I/O
// until a method is called. Package [github.com/bcsdk/bc/sets] has a typed
// accessor for every set of API v2.0 (sets.For(co).Customers(), … — generated
// from BC's $metadata, each returning a named *Set type that embeds
// *EntitySet and adds the set's bound actions and navigation); [Set] builds
// one for any other set,
// e.g. a custom API's, with a model of your own:
//
//	tasks := bc.Set[JobTask](c.API("contoso", "mosaic", "v1.0").Company(id), "jobTasks")
//
// Models of every API v2.0 entity are in [github.com/bcsdk/bc/entities]:
// decimals are decimal.Decimal, dates entities.Date, enums named strings.
//
// A [Pager] reads a collection page by page, following BC's @odata.nextLink
// verbatim with Prefer: odata.maxpagesize. All yields the entities lazily
// (an iter.Seq2 that stops on break), NextPage gives whole pages with their
// HTTP response, Collect reads everything, Limit stops early. [RawPager] does
// the same with the JSON of each entity undecoded.
//
// Queries are built in [github.com/bcsdk/bc/odata]: typed $filter expressions
// with safe literals, $select, nested $expand, $orderby, $top, $skip, $count.
//
// # Errors
//
// BC's error responses are [*APIError] (errors.As): HTTP status, BC's code
// (Authentication_InvalidCredentials, Request_EntityChanged, …), message,
// correlation id, attempts and [APIError.Hint], which names the setup step to
// fix where there is one. The sentinels [ErrNotFound], [ErrConflict],
// [ErrPrecondition], [ErrThrottled], [ErrUnauthorized], [ErrTokenExpired] and [ErrForbidden] work
// with errors.Is. Failures to get a token are [*AuthError], whose
// [AuthProblem] names the handed-over value or setup step that is wrong.
//
// # Retries and limits
//
// 429, 502 and 503 are retried for every method (BC did not run the request),
// 408, 504 and network errors only for reads, with Retry-After honoured and
// otherwise exponential backoff with full jitter ([RetryPolicy],
// [WithRetryPolicy], or [WithRetry] for one call). At most [DefaultMaxConcurrency] requests are in flight
// per client ([WithMaxConcurrency]); [WithRequestBudget] keeps to BC's
// requests-per-window limit. A 401 makes the client renew the token and
// retry, at most twice (the second time only for a token BC found expired).
// An attempt whose headers do not come ([WithResponseHeaderTimeout]) or
// whose body stops ([WithIdleReadTimeout]) fails with a [*StallError], a
// network error like any other.
//
// # Batches and webhooks
//
// [Batch] sends up to [MaxBatchOperations] operations in one $batch request,
// optionally atomic; typed operations come from EntitySet.In. Webhook
// subscriptions are an entity set ([Route.Subscriptions]); [WebhookHandler]
// answers BC's validation handshake and delivers each [WebhookEvent], and a
// [Renewer] keeps subscriptions alive past BC's three-day expiry. All of it
// is in the webhook_*.go files: subscriptions, handler, notification body,
// resource URLs, renewer.
//
// # Testing
//
// Package [github.com/bcsdk/bc/bctest] is a fake Business Central for tests:
// the token endpoint, every API v2.0 set with a deterministic demo tenant,
// BC's OData subset and refusals, paging, ETags, limits, faults, webhooks and
// a manual clock. Its Server.Client method returns a *Client for it.
//
//	srv := bctest.NewServer()
//	defer srv.Close()
//	c := srv.Client()
package bc
