package bctest

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
	"github.com/bcsdk/bc/bctest/internal/table"
)

// Creating, renewing and deleting subscriptions.

// subscriptionBody reads the writable properties of a create or renew.
func subscriptionBody(c *reqContext) (map[string]string, *protocol.Error) {
	body, aerr := c.readBody()
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

func (h *webhookHub) create(c *reqContext) {
	body, aerr := subscriptionBody(c)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	s := &webhookSub{route: c.route, clientState: body["clientState"]}
	if aerr := h.target(c, s, body["notificationUrl"], body["resource"]); aerr != nil {
		c.fail(aerr)
		return
	}
	if aerr := h.roomFor(1); aerr != nil {
		c.fail(aerr)
		return
	}
	if aerr := h.handshake(c.r.Context(), s.notificationURL); aerr != nil {
		c.fail(aerr)
		return
	}
	tn := c.srv.tenant
	id := strings.ReplaceAll(tn.newGUID(), "-", "")
	sum := sha1.Sum([]byte("bctest user " + c.principal))
	now := h.clock.Now()
	s.id, s.userID, s.created, s.modified, s.expires = id, protocol.GUID(sum[:16]), now, now, now.Add(h.cfg.Expiry)
	s.version = tn.version.Add(1)
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
	c.srv.stats.writes.Add(1)
	c.w.Header().Set("Location", c.baseURL()+"/"+c.route+"/subscriptions('"+id+"')")
	h.write(c, http.StatusCreated, s)
}

func (h *webhookHub) tooMany() *protocol.Error {
	return protocol.BadRequest("Application_DialogException", fmt.Sprintf("The maximum number of subscriptions (%d) has been reached.", h.cfg.MaxSubscriptions))
}

func (h *webhookHub) roomFor(n int) *protocol.Error {
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
func (h *webhookHub) writable(c *reqContext, id string) (*webhookSub, webhookSub, bool) {
	s := h.find(c.route, id)
	if s == nil {
		c.fail(subscriptionNotFound(id))
		return nil, webhookSub{}, false
	}
	h.mu.Lock()
	was := *s
	h.mu.Unlock()
	if aerr := c.checkIfMatch(&table.Row{Version: was.version}); aerr != nil {
		c.fail(aerr)
		return nil, webhookSub{}, false
	}
	return s, was, true
}

// renew serves PATCH subscriptions('{id}'): the If-Match rules of any write,
// the handshake again, a new expiry.
func (h *webhookHub) renew(c *reqContext, id string) {
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
	if aerr := h.handshake(c.r.Context(), next.notificationURL); aerr != nil {
		c.fail(aerr)
		return
	}
	now := h.clock.Now()
	h.mu.Lock()
	if s.version != version || !slices.Contains(h.subs, s) {
		h.mu.Unlock()
		c.fail(&protocol.Error{Status: http.StatusConflict, Code: "Request_EntityChanged", Message: "Another user has already changed the record."})
		return
	}
	s.notificationURL, s.resource, s.clientState = next.notificationURL, next.resource, next.clientState
	s.companyID, s.set, s.hasLastModified, s.lines = next.companyID, next.set, next.hasLastModified, next.lines
	s.modified, s.expires, s.version = now, now.Add(h.cfg.Expiry), c.srv.tenant.version.Add(1)
	h.mu.Unlock()
	c.srv.stats.writes.Add(1)
	h.write(c, http.StatusOK, s)
}

func (h *webhookHub) remove(c *reqContext, id string) {
	s, _, ok := h.writable(c, id)
	if !ok {
		return
	}
	h.mu.Lock()
	h.deleteLocked(s)
	h.mu.Unlock()
	c.srv.stats.writes.Add(1)
	c.w.WriteHeader(http.StatusNoContent)
}

func (h *webhookHub) deleteLocked(s *webhookSub) {
	h.subs = slices.DeleteFunc(h.subs, func(x *webhookSub) bool { return x == s })
	h.live.Store(int32(len(h.subs)))
}

// target checks a notification URL and a resource and sets them on s. The
// resource may be written relative to the route ("companies(…)/customers"),
// to the service ("api/v2.0/companies(…)/customers"), rooted or absolute; it
// is stored as BC writes it: "api/v2.0/companies(<id>)/customers".
func (h *webhookHub) target(c *reqContext, s *webhookSub, notificationURL, resource string) *protocol.Error {
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
		if route != c.route || len(rest) < len(strings.Split(route, "/"))-1 {
			return protocol.BadRequest("BadRequest_InvalidRequestUrl", "The resource '"+resource+"' is not on the API route "+c.route+" of this subscriptions endpoint.")
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
	co := c.findCompany(cs)
	if co == nil {
		return &protocol.Error{Status: http.StatusNotFound, Code: "Internal_CompanyNotFound", Message: "The company '" + cs.Key + "' does not exist."}
	}
	t, ok := co.table(c.route, ss.Name)
	if !ok {
		return protocol.NotFoundSegment(ss.Name)
	}
	_, hasLM := t.ColIdx["lastModifiedDateTime"]
	if t.Parent >= 0 || len(t.Type.Key) != 1 || (!t.Set.Insertable && !t.Set.Updatable && !t.Set.Deletable && !hasLM) {
		return protocol.BadRequest("Application_DialogException", "The entity set '"+ss.Name+"' does not support webhooks.")
	}
	s.notificationURL, s.companyID, s.set, s.hasLastModified = notificationURL, co.ID, ss.Name, hasLM
	s.resource = c.route + "/companies(" + co.ID + ")/" + ss.Name
	s.lines = map[string]string{}
	for _, nav := range t.Type.Navigation {
		child := setOfType(c.svc(), nav.Type)
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
func (h *webhookHub) handshake(ctx context.Context, notificationURL string) *protocol.Error {
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
