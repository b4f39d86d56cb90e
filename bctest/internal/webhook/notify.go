package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// How BC notifies (AL codeunit "API Webhook Notification Send"): changes
// are collected per subscription; a job runs Delay after the first one and
// sends one post per notification URL with the notifications of all its
// subscriptions. An "updated" is merged into the record's previous
// notification if that is an "updated" too. More notifications than the
// threshold become one "collection", filtered on lastModifiedDateTime from the
// first change (50 ms earlier) unless a delete is among them. A receiver that
// answers 408, 429, 5xx or nothing gets the post again later; any other
// failure deletes every subscription of that URL, as do too many failures.

// pendingNote is a notification waiting to be sent.
type pendingNote struct {
	kind    string // created, updated, deleted, collection
	key     string // the record's key; empty for a collection
	at      time.Time
	since   time.Time // a collection's filter; zero for none
	attempt int
	due     time.Time
	origins []*table.Row // the changed rows, so an undone batch can withdraw it
}

// notification is one entry of a post, as BC writes it.
type notification struct {
	SubscriptionID       string `json:"subscriptionId"`
	ClientState          string `json:"clientState"`
	ExpirationDateTime   string `json:"expirationDateTime"`
	Resource             string `json:"resource"`
	ChangeType           string `json:"changeType"`
	LastModifiedDateTime string `json:"lastModifiedDateTime"`
}

// OnChange queues notifications for the subscriptions a change concerns.
func (h *Hub) OnChange(ch table.Change) {
	if h.live.Load() == 0 {
		return
	}
	r := ch.Row()
	now := h.clock.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	queued := false
	for _, s := range h.subs {
		if !now.Before(s.expires) || s.route != ch.Route || !strings.EqualFold(s.companyID, ch.CompanyID) {
			continue
		}
		n := &pendingNote{kind: ch.Kind, at: now, due: now, origins: []*table.Row{r}}
		switch {
		case ch.Set == s.set:
			n.key = r.Vals[ch.Table.Key]
			if i, ok := ch.Table.ColIdx["lastModifiedDateTime"]; ok && ch.Kind != table.Deleted {
				if t, err := time.Parse(time.RFC3339Nano, r.Vals[i]); err == nil && t.Year() > 1 {
					n.at = t
				}
			}
		case s.lines[ch.Set] != "":
			n.kind, n.key = table.Updated, r.Vals[ch.Table.ColIdx[s.lines[ch.Set]]]
		default:
			continue
		}
		s.add(n)
		queued = true
	}
	if queued {
		h.armLocked(now.Add(h.cfg.Delay))
	}
}

// add queues n, merging an update into the record's previous notification
// when that is an update too.
func (s *subscription) add(n *pendingNote) {
	if n.kind == table.Updated {
		for i := len(s.queue) - 1; i >= 0; i-- {
			p := s.queue[i]
			if p.kind == "collection" || !strings.EqualFold(p.key, n.key) {
				continue
			}
			if p.kind == table.Updated && p.attempt == 0 {
				p.at = later(p.at, n.at)
				p.origins = append(p.origins, n.origins...)
				return
			}
			break
		}
	}
	s.queue = append(s.queue, n)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// armLocked makes sure the notification job runs by at.
func (h *Hub) armLocked(at time.Time) {
	if h.closed || (h.stopTimer != nil && !h.timerAt.After(at)) {
		return
	}
	if h.stopTimer != nil {
		h.stopTimer()
	}
	h.timerAt = at
	h.stopTimer = h.clock.AfterFunc(at.Sub(h.clock.Now()), func() { h.flush(false) })
}

// Retract withdraws the notifications of the changes of rows that were
// undone (a failed atomic batch): BC records notifications in the same
// transaction.
func (h *Hub) Retract(rows []*table.Row) {
	undone := map[*table.Row]bool{}
	for _, r := range rows {
		undone[r] = true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.subs {
		s.queue = slices.DeleteFunc(s.queue, func(n *pendingNote) bool {
			if len(n.origins) == 0 {
				return false
			}
			n.origins = slices.DeleteFunc(n.origins, func(r *table.Row) bool { return undone[r] })
			return len(n.origins) == 0
		})
	}
}

// Flush sends the pending notifications now, as if their delays had
// passed, and returns when the receivers have answered.
func (h *Hub) Flush() { h.flush(true).Wait() }

// post is one delivery: the notifications of the subscriptions of one URL.
type post struct {
	url   string
	subs  []*subscription
	notes [][]*pendingNote // per subscription
	body  []byte
}

// flush runs the notification job: it takes the notifications that are due
// (all of them if all), posts them per notification URL and returns a
// WaitGroup for those posts.
func (h *Hub) flush(all bool) *sync.WaitGroup {
	var wg sync.WaitGroup
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopTimer, h.timerAt = nil, time.Time{}
	if h.closed {
		return &wg
	}
	h.expireLocked()
	now := h.clock.Now()
	byURL := map[string]*post{}
	var order []*post
	var next time.Time
	for _, s := range h.subs {
		var due, rest []*pendingNote
		for _, n := range s.queue {
			if all || !n.due.After(now) {
				due = append(due, n)
			} else {
				rest = append(rest, n)
				if next.IsZero() || n.due.Before(next) {
					next = n.due
				}
			}
		}
		s.queue = rest
		if len(due) == 0 {
			continue
		}
		if len(due) > h.cfg.CollectionThreshold {
			due = []*pendingNote{collectionOf(s, due)}
		}
		p := byURL[s.notificationURL]
		if p == nil {
			p = &post{url: s.notificationURL}
			byURL[s.notificationURL] = p
			order = append(order, p)
		}
		p.subs = append(p.subs, s)
		p.notes = append(p.notes, due)
	}
	if !next.IsZero() {
		h.armLocked(next)
	}
	for _, p := range order {
		var value []notification
		for i, s := range p.subs {
			for _, n := range p.notes[i] {
				value = append(value, s.notification(n))
			}
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(map[string][]notification{"value": value})
		p.body = bytes.TrimRight(buf.Bytes(), "\n")
		wg.Add(1)
		h.sending.Add(1)
		go func() {
			defer wg.Done()
			defer h.sending.Done()
			h.deliver(p)
		}()
	}
	return &wg
}

// collectionOf merges a subscription's notifications into one "collection".
func collectionOf(s *subscription, notes []*pendingNote) *pendingNote {
	c := &pendingNote{kind: "collection", at: notes[0].at, since: notes[0].at}
	deleted := !s.hasLastModified
	for _, n := range notes {
		c.origins = append(c.origins, n.origins...)
		c.at = later(c.at, n.at)
		if n.at.Before(c.since) {
			c.since = n.at
		}
		deleted = deleted || n.kind == table.Deleted || n.kind == "collection" && n.since.IsZero()
	}
	if deleted {
		c.since = time.Time{} // no filter finds a deleted record: read the whole set
	}
	return c
}

// notification renders n for subscription s: the record's URL, or for a
// collection the set's URL with BC's lastModifiedDateTime filter.
func (s *subscription) notification(n *pendingNote) notification {
	resource := s.resource
	switch {
	case n.kind == "collection" && !n.since.IsZero():
		resource += "?$filter=lastModifiedDateTime%20gt%20" + table.FormatDateTime(n.since.Add(-50*time.Millisecond))
	case n.kind != "collection":
		resource += "(" + keyLiteral(n.key) + ")"
	}
	return notification{
		SubscriptionID: s.id, ClientState: s.clientState, ExpirationDateTime: wireSeconds(s.expires),
		Resource: resource, ChangeType: n.kind, LastModifiedDateTime: table.FormatDateTime(n.at),
	}
}

// keyLiteral writes a key as BC's notifications do: GUIDs bare, other keys
// escaped and quoted.
func keyLiteral(k string) string {
	if filter.IsGUID(k) {
		return strings.ToLower(k)
	}
	return "'" + strings.ReplaceAll(url.QueryEscape(k), "+", "%20") + "'"
}

// deliver posts p and applies BC's rules to the answer.
func (h *Hub) deliver(p *post) {
	status := h.send(p)
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case status >= 200 && status <= 299:
		return
	case status == 0 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500 && status <= 599:
		now := h.clock.Now()
		var next time.Time
		for i, s := range p.subs {
			if !slices.Contains(h.subs, s) {
				continue
			}
			retry := p.notes[i][:0:0]
			tooMany := false
			for _, n := range p.notes[i] {
				n.attempt++
				if n.attempt > len(h.cfg.RetryDelays) {
					tooMany = true
					break
				}
				n.due = now.Add(h.cfg.RetryDelays[n.attempt-1])
				if next.IsZero() || n.due.Before(next) {
					next = n.due
				}
				retry = append(retry, n)
			}
			if tooMany {
				h.deleteLocked(s)
				continue
			}
			s.queue = append(retry, s.queue...)
		}
		if !next.IsZero() {
			h.armLocked(next)
		}
	default:
		// BC deletes every subscription of a receiver that rejects a post,
		// with notifications in it or not.
		h.subs = slices.DeleteFunc(h.subs, func(s *subscription) bool { return s.notificationURL == p.url })
		h.live.Store(int32(len(h.subs)))
	}
}

// send posts p's body; status 0 means no answer.
func (h *Hub) send(p *post) int {
	ctx, cancel := context.WithTimeout(h.ctx, h.cfg.SendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(p.body))
	if err != nil {
		return 0
	}
	id := protocol.NewID()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("clientRequestId", id)
	req.Header.Set("x-ms-correlation-id", id)
	resp, err := h.client.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode
}
