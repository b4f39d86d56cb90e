package bc

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// The refusal rate limit of WebhookHandler: refusalBurst refused posts at
// once, then one per refusalEvery. BC's own posts are refused only when they
// come from subscriptions with a stale client state, which BC deletes at the
// first refusal, so the budget is spent only by posts that are not BC's.
const (
	refusalBurst = 10
	refusalEvery = time.Second
)

// errForged ends a post at its first notification with a client state that
// is not ours.
var errForged = errors.New("a notification has an unknown clientState")

// read decodes the {"value":[…]} body one notification at a time, checking
// each one's client state as it comes, so a forged post costs one
// notification's work. unparsed is the first resource ParseResource could not
// take apart (the event then carries it raw).
func (h *WebhookHandler) read(body io.Reader) (events []WebhookEvent, unparsed, err error) {
	dec := json.NewDecoder(body)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, nil, err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		if key != "value" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, nil, err
			}
			continue
		}
		if err := expectDelim(dec, '['); err != nil {
			return nil, nil, err
		}
		for dec.More() {
			var n Notification
			if err := dec.Decode(&n); err != nil {
				return nil, nil, err
			}
			if !h.accepts(n.ClientState) {
				return nil, nil, errForged
			}
			res, err := ParseResource(n.Resource)
			if err != nil && unparsed == nil {
				unparsed = err
			}
			events = append(events, WebhookEvent{
				SubscriptionID: n.SubscriptionID, ChangeType: n.ChangeType, Resource: res,
				LastModified: n.LastModifiedDateTime, SubscriptionExpires: n.ExpirationDateTime,
			})
		}
		if err := expectDelim(dec, ']'); err != nil {
			return nil, nil, err
		}
	}
	return events, unparsed, expectDelim(dec, '}')
}

func (h *WebhookHandler) accepts(state string) bool {
	ok := false
	for _, s := range h.states {
		ok = subtle.ConstantTimeCompare(s, []byte(state)) == 1 || ok
	}
	return ok
}

// refused answers a post read wrongly, spends a token of the refusal budget
// and writes the post's one log line.
func (h *WebhookHandler) refused(w http.ResponseWriter, r *http.Request, err error) {
	throttled := h.refuse.spend(h.clock.Now())
	attrs := []any{slog.String("remote", r.RemoteAddr)}
	if throttled > 0 {
		attrs = append(attrs, slog.Int("throttledBefore", throttled))
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		h.logger.Warn("bc: webhook: refused a post larger than 4 MiB", attrs...)
		http.Error(w, "notification body too large", http.StatusRequestEntityTooLarge)
	case errors.Is(err, errForged):
		h.logger.Warn("bc: webhook: refused a post with an unknown clientState", attrs...)
		http.Error(w, "unknown clientState", http.StatusUnauthorized)
	default:
		h.logger.Warn("bc: webhook: refused a body that is not BC's notification JSON", append(attrs, slog.String("error", err.Error()))...)
		http.Error(w, "not a Business Central notification", http.StatusBadRequest)
	}
}

// refusals is the token bucket of refused posts.
type refusals struct {
	mu        sync.Mutex
	tokens    float64
	at        time.Time // when tokens was last brought up to date
	throttled int       // posts answered 429 since the last refusal was logged
}

// refill brings the bucket up to now; b.mu is held.
func (b *refusals) refill(now time.Time) {
	if now.After(b.at) {
		b.tokens = min(refusalBurst, b.tokens+float64(now.Sub(b.at))/float64(refusalEvery))
		b.at = now
	}
}

// admit reports whether a post may be read: whether the budget could pay for
// its refusal.
func (b *refusals) admit(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens < 1 {
		b.throttled++
		return false
	}
	return true
}

// spend pays for a refusal and returns how many posts were throttled since
// the last one.
func (b *refusals) spend(now time.Time) (throttled int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.tokens--
	throttled, b.throttled = b.throttled, 0
	return throttled
}
