// Package protocol holds what every part of the fake BC speaks alike: BC's
// error answers, the headers of a JSON answer, resource path segments with
// their keys, and GUIDs. It is separate so that the parts (the OData core,
// the webhook fake, the Automation fake, the admission gate) answer the same
// way without importing each other.
package protocol
