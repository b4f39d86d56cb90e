// Package webhook is the fake BC's webhook subscriptions
// ({route}/subscriptions, key subscriptionId) and the notifications that
// follow row changes: created and renewed only after the notification URL
// echoed a validation token, expiring after 3 days, at most 200 per
// environment. It is separate from the OData core because it is a service
// of its own — its state, timers and outgoing posts — that needs from the
// core only the narrow Host interface and the row changes. See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamics-subscriptions
package webhook

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// Config is the timings and limits of the webhook subscriptions (the
// public bctest.Webhooks). Zero fields take BC online's values (Defaults);
// tests shorten them.
type Config struct {
	// Expiry is how long a subscription lives after being created or renewed
	// (BC: 3 days). An expired subscription stops notifying and disappears.
	Expiry time.Duration
	// Delay is how long BC waits after a change before notifying (BC: 30 s);
	// changes within the wait go in the same post, repeated updates of one
	// record merged. Server.FlushNotifications sends at once.
	Delay time.Duration
	// CollectionThreshold: when more notifications than this are due for a
	// subscription, BC sends one "collection" notification instead (BC: 1,000).
	CollectionThreshold int
	// HandshakeTimeout is how long the notification URL has to echo the
	// validation token (BC: about 5 s).
	HandshakeTimeout time.Duration
	// SendTimeout bounds one notification post.
	SendTimeout time.Duration
	// RetryDelays are the waits before the retries of a post the receiver
	// answered with 408, 429 or 5xx, or not at all (BC: 1, 1, 1 and 10
	// minutes). When the last retry fails too, the subscriptions of that URL
	// are deleted; nil means BC's delays, an empty slice no retries.
	RetryDelays []time.Duration
	// MaxSubscriptions is the most subscriptions of the environment (BC: 200).
	MaxSubscriptions int
}

// Defaults are BC online's timings and limits.
func Defaults() Config {
	return Config{
		Expiry: 72 * time.Hour, Delay: 30 * time.Second, CollectionThreshold: 1000,
		HandshakeTimeout: 5 * time.Second, SendTimeout: 30 * time.Second,
		RetryDelays:      []time.Duration{time.Minute, time.Minute, time.Minute, 10 * time.Minute},
		MaxSubscriptions: 200,
	}
}

func (w Config) withDefaults() Config {
	d := Defaults()
	if w.Expiry <= 0 {
		w.Expiry = d.Expiry
	}
	if w.Delay <= 0 {
		w.Delay = d.Delay
	}
	if w.CollectionThreshold <= 0 {
		w.CollectionThreshold = d.CollectionThreshold
	}
	if w.HandshakeTimeout <= 0 {
		w.HandshakeTimeout = d.HandshakeTimeout
	}
	if w.SendTimeout <= 0 {
		w.SendTimeout = d.SendTimeout
	}
	if w.RetryDelays == nil {
		w.RetryDelays = d.RetryDelays
	}
	if w.MaxSubscriptions <= 0 {
		w.MaxSubscriptions = d.MaxSubscriptions
	}
	return w
}

// Clock is the fake's time (bctest.Clock).
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// Host is what the webhook fake needs from the fake's core.
type Host interface {
	// NewGUID returns a GUID from the tenant's seeded generator.
	NewGUID() string
	// NextVersion takes the tenant's next row version.
	NextVersion() int64
	// Wrote counts a write in the server's statistics.
	Wrote()
	// Table finds the entity set of a company on an API route, answering
	// BC's errors when there is none; companyID is the company's id.
	Table(route string, company protocol.Segment, set string) (companyID string, t *table.Table, err *protocol.Error)
	// SetOf names the entity set of an entity type on an API route.
	SetOf(route, typeName string) string
}

// Request is one request to {route}/subscriptions, as the core hands it on.
type Request struct {
	W http.ResponseWriter
	R *http.Request
	// Route is the API route the request is on, e.g. "api/v2.0".
	Route string
	// Principal names the caller (its app); a subscription's userId is
	// derived from it.
	Principal string
	// BaseURL is the environment's root: scheme://host/v2.0/{tenant}/{env}.
	BaseURL string
}

func (c *Request) fail(e *protocol.Error) { protocol.WriteError(c.W, e) }

// contextURL is the @odata.context of an answer.
func (c *Request) contextURL(fragment string) string {
	return c.BaseURL + "/" + c.Route + "/$metadata#" + fragment
}

// Hub holds a server's subscriptions and their pending notifications.
type Hub struct {
	host   Host
	cfg    Config
	client *http.Client
	ctx    context.Context // ends with the server, aborting posts in flight
	cancel context.CancelFunc
	live   atomic.Int32

	clock Clock // the server's: expiry, notification delays and retries

	mu        sync.Mutex
	subs      []*subscription // in creation order
	stopTimer func() bool     // cancels the armed notification job; nil when none
	timerAt   time.Time
	closed    bool
	sending   sync.WaitGroup
}

// subscription is one subscription.
type subscription struct {
	id, route, companyID, set              string
	notificationURL, resource, clientState string
	userID                                 string
	created, modified, expires             time.Time
	version                                int64
	hasLastModified                        bool
	// lines maps a document's line sets to the line column holding the
	// document's key: BC notifies a document when its lines change.
	lines map[string]string
	queue []*pendingNote
}

// New returns the subscriptions of a server that tells time by clock.
// The caller feeds it the tenant's changes (OnChange) and closes it.
func New(cfg Config, clock Clock, host Host) *Hub {
	ctx, cancel := context.WithCancel(context.Background())
	return &Hub{
		host: host, cfg: cfg.withDefaults(), clock: clock, ctx: ctx, cancel: cancel,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// Close stops the notification job and waits for the posts in flight,
// which it aborts.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	if h.stopTimer != nil {
		h.stopTimer()
	}
	h.mu.Unlock()
	h.cancel()
	h.sending.Wait()
}

// Serve serves {route}/subscriptions and subscriptions('{id}'); res is the
// resource path below the route.
func (h *Hub) Serve(c *Request, res []string) {
	seg := protocol.ParseSegment(res[0])
	if len(res) > 1 || !seg.OK {
		c.fail(protocol.NotFoundSegment(res[len(res)-1]))
		return
	}
	switch {
	case !seg.HasKey && c.R.Method == http.MethodGet:
		h.list(c)
	case !seg.HasKey && c.R.Method == http.MethodPost:
		h.create(c)
	case seg.HasKey && c.R.Method == http.MethodGet:
		if s := h.find(c.Route, seg.Key); s != nil {
			h.write(c, http.StatusOK, s)
		} else {
			c.fail(subscriptionNotFound(seg.Key))
		}
	case seg.HasKey && c.R.Method == http.MethodPatch:
		h.renew(c, seg.Key)
	case seg.HasKey && c.R.Method == http.MethodDelete:
		h.remove(c, seg.Key)
	default:
		c.fail(protocol.MethodNotAllowed(c.R.Method, "subscriptions"))
	}
}

func subscriptionNotFound(id string) *protocol.Error {
	return &protocol.Error{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
		Message: "The subscriptions with key '" + id + "' does not exist."}
}

// subscriptionJSON is a subscription as BC writes it.
type subscriptionJSON struct {
	Context              string `json:"@odata.context,omitempty"`
	ETag                 string `json:"@odata.etag"`
	SubscriptionID       string `json:"subscriptionId"`
	NotificationURL      string `json:"notificationUrl"`
	Resource             string `json:"resource"`
	Timestamp            int64  `json:"timestamp"`
	UserID               string `json:"userId"`
	LastModifiedDateTime string `json:"lastModifiedDateTime"`
	ClientState          string `json:"clientState"`
	ExpirationDateTime   string `json:"expirationDateTime"`
	SystemCreatedAt      string `json:"systemCreatedAt"`
	SystemCreatedBy      string `json:"systemCreatedBy"`
	SystemModifiedAt     string `json:"systemModifiedAt"`
	SystemModifiedBy     string `json:"systemModifiedBy"`
}

// wireSeconds writes a time as BC writes a subscription's expiry: whole seconds.
func wireSeconds(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

func (s *subscription) wire() subscriptionJSON {
	return subscriptionJSON{
		ETag: table.ETag(s.version), SubscriptionID: s.id, NotificationURL: s.notificationURL, Resource: s.resource,
		Timestamp: s.version, UserID: s.userID, LastModifiedDateTime: wireSeconds(s.modified), ClientState: s.clientState,
		ExpirationDateTime: wireSeconds(s.expires), SystemCreatedAt: table.FormatDateTime(s.created), SystemCreatedBy: s.userID,
		SystemModifiedAt: table.FormatDateTime(s.modified), SystemModifiedBy: s.userID,
	}
}

func (h *Hub) write(c *Request, status int, s *subscription) {
	h.mu.Lock()
	w := s.wire()
	h.mu.Unlock()
	w.Context = c.contextURL("subscriptions/$entity")
	protocol.WriteJSONHeader(c.W, status)
	enc := json.NewEncoder(c.W)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(w)
}

func (h *Hub) list(c *Request) {
	h.mu.Lock()
	h.expireLocked()
	value := []subscriptionJSON{}
	for _, s := range h.subs {
		if s.route == c.Route {
			value = append(value, s.wire())
		}
	}
	h.mu.Unlock()
	protocol.WriteJSONHeader(c.W, http.StatusOK)
	enc := json.NewEncoder(c.W)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]any{"@odata.context": c.contextURL("subscriptions"), "value": value})
}

// find returns the live subscription with the id on the route.
func (h *Hub) find(route, id string) *subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expireLocked()
	for _, s := range h.subs {
		if s.route == route && s.id == id {
			return s
		}
	}
	return nil
}

// expireLocked drops the subscriptions past their expiry, as BC's
// notification job does before every run.
func (h *Hub) expireLocked() {
	now := h.clock.Now()
	h.subs = slices.DeleteFunc(h.subs, func(s *subscription) bool { return !now.Before(s.expires) })
	h.live.Store(int32(len(h.subs)))
}
