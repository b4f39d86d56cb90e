package bc

import "net/http"

// RequestOption adjusts one call: headers, concurrency tokens, which fields an
// update sends, its retry policy. Options are visible arguments, never hidden
// in a context.
type RequestOption func(*callOptions)

type callOptions struct {
	header    http.Header
	ifMatch   string
	fields    []string
	readWrite bool
	retry     *RetryPolicy // nil: the client's
}

func collectOptions(opts []RequestOption) callOptions {
	o := callOptions{header: http.Header{}}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// IfMatch sends "If-Match: etag". Update and Delete set it from the entity's
// @odata.etag; pass it to override.
func IfMatch(etag string) RequestOption { return func(o *callOptions) { o.ifMatch = etag } }

// IfMatchAny sends "If-Match: *": the write happens whatever changed since the
// entity was read. It must be asked for explicitly because it can overwrite
// another user's change.
func IfMatchAny() RequestOption { return IfMatch("*") }

// WithHeader sets a request header for one call (e.g. Accept-Language, which
// makes BC translate messages and format PDFs).
func WithHeader(key, value string) RequestOption {
	return func(o *callOptions) { o.header.Set(key, value) }
}

// ReadWrite sends "Data-Access-Intent: ReadWrite" on a read, so it sees the
// primary database instead of a replica that may lag behind a write made just before.
func ReadWrite() RequestOption { return func(o *callOptions) { o.readWrite = true } }

// WithRetry sends one call under p instead of the client's policy
// (WithRetryPolicy): e.g. a single attempt for a probe that should fail fast,
// or more patience for one slow report. A pager keeps it for every page.
func WithRetry(p RetryPolicy) RequestOption { return func(o *callOptions) { o.retry = &p } }

// Fields limits an Update to the named JSON properties (e.g. "displayName").
func Fields(names ...string) RequestOption {
	return func(o *callOptions) { o.fields = append(o.fields, names...) }
}
