package bctest

import (
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/serve"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/webhook"
)

// Webhooks are the timings and limits of the fake's webhook subscriptions
// ({route}/subscriptions): Expiry, Delay, CollectionThreshold,
// HandshakeTimeout, SendTimeout, RetryDelays and MaxSubscriptions. Zero
// fields take BC online's values (DefaultWebhooks); tests shorten them.
type Webhooks = webhook.Config

// DefaultWebhooks are BC online's timings and limits: subscriptions live 3
// days, notifications wait 30 s, more than 1,000 become one collection,
// failed posts are retried after 1, 1, 1 and 10 minutes, at most 200
// subscriptions.
func DefaultWebhooks() Webhooks { return webhook.Defaults() }

// FlushNotifications sends the pending webhook notifications now, as if
// their delays (Webhooks.Delay, retry delays) had passed, and returns when
// the receivers have answered. Tests call it instead of waiting.
func (s *Server) FlushNotifications() { s.webhooks.Flush() }

// startWebhooks makes the subscriptions and feeds them the tenant's changes.
func (s *Server) startWebhooks() {
	s.webhooks = webhook.New(s.cfg.webhooks, s.cfg.clock, webhookHost{s})
	s.stopWebhooks = s.tn.OnChange(s.webhooks.OnChange)
}

// webhookHost is the core as the webhook fake sees it.
type webhookHost struct{ s *Server }

func (h webhookHost) NewGUID() string    { return h.s.tn.NewGUID() }
func (h webhookHost) NextVersion() int64 { return h.s.tn.NextVersion() }
func (h webhookHost) Wrote()             { h.s.stats.writes.Add(1) }

func (h webhookHost) Table(route string, company protocol.Segment, set string) (string, *table.Table, *protocol.Error) {
	co := h.s.tn.FindCompany(company)
	if co == nil {
		return "", nil, protocol.CompanyNotFound(company.Key)
	}
	t, ok := co.Table(route, set)
	if !ok {
		return "", nil, protocol.NotFoundSegment(set)
	}
	return co.ID(), t, nil
}

func (h webhookHost) SetOf(route, typeName string) string {
	svc, _ := h.s.tn.Route(route)
	return serve.SetOfType(svc, typeName)
}
