package bc

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// BC's webhooks tell a subscriber which records of an entity set changed; see
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamics-subscriptions
//
// The rule that shapes the receiver: BC retries a notification only when the
// receiver answers 408, 429 or 5xx (or not at all). ANY OTHER non-2xx answer
// — 400, 401, 404, 410 … — makes BC DELETE the subscription, and with it every
// other subscription that shares the notification URL.

// ChangeType is what a webhook notification reports.
type ChangeType string

// The change types BC sends.
const (
	ChangeCreated ChangeType = "created"
	ChangeUpdated ChangeType = "updated"
	ChangeDeleted ChangeType = "deleted"
	// ChangeCollection replaces the single notifications when more than 1,000
	// records changed within BC's 30-second window: read the set again, from
	// Resource.Since when BC gives it.
	ChangeCollection ChangeType = "collection"
)

// Notification is one entry of the {"value":[…]} body BC posts to a
// notification URL. One post may carry notifications of several subscriptions.
type Notification struct {
	SubscriptionID       string     `json:"subscriptionId"`
	ClientState          string     `json:"clientState"`
	ExpirationDateTime   time.Time  `json:"expirationDateTime"`
	Resource             string     `json:"resource"`
	ChangeType           ChangeType `json:"changeType"`
	LastModifiedDateTime time.Time  `json:"lastModifiedDateTime"`
}

// WebhookEvent is a notification whose client state checked out, with its
// resource parsed. It carries no entity data: GET Resource to read the
// record (for deletes it is only a pointer).
type WebhookEvent struct {
	SubscriptionID string
	ChangeType     ChangeType
	Resource       Resource
	// LastModified is when the record changed (for collections, the last change).
	LastModified time.Time
	// SubscriptionExpires is the subscription's expirationDateTime.
	SubscriptionExpires time.Time
}

// Resource is a BC resource URL taken apart, as notifications and
// subscriptions write it: "api/v2.0/companies(…)/customers(…)", or for a
// collection "api/v2.0/companies(…)/salesInvoices?$filter=lastModifiedDateTime%20gt%20…".
type Resource struct {
	// Raw is the resource as BC wrote it.
	Raw string
	// Route is the API route, "api/v2.0" or "api/{publisher}/{group}/{version}";
	// empty when the resource is relative to its route ("companies(…)/items").
	Route string
	// CompanyID is the company's key, empty outside a company.
	CompanyID string
	// CompanyName is set instead when the company is addressed by name
	// (companies(name='…')).
	CompanyName string
	// Set is the entity set, e.g. "customers".
	Set string
	// Key is the record's key, unquoted; empty for a collection.
	Key string
	// Filter is the decoded $filter of a collection notification, e.g.
	// "lastModifiedDateTime gt 2025-09-29T10:22:52.313Z"; empty when BC asks
	// for the whole set (a delete was among the changes).
	Filter string
	// Path is the escaped path from the route on, without the query, for
	// Client.NewRequest: "api/v2.0/companies(…)/customers(…)".
	Path string
	// RawQuery is the escaped query, without '?'.
	RawQuery string
}

// RelativeURL is Path with its query, for Client.NewRequest.
func (r Resource) RelativeURL() string {
	if r.RawQuery == "" {
		return r.Path
	}
	return r.Path + "?" + r.RawQuery
}

// Since returns the time in a collection filter of the form "<field> gt <time>",
// the point from which to read the set again. BC writes lastModifiedDateTime,
// older docs show lastDateTimeModified; any field name is accepted.
func (r Resource) Since() (time.Time, bool) {
	f := strings.Fields(r.Filter)
	if len(f) != 3 || (!strings.EqualFold(f[1], "gt") && !strings.EqualFold(f[1], "ge")) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, f[2])
	return t, err == nil
}

// ParseResource takes a BC resource URL apart: absolute
// ("https://…/v2.0/{tenant}/{env}/api/v2.0/companies(…)/items(…)"), rooted
// ("/api/v2.0/…"), service-relative ("api/v2.0/…") or route-relative
// ("companies(…)/items"). It reads the last keyed or unkeyed set segment as
// Set and Key, and decodes $filter.
func ParseResource(s string) (Resource, error) {
	res := Resource{Raw: s}
	path, query, _ := strings.Cut(strings.TrimSpace(s), "?")
	if strings.HasPrefix(path, "https://") || strings.HasPrefix(path, "http://") {
		u, err := url.Parse(path)
		if err != nil {
			return res, fmt.Errorf("bc: resource %q: %w", s, err)
		}
		path = u.EscapedPath()
	}
	var segs []string
	for _, p := range strings.Split(path, "/") {
		if p != "" {
			segs = append(segs, p)
		}
	}
	if i := slices.Index(segs, "api"); i >= 0 {
		switch {
		case i+1 < len(segs) && segs[i+1] == "v2.0":
			res.Route, segs = "api/v2.0", segs[i+2:]
		case i+3 < len(segs):
			res.Route, segs = strings.Join(segs[i:i+4], "/"), segs[i+4:]
		default:
			return res, fmt.Errorf("bc: resource %q has no complete API route", s)
		}
	}
	if len(segs) == 0 {
		return res, fmt.Errorf("bc: resource %q names no entity set", s)
	}
	res.Path = strings.Join(segs, "/")
	if res.Route != "" {
		res.Path = res.Route + "/" + res.Path
	}
	for i, seg := range segs {
		name, key, hasKey, err := splitSegment(seg)
		if err != nil {
			return res, fmt.Errorf("bc: resource %q: %w", s, err)
		}
		if i == 0 && name == "companies" && hasKey && len(segs) > 1 {
			if byName, ok := strings.CutPrefix(key, "name='"); ok && strings.HasSuffix(byName, "'") {
				res.CompanyName = strings.ReplaceAll(byName[:len(byName)-1], "''", "'")
			} else {
				res.CompanyID = key
			}
			continue
		}
		res.Set, res.Key = name, key
	}
	res.RawQuery = query
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return res, fmt.Errorf("bc: resource %q: %w", s, err)
		}
		res.Filter = q.Get("$filter")
	}
	return res, nil
}

// splitSegment reads "items", "items(<guid>)" or a quoted key such as
// "subscriptions('abc')", where a quote inside is doubled.
func splitSegment(seg string) (name, key string, hasKey bool, err error) {
	s, err := url.PathUnescape(seg)
	if err != nil {
		return "", "", false, err
	}
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return s, "", false, nil
	}
	if !strings.HasSuffix(s, ")") {
		return "", "", false, fmt.Errorf("segment %q has an unclosed key", seg)
	}
	name, key = s[:open], s[open+1:len(s)-1]
	if len(key) >= 2 && key[0] == '\'' && key[len(key)-1] == '\'' {
		key = strings.ReplaceAll(key[1:len(key)-1], "''", "'")
	}
	return name, key, true, nil
}

// WebhookHandler receives BC's webhook calls. It answers the validation
// handshake BC makes when a subscription is created or renewed (any method
// with ?validationToken=…: 200, text/plain, the token), checks each
// notification's clientState, and hands the good ones to Events.
//
// It replies before the events are processed, so BC never waits: 202 once
// they are queued. When the consumer falls behind and the queue stays full
// (WebhookQueueWait), it replies 503, which BC retries (after 1, 1, 1 and 10
// minutes) instead of deleting the subscription — only a fifth failure in a
// row makes BC delete it. Events queued before the 503 come again, so
// consumers must take repeats (they are only pointers).
//
// A clientState mismatch never reaches Events. When some notifications of a
// post match and others do not, the handler still replies 202: BC sends one
// post per notification URL, and a refusal would delete our good
// subscriptions with the stranger. When none match, it replies 401: the post
// is forged (and the refusal costs nothing) or comes from subscriptions that
// carry a state we no longer accept, which BC then deletes — a Renewer
// creates ours again. Pass the previous state with AcceptClientStates while
// rotating it. A body that is not BC's JSON gets 400.
type WebhookHandler struct {
	states  [][]byte
	events  chan WebhookEvent
	wait    time.Duration
	maxBody int64
	logger  *slog.Logger

	mu     sync.Mutex // serialises producers and Close
	closed bool
}

// WebhookOption configures a WebhookHandler.
type WebhookOption func(*WebhookHandler)

// AcceptClientStates also accepts these client states, e.g. the previous one
// while subscriptions are renewed with a new one.
func AcceptClientStates(states ...string) WebhookOption {
	return func(h *WebhookHandler) {
		for _, s := range states {
			h.states = append(h.states, []byte(s))
		}
	}
}

// WebhookQueue sets how many events Events buffers (default 4,096).
func WebhookQueue(n int) WebhookOption {
	return func(h *WebhookHandler) { h.events = make(chan WebhookEvent, max(n, 0)) }
}

// WebhookQueueWait sets how long a post may wait for room in a full queue
// before the handler replies 503 (default 2 s; BC gives up on a receiver
// after a few seconds).
func WebhookQueueWait(d time.Duration) WebhookOption {
	return func(h *WebhookHandler) { h.wait = d }
}

// WebhookLogger sets where refused posts are logged (default: discard).
func WebhookLogger(l *slog.Logger) WebhookOption {
	return func(h *WebhookHandler) { h.logger = l }
}

// NewWebhookHandler returns a handler that accepts notifications carrying
// clientState, the value the subscriptions were created with.
func NewWebhookHandler(clientState string, opts ...WebhookOption) *WebhookHandler {
	h := &WebhookHandler{
		states:  [][]byte{[]byte(clientState)},
		events:  make(chan WebhookEvent, 4096),
		wait:    2 * time.Second,
		maxBody: 64 << 20,
		logger:  slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Events delivers the accepted notifications, in the order BC sent them. It
// is closed by Close.
func (h *WebhookHandler) Events() <-chan WebhookEvent { return h.events }

// Close stops accepting notifications (later posts get 503, so BC retries
// them) and closes Events.
func (h *WebhookHandler) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.events)
	}
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query(); q.Has("validationToken") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, q.Get("validationToken"))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "BC posts notifications", http.StatusMethodNotAllowed)
		return
	}
	var body struct {
		Value []Notification `json:"value"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err := dec.Decode(&body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "notification body too large", http.StatusRequestEntityTooLarge)
			return
		}
		h.logger.Warn("bc: webhook: refused a body that is not BC's notification JSON", slog.String("error", err.Error()))
		http.Error(w, "not a Business Central notification", http.StatusBadRequest)
		return
	}
	events := make([]WebhookEvent, 0, len(body.Value))
	for _, n := range body.Value {
		if !h.accepts(n.ClientState) {
			h.logger.Warn("bc: webhook: dropped a notification with an unknown clientState",
				slog.String("subscriptionId", n.SubscriptionID))
			continue
		}
		res, err := ParseResource(n.Resource)
		if err != nil {
			h.logger.Warn("bc: webhook: resource not understood; passing it on raw", slog.String("error", err.Error()))
		}
		events = append(events, WebhookEvent{
			SubscriptionID: n.SubscriptionID, ChangeType: n.ChangeType, Resource: res,
			LastModified: n.LastModifiedDateTime, SubscriptionExpires: n.ExpirationDateTime,
		})
	}
	if len(events) == 0 && len(body.Value) > 0 {
		http.Error(w, "unknown clientState", http.StatusUnauthorized)
		return
	}
	if !h.enqueue(r, events) {
		w.Header().Set("Retry-After", "60")
		http.Error(w, "busy: the events queue is full", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (h *WebhookHandler) accepts(state string) bool {
	ok := false
	for _, s := range h.states {
		ok = subtle.ConstantTimeCompare(s, []byte(state)) == 1 || ok
	}
	return ok
}

// enqueue puts events on the queue, waiting at most h.wait for room.
func (h *WebhookHandler) enqueue(r *http.Request, events []WebhookEvent) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	var timeout <-chan time.Time
	for _, ev := range events {
		select {
		case h.events <- ev:
			continue
		default:
		}
		if timeout == nil {
			t := time.NewTimer(h.wait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case h.events <- ev:
		case <-timeout:
			h.logger.Warn("bc: webhook: events queue full; answered 503 so BC retries")
			return false
		case <-r.Context().Done():
			return false
		}
	}
	return true
}
