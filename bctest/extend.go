package bctest

// Extension points for features of the fake that live in files of their
// own ($batch, webhook subscriptions, the Automation API): they register
// here from init functions, and the core dispatch consults these tables.
// The tables are written only during package initialisation.

// routeHandler serves a resource path below an API route whose first
// segment it was registered for ("$batch", "subscriptions").
type routeHandler func(c *reqContext, res []string)

var routeHandlers = map[string]routeHandler{}

// actionHandler gives a bound action its behaviour. It returns handled false
// to fall back to the generic handling.
type actionHandler func(c *reqContext, n *node) (handled bool)

// actionHandlers are keyed by "route/set/action".
var actionHandlers = map[string]actionHandler{}

// requestHooks run for every authenticated BC request just before it is
// dispatched, e.g. to move background work (an extension deployment, a
// package import) one step on, as BC's job queue would between polls.
var requestHooks []func(c *reqContext, res []string)

// serverHooks run at the end of New, e.g. to add routes or start listening
// to changes.
var serverHooks []func(s *Server)

// closeHooks run when Server.Close is called, to stop what the server hooks
// started.
var closeHooks []func(s *Server)
