package webhook

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/protocol"
)

// Creating, renewing and deleting subscriptions.

// subscriptionBody reads the writable properties of a create or renew.
func subscriptionBody(c *Request) (map[string]string, *protocol.Error) {
	body, aerr := protocol.ReadBody(c.R)
	if aerr != nil {
		return nil, aerr
	}
	out := map[string]string{}
	for name, raw := range body {
		switch name {
		case "notificationUrl", "resource", "clientState":
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, protocol.BadRequest("BadRequest", "Invalid Request Body")
			}
			out[name] = v
		case "subscriptionId", "timestamp", "lastModifiedDateTime", "systemCreatedAt", "systemCreatedBy", "systemModifiedAt", "systemModifiedBy":
			return nil, protocol.BadRequest("BadRequest_InvalidOperation", "Control '"+name+"' is read-only.")
		case "userId", "expirationDateTime":
			// BC sets these itself.
		default:
			if !strings.Contains(name, "@odata.") {
				return nil, protocol.BadRequest("BadRequest", "The property '"+name+"' does not exist on type 'Microsoft.NAV.subscriptions'. Make sure to only use property names that are defined by the type.")
			}
		}
	}
	if n := len([]rune(out["clientState"])); n > 2048 {
		return nil, protocol.BadRequest("Application_StringExceededLength", fmt.Sprintf("The length of the string is %d, but it must be less than or equal to 2048 characters.", n))
	}
	return out, nil
}

func (h *Hub) create(c *Request) {
	body, aerr := subscriptionBody(c)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	s := &subscription{route: c.Route, clientState: body["clientState"]}
	if aerr := h.target(c, s, body["notificationUrl"], body["resource"]); aerr != nil {
		c.fail(aerr)
		return
	}
	if aerr := h.roomFor(1); aerr != nil {
		c.fail(aerr)
		return
	}
	if aerr := h.handshake(c.R.Context(), s.notificationURL); aerr != nil {
		c.fail(aerr)
		return
	}
	id := strings.ReplaceAll(h.host.NewGUID(), "-", "")
	sum := sha1.Sum([]byte("bctest user " + c.Principal))
	now := h.clock.Now()
	s.id, s.userID, s.created, s.modified, s.expires = id, protocol.GUID(sum[:16]), now, now, now.Add(h.cfg.Expiry)
	s.version = h.host.NextVersion()
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		c.fail(&protocol.Error{Status: http.StatusServiceUnavailable, Code: "Internal_ServerError", Message: "The service is shutting down."})
		return
	}
	h.expireLocked()
	if len(h.subs) >= h.cfg.MaxSubscriptions {
		h.mu.Unlock()
		c.fail(h.tooMany())
		return
	}
	h.subs = append(h.subs, s)
	h.live.Store(int32(len(h.subs)))
	h.mu.Unlock()
	h.host.Wrote()
	c.W.Header().Set("Location", c.BaseURL+"/"+c.Route+"/subscriptions('"+id+"')")
	h.write(c, http.StatusCreated, s)
}

func (h *Hub) tooMany() *protocol.Error {
	return protocol.BadRequest("Application_DialogException", fmt.Sprintf("The maximum number of subscriptions (%d) has been reached.", h.cfg.MaxSubscriptions))
}

func (h *Hub) roomFor(n int) *protocol.Error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expireLocked()
	if len(h.subs)+n > h.cfg.MaxSubscriptions {
		return h.tooMany()
	}
	return nil
}

// writable finds the subscription a PATCH or DELETE addresses and applies
// the If-Match rules of any write; it returns a copy of it as it was.
func (h *Hub) writable(c *Request, id string) (*subscription, subscription, bool) {
	s := h.find(c.Route, id)
	if s == nil {
		c.fail(subscriptionNotFound(id))
		return nil, subscription{}, false
	}
	h.mu.Lock()
	was := *s
	h.mu.Unlock()
	if aerr := protocol.CheckIfMatch(c.R.Header, was.version); aerr != nil {
		c.fail(aerr)
		return nil, subscription{}, false
	}
	return s, was, true
}

// renew serves PATCH subscriptions('{id}'): the If-Match rules of any write,
// the handshake again, a new expiry.
func (h *Hub) renew(c *Request, id string) {
	s, next, ok := h.writable(c, id)
	if !ok {
		return
	}
	version := next.version
	body, aerr := subscriptionBody(c)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	url, resource := next.notificationURL, next.resource
	if v, ok := body["notificationUrl"]; ok {
		url = v
	}
	if v, ok := body["resource"]; ok {
		resource = v
	}
	if v, ok := body["clientState"]; ok {
		next.clientState = v
	}
	if aerr := h.target(c, &next, url, resource); aerr != nil {
		c.fail(aerr)
		return
	}
	if aerr := h.handshake(c.R.Context(), next.notificationURL); aerr != nil {
		c.fail(aerr)
		return
	}
	now := h.clock.Now()
	h.mu.Lock()
	if s.version != version || !slices.Contains(h.subs, s) {
		h.mu.Unlock()
		c.fail(protocol.EntityChanged())
		return
	}
	s.notificationURL, s.resource, s.clientState = next.notificationURL, next.resource, next.clientState
	s.companyID, s.set, s.hasLastModified, s.lines = next.companyID, next.set, next.hasLastModified, next.lines
	s.modified, s.expires, s.version = now, now.Add(h.cfg.Expiry), h.host.NextVersion()
	h.mu.Unlock()
	h.host.Wrote()
	h.write(c, http.StatusOK, s)
}

func (h *Hub) remove(c *Request, id string) {
	s, _, ok := h.writable(c, id)
	if !ok {
		return
	}
	h.mu.Lock()
	h.deleteLocked(s)
	h.mu.Unlock()
	h.host.Wrote()
	c.W.WriteHeader(http.StatusNoContent)
}

func (h *Hub) deleteLocked(s *subscription) {
	h.subs = slices.DeleteFunc(h.subs, func(x *subscription) bool { return x == s })
	h.live.Store(int32(len(h.subs)))
}

// target checks a notification URL and a resource and sets them on s. The
// resource may be written relative to the route ("companies(…)/customers"),
// to the service ("api/v2.0/companies(…)/customers"), rooted or absolute; it
// is stored as BC writes it: "api/v2.0/companies(<id>)/customers".
func (h *Hub) target(c *Request, s *subscription, notificationURL, resource string) *protocol.Error {
	u, err := url.Parse(notificationURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return protocol.BadRequest("BadRequest", "The notificationUrl '"+notificationURL+"' is not an absolute http or https URL.")
	}
	if resource == "" {
		return protocol.BadRequest("BadRequest_RequiredParamNotProvided", "Field 'resource' must not be blank or empty.")
	}
	path := resource
	if r, err := url.Parse(resource); err == nil && r.IsAbs() {
		path = r.EscapedPath()
	}
	if strings.Contains(path, "?") {
		return protocol.BadRequest("BadRequest_InvalidRequestUrl", "The resource '"+resource+"' must name an entity set without a query.")
	}
	segs := protocol.SplitPath(path)
	if i := slices.Index(segs, "api"); i >= 0 {
		rest := segs[i+1:]
		route := "api/" + strings.Join(rest[:min(len(rest), 3)], "/")
		if len(rest) > 0 && rest[0] == "v2.0" {
			route = bc.StandardRoute
		}
		if route != c.Route || len(rest) < len(strings.Split(route, "/"))-1 {
			return protocol.BadRequest("BadRequest_InvalidRequestUrl", "The resource '"+resource+"' is not on the API route "+c.Route+" of this subscriptions endpoint.")
		}
		segs = rest[len(strings.Split(route, "/"))-1:]
	}
	if len(segs) != 2 {
		return protocol.BadRequest("BadRequest_InvalidRequestUrl", "The resource '"+resource+"' must be an entity set of a company: companies({id})/{entitySet}.")
	}
	cs, ss := protocol.ParseSegment(segs[0]), protocol.ParseSegment(segs[1])
	if !cs.OK || cs.Name != "companies" || !cs.HasKey || !ss.OK || ss.HasKey {
		return protocol.BadRequest("BadRequest_InvalidRequestUrl", "The resource '"+resource+"' must be an entity set of a company: companies({id})/{entitySet}.")
	}
	companyID, t, aerr := h.host.Table(c.Route, cs, ss.Name)
	if aerr != nil {
		return aerr
	}
	_, hasLM := t.ColIdx["lastModifiedDateTime"]
	if t.Parent >= 0 || len(t.Type.Key) != 1 || (!t.Set.Insertable && !t.Set.Updatable && !t.Set.Deletable && !hasLM) {
		return protocol.BadRequest("Application_DialogException", "The entity set '"+ss.Name+"' does not support webhooks.")
	}
	s.notificationURL, s.companyID, s.set, s.hasLastModified = notificationURL, companyID, ss.Name, hasLM
	s.resource = c.Route + "/companies(" + companyID + ")/" + ss.Name
	s.lines = map[string]string{}
	for _, nav := range t.Type.Navigation {
		child := h.host.SetOf(c.Route, nav.Type)
		if nav.Collection && len(nav.Constraints) == 1 && nav.Constraints[0].Property == t.Type.Key[0] &&
			strings.HasSuffix(child, "Lines") && child != "dimensionSetLines" {
			s.lines[child] = nav.Constraints[0].ReferencedProperty
		}
	}
	return nil
}

// handshake calls the notification URL with ?validationToken=… and requires
// the token back, status 200, within HandshakeTimeout, as BC does before it
// creates or renews a subscription. The error BC gives when this fails is
// not documented; this one says what went wrong.
func (h *Hub) handshake(ctx context.Context, notificationURL string) *protocol.Error {
	token := protocol.NewID()
	u, _ := url.Parse(notificationURL)
	q := u.Query()
	q.Set("validationToken", token)
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, h.cfg.HandshakeTimeout)
	defer cancel()
	fail := func(why string) *protocol.Error {
		return protocol.BadRequest("BadRequest", "The subscription could not be validated: the notification URL must answer the validation request with status 200 and the validationToken in the body within "+
			h.cfg.HandshakeTimeout.String()+" ("+why+").")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), http.NoBody)
	if err != nil {
		return fail(err.Error())
	}
	resp, err := h.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fail("no answer in time")
		}
		return fail("no answer: " + err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode != http.StatusOK:
		return fail(fmt.Sprintf("it answered %d", resp.StatusCode))
	case strings.TrimSpace(string(b)) != token:
		return fail("the body is not the token")
	}
	return nil
}
