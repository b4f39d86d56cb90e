package bctest

// routeHandler serves a resource path below an API route whose first
// segment it was registered for ("$batch", "subscriptions"). Those features
// live in files of their own and register from init functions; the core
// dispatch consults the table, which is written only during package
// initialisation.
type routeHandler func(c *reqContext, res []string)

var routeHandlers = map[string]routeHandler{}
