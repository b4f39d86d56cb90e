package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bctest/internal/automation"
	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/shopspring/decimal"
)

// fromJSON converts a JSON value to a column's wire text, with BC's errors.
func fromJSON(c table.Column, raw json.RawMessage) (string, *protocol.Error) {
	s := strings.TrimSpace(string(raw))
	if s == "null" {
		return c.EmptyValue(), nil
	}
	if c.Quoted {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", protocol.BadRequest("BadRequest", "Invalid Request Body")
		}
		switch c.Kind {
		case filter.GUID:
			if !filter.IsGUID(v) {
				return "", protocol.BadRequest("Application_InvalidGUID", "The value '"+v+"' is not a valid GUID.")
			}
			return strings.ToLower(v), nil
		case filter.Date:
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				return "", protocol.BadRequest("BadRequest", "Unable to convert value '"+v+"' to Date.")
			}
		case filter.DateTime:
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return "", protocol.BadRequest("BadRequest", "Unable to convert value '"+v+"' to DateTime.")
			}
			return table.FormatDateTime(t), nil
		case filter.Enum:
			if !slices.Contains(c.Enum, v) {
				return "", protocol.BadRequest("Application_EvaluateException", "'"+v+"' is not an option. The existing options are: "+strings.Join(c.Enum, ","))
			}
		case filter.String:
			if n := len([]rune(v)); c.Prop.MaxLength > 0 && n > c.Prop.MaxLength {
				return "", protocol.BadRequest("Application_StringExceededLength", fmt.Sprintf("The length of the string is %d, but it must be less than or equal to %d characters. Value: %s", n, c.Prop.MaxLength, v))
			}
		}
		return v, nil
	}
	switch c.Kind {
	case filter.Bool:
		if s != "true" && s != "false" {
			return "", protocol.BadRequest("BadRequest", "Invalid Request Body")
		}
	case filter.Int:
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return "", protocol.BadRequest("BadRequest", "Invalid Request Body")
		}
	case filter.Decimal:
		if _, err := decimal.NewFromString(s); err != nil || strings.HasPrefix(s, `"`) {
			return "", protocol.BadRequest("BadRequest", "Invalid Request Body")
		}
	}
	return s, nil
}

// applyBody writes body's properties onto vals; navigation arrays are
// returned for deep insert.
func (c *reqContext) applyBody(t *table.Table, vals []string, body map[string]json.RawMessage, create bool) (map[string]json.RawMessage, *protocol.Error) {
	navs := map[string]json.RawMessage{}
	names := make([]string, 0, len(body))
	for k := range body {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		raw := body[name]
		if strings.HasPrefix(name, "@odata.") || strings.Contains(name, "@odata.") {
			continue
		}
		i, ok := t.ColIdx[name]
		if !ok {
			if nav := findNav(t.Type, name); nav != nil && nav.Collection {
				if !create {
					return nil, protocol.BadRequest("BadRequest_NotSupported", "Deep update is not supported. Update '"+name+"' through its own entity set.")
				}
				navs[name] = raw
				continue
			}
			return nil, protocol.BadRequest("BadRequest", "The property '"+name+"' does not exist on type 'Microsoft.NAV."+t.Type.Name+"'. Make sure to only use property names that are defined by the type.")
		}
		col := t.Cols[i]
		if col.Prop.ReadOnly && !(create && col.Prop.Key) {
			return nil, protocol.BadRequest("BadRequest_InvalidOperation", "Control '"+name+"' is read-only.")
		}
		v, aerr := fromJSON(col, raw)
		if aerr != nil {
			return nil, aerr
		}
		vals[i] = v
	}
	return navs, nil
}

// create serves POST on a collection, with deep insert of document lines.
func (c *reqContext) create(n *node) {
	t := n.t
	if !t.Set.Insertable {
		c.fail(protocol.MethodNotAllowed(http.MethodPost, t.Set.Name))
		return
	}
	body, aerr := protocol.ReadBody(c.r)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	r, aerr := c.insertTree(n.co, t, n, body)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	c.srv.Meter.Wrote()
	c.w.Header().Set("Location", c.baseURL()+"/"+c.route+"/companies("+n.co.ID()+")/"+t.Set.Name+t.KeySegment(r.Vals))
	c.writeEntity(http.StatusCreated, n, r, nil)
}

// insertTree validates a row and its deep-insert children, then stores them
// all (or nothing).
func (c *reqContext) insertTree(co *tenant.Company, t *table.Table, n *node, body map[string]json.RawMessage) (*table.Row, *protocol.Error) {
	tn := c.srv.Tenant
	vals, _ := tn.BuildRow(t, nil, nil)
	if n != nil && n.parent != nil {
		for _, rc := range n.via.Constraints {
			vals[t.ColIdx[rc.ReferencedProperty]] = n.parent.Vals[n.ptable.ColIdx[rc.Property]]
		}
	}
	navs, aerr := c.applyBody(t, vals, body, true)
	if aerr != nil {
		return nil, aerr
	}
	documentDefaults(co, t, vals)
	type childBatch struct {
		t    *table.Table
		rows [][]string
	}
	var batches []childBatch
	for name, raw := range navs {
		nav := findNav(t.Type, name)
		ct, ok := co.Table(c.route, SetOfType(c.svc(), nav.Type))
		if !ok {
			return nil, protocol.BadRequest("BadRequest", "Invalid Request Body")
		}
		var items []map[string]json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&items); err != nil {
			return nil, protocol.BadRequest("BadRequest", "Invalid Request Body")
		}
		b := childBatch{t: ct}
		for seq, item := range items {
			cv, _ := tn.BuildRow(ct, nil, nil)
			for _, rc := range nav.Constraints {
				cv[ct.ColIdx[rc.ReferencedProperty]] = vals[t.ColIdx[rc.Property]]
			}
			if _, aerr := c.applyBody(ct, cv, item, true); aerr != nil {
				return nil, aerr
			}
			if i, ok := ct.ColIdx["sequence"]; ok && cv[i] == "0" {
				cv[i] = strconv.Itoa((seq + 1) * 10000)
			}
			computeLine(ct, cv)
			b.rows = append(b.rows, cv)
		}
		batches = append(batches, b)
	}
	for _, b := range batches {
		totals(t, vals, b.t, b.rows)
	}
	r, err := t.Insert(vals, tn.NextVersion())
	if err != nil {
		return nil, &protocol.Error{Status: http.StatusBadRequest, Code: "Internal_EntityWithSameKeyExists", Message: "The record already exists."}
	}
	for _, b := range batches {
		for _, cv := range b.rows {
			if _, err := b.t.Insert(cv, tn.NextVersion()); err != nil {
				return nil, &protocol.Error{Status: http.StatusBadRequest, Code: "Internal_EntityWithSameKeyExists", Message: "The record already exists."}
			}
		}
	}
	return r, nil
}

// update serves PATCH on an entity.
func (c *reqContext) update(n *node) {
	t := n.t
	if !t.Set.Updatable {
		c.fail(protocol.MethodNotAllowed(http.MethodPatch, t.Set.Name))
		return
	}
	if aerr := protocol.CheckIfMatch(c.r.Header, n.row.Version); aerr != nil {
		c.fail(aerr)
		return
	}
	body, aerr := protocol.ReadBody(c.r)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	if i, ok := t.ColIdx["status"]; ok && n.row.Vals[i] != "Draft" && slices.Contains(t.Cols[i].Enum, "Draft") && strings.HasSuffix(t.Set.Name, "Invoices") {
		for k := range body {
			if k != "dueDate" && k != "promisedPayDate" && k != "disputeStatus" && k != "disputeStatusId" {
				c.fail(protocol.BadRequest("Application_DialogException", "The invoice has been posted and can no longer be modified."))
				return
			}
		}
	}
	vals := slices.Clone(n.row.Vals)
	if _, aerr := c.applyBody(t, vals, body, false); aerr != nil {
		c.fail(aerr)
		return
	}
	c.srv.Tenant.Touch(t, vals)
	nr := t.Replace(n.row, vals, c.srv.Tenant.NextVersion())
	c.srv.Meter.Wrote()
	c.writeEntity(http.StatusOK, n, nr, nil)
}

// remove serves DELETE on an entity.
func (c *reqContext) remove(n *node) {
	t := n.t
	if !t.Set.Deletable {
		c.fail(protocol.MethodNotAllowed(http.MethodDelete, t.Set.Name))
		return
	}
	if aerr := protocol.CheckIfMatch(c.r.Header, n.row.Version); aerr != nil {
		c.fail(aerr)
		return
	}
	t.Remove(n.row)
	c.srv.Meter.Wrote()
	c.w.WriteHeader(http.StatusNoContent)
}

// action serves POST …({key})/Microsoft.NAV.{name}.
func (c *reqContext) action(n *node, name string) {
	if c.r.Method != http.MethodPost {
		c.fail(protocol.MethodNotAllowed(c.r.Method, n.t.Set.Name))
		return
	}
	known := false
	for _, a := range n.t.Type.Actions {
		known = known || a.Name == name
	}
	if !known {
		c.fail(protocol.BadRequest("BadRequest_MethodNotImplemented", "The action '"+name+"' is not bound to '"+n.t.Type.Name+"'."))
		return
	}
	if c.route == automation.Route && c.srv.Automation.Act(&automation.Call{W: c.w, R: c.r, CompanyID: n.co.ID(), Table: n.t, Row: n.row}, name) {
		return
	}
	t := n.t
	vals := slices.Clone(n.row.Vals)
	status, hasStatus := t.ColIdx["status"]
	switch {
	case t.Set.Name == "journals" && name == "post":
		if lt, ok := n.co.Table(c.route, "journalLines"); ok {
			lines := lt.RowsWhere("journalId", n.row.Vals[t.Key])
			if len(lines) == 0 {
				c.fail(protocol.BadRequest("Application_DialogException", "There is nothing to post."))
				return
			}
			for _, l := range lines {
				if r, ok := lt.Lookup("", l.Vals[lt.Key]); ok {
					lt.Remove(r)
				}
			}
		}
	case hasStatus && (name == "post" || name == "postAndSend" || name == "send" && vals[status] == "Draft"):
		if vals[status] != "Draft" {
			c.fail(protocol.BadRequest("Application_DialogException", "The action can be applied to a draft invoice only."))
			return
		}
		vals[status] = "Open"
	case hasStatus && (name == "cancel" || name == "cancelAndSend"):
		if vals[status] != "Open" && vals[status] != "Paid" {
			c.fail(protocol.BadRequest("Application_DialogException", "The action can be applied to a posted invoice only."))
			return
		}
		vals[status] = "Canceled"
	}
	c.srv.Tenant.Touch(t, vals)
	t.Replace(n.row, vals, c.srv.Tenant.NextVersion())
	c.srv.Meter.Wrote()
	c.w.WriteHeader(http.StatusNoContent)
}
