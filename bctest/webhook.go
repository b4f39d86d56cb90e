package bctest

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

// BC's webhook subscriptions ({route}/subscriptions, key subscriptionId):
// created and renewed only after the notification URL echoed a validation
// token, expiring after 3 days, at most 200 per environment. Notifications
// follow row changes (webhook_notify.go). See
// https://learn.microsoft.com/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamics-subscriptions

func init() {
	routeHandlers["subscriptions"] = serveSubscriptions
	serverHooks = append(serverHooks, startWebhooks)
	closeHooks = append(closeHooks, func(s *Server) {
		if s.cfg.hub != nil {
			s.cfg.hub.close()
		}
	})
}

// Webhooks are the timings and limits of the fake's webhook subscriptions.
// Zero fields take BC online's values (DefaultWebhooks); tests shorten them.
type Webhooks struct {
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

// DefaultWebhooks are BC online's timings and limits.
func DefaultWebhooks() Webhooks {
	return Webhooks{
		Expiry: 72 * time.Hour, Delay: 30 * time.Second, CollectionThreshold: 1000,
		HandshakeTimeout: 5 * time.Second, SendTimeout: 30 * time.Second,
		RetryDelays:      []time.Duration{time.Minute, time.Minute, time.Minute, 10 * time.Minute},
		MaxSubscriptions: 200,
	}
}

func (w Webhooks) withDefaults() Webhooks {
	d := DefaultWebhooks()
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

// webhookHub holds a server's subscriptions and their pending notifications.
type webhookHub struct {
	srv    *Server
	cfg    Webhooks
	client *http.Client
	ctx    context.Context // ends with the server, aborting posts in flight
	cancel context.CancelFunc
	stop   func() // stops listening to changes
	live   atomic.Int32

	clock Clock // the server's: expiry, notification delays and retries

	mu        sync.Mutex
	subs      []*webhookSub // in creation order
	stopTimer func() bool   // cancels the armed notification job; nil when none
	timerAt   time.Time
	closed    bool
	sending   sync.WaitGroup
}

// webhookSub is one subscription.
type webhookSub struct {
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

func startWebhooks(s *Server) {
	ctx, cancel := context.WithCancel(context.Background())
	h := &webhookHub{
		srv: s, cfg: s.cfg.webhooks.withDefaults(), clock: s.cfg.clock, ctx: ctx, cancel: cancel,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
	h.stop = s.tenant.OnChange(h.onChange)
	s.cfg.hub = h
}

func (h *webhookHub) close() {
	h.mu.Lock()
	h.closed = true
	if h.stopTimer != nil {
		h.stopTimer()
	}
	h.mu.Unlock()
	h.stop()
	h.cancel()
	h.sending.Wait()
}

// serveSubscriptions serves {route}/subscriptions and subscriptions('{id}').
func serveSubscriptions(c *reqContext, res []string) {
	h := c.srv.cfg.hub
	seg := protocol.ParseSegment(res[0])
	if len(res) > 1 || !seg.OK {
		c.fail(protocol.NotFoundSegment(res[len(res)-1]))
		return
	}
	switch {
	case !seg.HasKey && c.r.Method == http.MethodGet:
		h.list(c)
	case !seg.HasKey && c.r.Method == http.MethodPost:
		h.create(c)
	case seg.HasKey && c.r.Method == http.MethodGet:
		if s := h.find(c.route, seg.Key); s != nil {
			h.write(c, http.StatusOK, s)
		} else {
			c.fail(subscriptionNotFound(seg.Key))
		}
	case seg.HasKey && c.r.Method == http.MethodPatch:
		h.renew(c, seg.Key)
	case seg.HasKey && c.r.Method == http.MethodDelete:
		h.remove(c, seg.Key)
	default:
		c.fail(protocol.MethodNotAllowed(c.r.Method, "subscriptions"))
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

func (s *webhookSub) wire() subscriptionJSON {
	return subscriptionJSON{
		ETag: table.ETag(s.version), SubscriptionID: s.id, NotificationURL: s.notificationURL, Resource: s.resource,
		Timestamp: s.version, UserID: s.userID, LastModifiedDateTime: wireSeconds(s.modified), ClientState: s.clientState,
		ExpirationDateTime: wireSeconds(s.expires), SystemCreatedAt: table.FormatDateTime(s.created), SystemCreatedBy: s.userID,
		SystemModifiedAt: table.FormatDateTime(s.modified), SystemModifiedBy: s.userID,
	}
}

func (h *webhookHub) write(c *reqContext, status int, s *webhookSub) {
	h.mu.Lock()
	w := s.wire()
	h.mu.Unlock()
	w.Context = c.contextURL("subscriptions/$entity")
	c.writeJSONHeader(status)
	enc := json.NewEncoder(c.w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(w)
}

func (h *webhookHub) list(c *reqContext) {
	h.mu.Lock()
	h.expireLocked()
	value := []subscriptionJSON{}
	for _, s := range h.subs {
		if s.route == c.route {
			value = append(value, s.wire())
		}
	}
	h.mu.Unlock()
	c.writeJSONHeader(http.StatusOK)
	enc := json.NewEncoder(c.w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]any{"@odata.context": c.contextURL("subscriptions"), "value": value})
}

// find returns the live subscription with the id on the route.
func (h *webhookHub) find(route, id string) *webhookSub {
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
func (h *webhookHub) expireLocked() {
	now := h.clock.Now()
	h.subs = slices.DeleteFunc(h.subs, func(s *webhookSub) bool { return !now.Before(s.expires) })
	h.live.Store(int32(len(h.subs)))
}
