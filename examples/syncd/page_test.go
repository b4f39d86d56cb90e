package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/stretchr/testify/require"
)

// TestPageEscapesAndHidesSecrets renders tenants whose fields hold markup
// and whose store URL holds a password: every field is escaped, the secret
// reference shows only its kind, the store no credentials, and the
// diagnosis shows the step and the fix.
func TestPageEscapesAndHidesSecrets(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	started := now.Add(-90 * time.Second)
	statuses := []jobs.TenantStatus{
		{Tenant: jobs.Tenant{Name: "contoso", EntraTenant: "t1", ClientID: "c1", SecretRef: "vault:contoso/<b>x</b>", Environment: `<script>alert("env")</script>`,
			Store: "postgres://sync:hunter2@db.internal:5432/bc?search_path=contoso&password=hunter3", Enabled: true, Every: time.Minute},
			Last: jobs.Run{ID: 7, Mode: "incremental", Started: started, Finished: started.Add(1500 * time.Millisecond), Status: "failed",
				Rows: 42, Requests: 9, Throttled: 2, Error: `<img src=x onerror=alert(1)>`},
			Next: now.Add(30 * time.Second)},
		{Tenant: jobs.Tenant{Name: "fabrikam", EntraTenant: "t2", ClientID: "c2", SecretRef: "env:FABRIKAM_SECRET", Environment: "Production", Store: "sqlite:/data/fabrikam.db",
			Attention: &jobs.Attention{Step: "3. Client secret is valid", Detail: `AADSTS7000215 "<i>"`, Fix: "create a new secret & store it.", At: now.Add(-time.Hour)}}},
	}
	wb := &web{refresh: pageRefresh}
	d := pageData{Where: "sqlite:jobs.db", Now: stamp(now), RefreshSeconds: int(wb.refresh.Seconds())}
	for _, s := range statuses {
		d.Tenants = append(d.Tenants, newTenantRow(s, now))
	}
	d.Attention = 1
	var b bytes.Buffer
	require.NoError(t, pageTemplate.Execute(&b, d))
	page := b.String()
	for _, leak := range []string{"<script>alert", "<img src=x", "<b>x</b>", "<i>", "hunter2", "hunter3", "FABRIKAM_SECRET", "contoso/"} {
		require.NotContains(t, page, leak)
	}
	for _, cell := range []string{
		`<td data-col="environment">&lt;script&gt;alert(&#34;env&#34;)&lt;/script&gt;</td>`,
		`<td data-col="secret" title="the kind of secret reference; the secret is never stored or shown">vault</td>`,
		`<td data-col="secret" title="the kind of secret reference; the secret is never stored or shown">env</td>`,
		`<td data-col="store" class="muted">postgres://db.internal:5432/bc?search_path=contoso</td>`,
		`<td data-col="status" class="status">failed</td>`,
		`<td data-col="last">2026-12-07 11:58:30Z<span class="note">1m30s ago</span></td>`,
		`<td data-col="rows" class="num">42</td>`,
		`<td data-col="duration" class="num">1.5s</td>`,
		`<td data-col="throttled" class="num">2</td>`,
		`<td data-col="next">2026-12-07 12:00:30Z<span class="note">in 30s</span></td>`,
		`<td data-col="principal" class="muted">t1<br>c1</td>`,
		`<tr class="lasterror" data-error="contoso"><td colspan="13">Last run: &lt;img src=x onerror=alert(1)&gt;</td></tr>`,
		`<td data-col="status" class="status">needs attention</td>`,
		`<tr class="diagnosis" data-diagnosis="fabrikam"><td colspan="13">Needs attention since 2026-12-07 11:00:00Z (1h ago): <b>3. Client secret is valid</b>: AADSTS7000215 &#34;&lt;i&gt;&#34;<br>Fix: create a new secret &amp; store it. Then run <code>syncd tenants enable --name fabrikam</code>.</td></tr>`,
		`<meta http-equiv="refresh" content="10">`,
		`<title>syncd: 2 tenants, 1 need attention</title>`,
	} {
		require.Contains(t, page, cell)
	}
}

// TestRiverUIAndMetrics serves River UI and /metrics on each jobs
// database: River UI lists the queued job, the metrics count it.
func TestRiverUIAndMetrics(t *testing.T) {
	t.Parallel()
	for _, b := range webBackends {
		t.Run(b.name, func(t *testing.T) {
			srv := newWeb(t, b.dsn(t), "")
			code, body := get(t, srv, "/riverui/api/jobs?state=available", nil)
			require.Equal(t, http.StatusOK, code)
			require.Regexp(t, `"kind":"bcsync_sync_environment"`, body)
			// PostgreSQL's jsonb puts a blank after the colon.
			require.Regexp(t, `\\"tenant\\": ?\\"contoso\\"`, body)
			code, body = get(t, srv, "/riverui/", nil)
			require.Equal(t, http.StatusOK, code)
			require.Contains(t, body, `{"apiUrl":"/riverui/api","base":"/riverui"}`)

			code, body = get(t, srv, "/metrics", nil)
			require.Equal(t, http.StatusOK, code)
			var got []string
			for _, line := range strings.Split(body, "\n") {
				if strings.HasPrefix(line, "bcsync_queue_jobs{") || strings.HasPrefix(line, "bcsync_tenants_needing_attention ") {
					got = append(got, line)
				}
			}
			require.Equal(t, []string{
				`bcsync_queue_jobs{state="available"} 1`, `bcsync_queue_jobs{state="cancelled"} 0`, `bcsync_queue_jobs{state="completed"} 0`,
				`bcsync_queue_jobs{state="discarded"} 0`, `bcsync_queue_jobs{state="pending"} 0`, `bcsync_queue_jobs{state="retryable"} 0`,
				`bcsync_queue_jobs{state="running"} 0`, `bcsync_queue_jobs{state="scheduled"} 0`, `bcsync_tenants_needing_attention 0`,
			}, got)
			require.Contains(t, body, "\ngo_goroutines ")

			code, body = get(t, srv, "/", nil)
			require.Equal(t, http.StatusOK, code)
			require.Contains(t, body, `<span data-state="available">available <b>1</b></span>`)
			require.Contains(t, body, `<td data-col="status" class="status">never run</td>`)
		})
	}
}

// BenchmarkPage renders the page of 1,000 tenants (reported in the docs).
func BenchmarkPage(b *testing.B) {
	now := time.Now().UTC()
	d := pageData{Where: "sqlite:jobs.db", Now: stamp(now), RefreshSeconds: 10}
	for i := range 1000 {
		s := jobs.TenantStatus{Tenant: jobs.Tenant{Name: fmt.Sprintf("tenant-%d", i), EntraTenant: "t", ClientID: "c", SecretRef: "env:S", Environment: "Production",
			Store: "sqlite:/data/x.db", Enabled: true, Every: time.Minute}, Last: jobs.Run{ID: 1, Started: now, Finished: now.Add(time.Second), Status: "ok", Rows: 1000}, Next: now}
		d.Tenants = append(d.Tenants, newTenantRow(s, now))
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := pageTemplate.Execute(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1e3, "kB/page")
}

// BenchmarkPageFromDB serves the page of 200 registered tenants from a
// SQLite jobs database: the registry, runs and queue queries and the
// rendering.
func BenchmarkPageFromDB(b *testing.B) {
	ctx := b.Context()
	db, err := openDB(ctx, "sqlite:"+filepath.Join(b.TempDir(), "jobs.db"))
	require.NoError(b, err)
	defer db.Close()
	for i := range 200 {
		require.NoError(b, db.Registry().Add(ctx, jobs.Tenant{Name: fmt.Sprintf("tenant-%03d", i), EntraTenant: "t", ClientID: "c", SecretRef: "env:S",
			Environment: "Production", Profile: "mosaic", Every: time.Minute, Store: "sqlite:/data/x.db", Enabled: true}))
	}
	wb := &web{db: db, logger: slog.New(slog.DiscardHandler), refresh: pageRefresh}
	for b.Loop() {
		rec := httptest.NewRecorder()
		wb.page(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
