package bc

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
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

// WebhookHandler receives BC's webhook calls. It answers the validation
// handshake BC makes when a subscription is created or renewed (any method
// with ?validationToken=…: 200, text/plain, the token), checks each
// notification's clientState, and hands the good ones to Events.
//
// It replies before the events are processed, so BC never waits: 202 once
// they are queued. When the consumer falls behind and the queue stays full
// (WebhookQueueWait), it replies 503, which BC retries (after 1, 1, 1 and 10
// minutes) instead of deleting the subscription — only a fifth failure in a
// row makes BC delete it. Every post waits on its own, so each one that finds
// the queue full is answered within the wait, however many arrive at once.
// Events queued before the 503 come again, so consumers must take repeats
// (they are only pointers).
//
// Posts are anonymous, so the handler bounds what one costs. A body is read
// up to MaxWebhookBody (413 beyond), and notifications are decoded one at a
// time: the first one whose clientState is not ours ends the post with 401,
// nothing of it queued. The post is forged, or comes from subscriptions that
// carry a state we no longer accept; BC then deletes every subscription on
// the notification URL, and a Renewer creates ours again. Pass the previous
// state with AcceptClientStates while rotating it. A body that is not BC's
// JSON gets 400. Each refused post writes one log line, and refusals are
// rate limited: after refusalBurst of them, at most one per refusalEvery;
// until then posts are answered 429 (which BC retries) without being read.
type WebhookHandler struct {
	states [][]byte
	events chan WebhookEvent
	wait   time.Duration
	logger *slog.Logger
	clock  Clock
	refuse refusals

	mu      sync.Mutex // guards closed and senders.Add against Close
	closed  bool
	done    chan struct{}  // closed by Close: waiting posts give up
	senders sync.WaitGroup // posts putting events on the queue
}

// MaxWebhookBody is the largest notification post the handler reads: 4 MiB.
// BC puts at most 1,000 notifications in a post (more changes become one
// collection notification), and one notification with the largest fields BC
// allows (a 2,048-character clientState, a 150-character subscriptionId, a
// long resource URL) takes under 2.7 KB: 1,000 of them fit with a third to
// spare.
const MaxWebhookBody = 4 << 20

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

// WebhookClock sets the clock of the queue wait and of the refusal rate
// limit (default: the system's).
func WebhookClock(c Clock) WebhookOption {
	return func(h *WebhookHandler) { h.clock = c }
}

// NewWebhookHandler returns a handler that accepts notifications carrying
// clientState, the value the subscriptions were created with. An empty
// client state is an error: it would accept any post without one, forged
// deletes included.
func NewWebhookHandler(clientState string, opts ...WebhookOption) (*WebhookHandler, error) {
	h := &WebhookHandler{
		states: [][]byte{[]byte(clientState)},
		events: make(chan WebhookEvent, 4096),
		wait:   2 * time.Second,
		logger: slog.New(slog.DiscardHandler),
		clock:  realClock{},
		done:   make(chan struct{}),
	}
	for _, o := range opts {
		o(h)
	}
	for _, s := range h.states {
		if len(s) == 0 {
			return nil, errors.New("bc: webhook handler: the client state is empty; pass the clientState the subscriptions are created with")
		}
	}
	h.refuse.tokens, h.refuse.at = refusalBurst, h.clock.Now()
	return h, nil
}

// Events delivers the accepted notifications, in the order BC sent them. It
// is closed by Close.
func (h *WebhookHandler) Events() <-chan WebhookEvent { return h.events }

// Close stops accepting notifications (later posts, and those waiting for
// room, get 503, so BC retries them) and closes Events.
func (h *WebhookHandler) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	close(h.done)
	h.mu.Unlock()
	h.senders.Wait()
	close(h.events)
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
	if !h.refuse.admit(h.clock.Now()) {
		w.Header().Set("Retry-After", "60")
		http.Error(w, "too many refused posts", http.StatusTooManyRequests)
		return
	}
	events, unparsed, err := h.read(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
	if err != nil {
		h.refused(w, r, err)
		return
	}
	if unparsed != nil {
		h.logger.Warn("bc: webhook: resources not understood; passing them on raw",
			slog.Int("notifications", len(events)), slog.String("error", unparsed.Error()))
	}
	if !h.enqueue(r, events) {
		w.Header().Set("Retry-After", "60")
		http.Error(w, "busy: the events queue is full", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// enqueue puts events on the queue, waiting at most h.wait for room. Posts
// wait side by side: none holds h.mu while it waits.
func (h *WebhookHandler) enqueue(r *http.Request, events []WebhookEvent) bool {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return false
	}
	h.senders.Add(1)
	h.mu.Unlock()
	defer h.senders.Done()
	var timeout <-chan time.Time
	for _, ev := range events {
		select {
		case h.events <- ev:
			continue
		default:
		}
		if timeout == nil {
			timeout = h.clock.After(h.wait)
		}
		select {
		case h.events <- ev:
		case <-timeout:
			h.logger.Warn("bc: webhook: events queue full; answered 503 so BC retries")
			return false
		case <-h.done:
			return false
		case <-r.Context().Done():
			return false
		}
	}
	return true
}
