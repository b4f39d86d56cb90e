package main

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/examples/internal/cli"
	"github.com/riverqueue/river/rivertype"
)

//go:embed templates/page.html
var templates embed.FS

// pageTemplate is the operator page; html/template escapes every value
// for where it lands (text, attribute), so a tenant's fields cannot
// inject markup.
var pageTemplate = template.Must(template.ParseFS(templates, "templates/page.html"))

// pageData is what the page shows.
type pageData struct {
	Where, Now     string
	RefreshSeconds int
	Tenants        []tenantRow
	Attention      int
	Queue          []queueCount
}

type queueCount struct {
	State rivertype.JobState
	N     int
}

// tenantRow is one tenant as the page prints it: text only, with the
// secret reference reduced to its kind and the store to where it is.
type tenantRow struct {
	Name, Environment, SecretKind string
	// EntraTenant and ClientID are the principal, shown on two lines.
	EntraTenant, ClientID     string
	Status, Class             string
	LastRun, Next             moment
	Mode, Duration, Store     string
	Rows, Requests, Throttled int64
	LastError                 string
	Attention                 *attentionRow
}

// moment is a time as the page shows it: UTC, and below it how long ago
// or ahead.
type moment struct{ At, Note string }

func (m moment) String() string {
	if m.Note == "" {
		return m.At
	}
	return m.At + " (" + m.Note + ")"
}

type attentionRow struct {
	Tenant, Step, Detail, Fix, Since string
}

// page renders the operator page from the jobs database.
func (wb *web) page(w http.ResponseWriter, r *http.Request) {
	data, err := wb.pageData(r.Context(), time.Now().UTC())
	if err != nil {
		wb.logger.Error("the page could not read the jobs database", "err", err)
		http.Error(w, "503 the jobs database did not answer: see syncd's log", http.StatusServiceUnavailable)
		return
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		wb.logger.Error("rendering the page", "err", err)
		http.Error(w, "500 the page could not be rendered: see syncd's log", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// No scripts at all, no framing: the page is text and one style sheet.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(b.Bytes())
}

func (wb *web) pageData(ctx context.Context, now time.Time) (pageData, error) {
	statuses, err := jobs.Overview(ctx, wb.db)
	if err != nil {
		return pageData{}, err
	}
	counts, err := jobs.JobCounts(ctx, wb.db)
	if err != nil {
		return pageData{}, err
	}
	d := pageData{Where: wb.db.Where(), Now: stamp(now), RefreshSeconds: int(wb.refresh.Seconds())}
	for _, s := range rivertype.JobStates() {
		d.Queue = append(d.Queue, queueCount{s, counts[s]})
	}
	for _, s := range statuses {
		row := newTenantRow(s, now)
		if row.Attention != nil {
			d.Attention++
		}
		d.Tenants = append(d.Tenants, row)
	}
	return d, nil
}

// statusClasses are the CSS classes of the statuses; others get none.
var statusClasses = map[string]string{"ok": "ok", "running": "running", "partial": "partial", "throttled": "throttled",
	"interrupted": "interrupted", "failed": "failed", "cancelled": "cancelled", "needs attention": "attention",
	"disabled": "disabled", "never run": "never"}

func newTenantRow(s jobs.TenantStatus, now time.Time) tenantRow {
	t, last := s.Tenant, s.Last
	kind, _, _ := strings.Cut(t.SecretRef, ":")
	row := tenantRow{Name: t.Name, Environment: t.Environment, EntraTenant: t.EntraTenant, ClientID: t.ClientID, SecretKind: kind,
		Status: s.Status(), Class: statusClasses[s.Status()], LastRun: moment{At: "-"}, Mode: last.Mode, Duration: "-", Next: when(s.Next, now, true),
		Store: storeLabel(t.Store), Rows: last.Rows, Requests: last.Requests, Throttled: last.Throttled}
	if last.ID != 0 {
		row.LastRun = when(last.Started, now, false)
		if !last.Finished.IsZero() {
			row.Duration = cli.FormatDuration(last.Duration().Round(time.Millisecond))
		}
		if last.Status != "ok" && t.Attention == nil {
			row.LastError = last.Error
		}
	}
	if a := t.Attention; a != nil {
		row.Attention = &attentionRow{Tenant: t.Name, Step: a.Step, Detail: a.Detail, Fix: strings.TrimSuffix(a.Fix, "."), Since: when(a.At, now, false).String()}
	}
	return row
}

// when is t as the page shows it; a future time already past (a run that
// is due) says so.
func when(t, now time.Time, future bool) moment {
	if t.IsZero() {
		return moment{At: "-"}
	}
	d := t.Sub(now).Round(time.Second)
	switch {
	case d < 0 && future:
		return moment{stamp(t), "due: queued at the next tick"}
	case d < 0:
		return moment{stamp(t), cli.FormatDuration(-d) + " ago"}
	case d == 0:
		return moment{stamp(t), "now"}
	}
	return moment{stamp(t), "in " + cli.FormatDuration(d)}
}

// storeLabel says where a store is without what may authenticate to it: a
// PostgreSQL URL's user, password and parameters other than the schema are
// dropped.
func storeLabel(store string) string {
	kind, rest, _ := strings.Cut(store, ":")
	switch kind {
	case "postgres", "postgresql":
		u, err := url.Parse(store)
		if err != nil {
			return kind
		}
		label := kind + "://" + u.Host + u.Path
		if sp := u.Query().Get("search_path"); sp != "" {
			label += "?search_path=" + url.QueryEscape(sp)
		}
		return label
	case "sqlite", "jsonl":
		return kind + ":" + rest
	}
	return kind
}
