package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/churn"
	"github.com/bcsdk/bc/bctest/internal/gate"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/bctest/internal/tenant"
	"github.com/stretchr/testify/require"
)

var epoch = time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)

type clock struct{}

func (clock) Now() time.Time { return epoch }

type meter struct {
	pages, rows int
	requests    []string
}

func (m *meter) Fault(string)        {}
func (m *meter) Page(rows int)       { m.pages++; m.rows += rows }
func (m *meter) Wrote()              {}
func (m *meter) IgnoredLambda()      {}
func (m *meter) Request(line string) { m.requests = append(m.requests, line) }

type gateMeter struct{}

func (gateMeter) Throttled()                {}
func (gateMeter) Queued()                   {}
func (gateMeter) Fault(string)              {}
func (gateMeter) Served(int, time.Duration) {}

type churnHost struct{ tn *tenant.Tenant }

func (h churnHost) NewGUID() string                     { return h.tn.NewGUID() }
func (h churnHost) NextVersion() int64                  { return h.tn.NextVersion() }
func (h churnHost) Touch(t *table.Table, vals []string) { h.tn.Touch(t, vals) }

const companyID = "aaaa0000-0000-0000-0000-000000000001"

// newCore is the OData layer over one company holding n customers, with
// no limits, faults or churn.
func newCore(t *testing.T, n int) (*Core, *meter) {
	t.Helper()
	tn := tenant.New(1, func() time.Time { return epoch })
	co := tn.AddCompany(companyID, "Alpha", "Alpha Ltd", epoch)
	for i := range n {
		_, err := co.Insert(bc.StandardRoute, "customers", map[string]any{"number": fmt.Sprintf("C%05d", i), "displayName": fmt.Sprintf("Customer %d", i)})
		require.NoError(t, err)
	}
	m := &meter{}
	return &Core{Tenant: tn, Limits: gate.New(gate.Limits{}, gate.ServiceModel{}, gateMeter{}, clock{}),
		Faults: gate.NewInjector(gate.Faults{}, gate.ServiceModel{}), Churn: churn.New(churn.Config{}, churnHost{tn}), Meter: m}, m
}

type page struct {
	Count    *int                `json:"@odata.count"`
	NextLink string              `json:"@odata.nextLink"`
	Value    []map[string]string `json:"value"`
}

// get serves one GET of a full URL and decodes its page.
func get(t *testing.T, c *Core, rawURL string, prefer string) (int, page, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, rawURL, nil)
	if prefer != "" {
		r.Header.Set("Prefer", prefer)
	}
	rec := httptest.NewRecorder()
	w := c.Limits.Pace(rec, epoch, gate.Fault{})
	segs := protocol.SplitPath(r.URL.EscapedPath())
	c.Serve(Request{W: w, R: r, Route: bc.StandardRoute, Principal: "app"}, segs[5:]) // below v2.0/{tenant}/{env}/api/v2.0
	w.Finish()
	var p page
	if rec.Code == http.StatusOK {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p), rec.Body.String())
	}
	return rec.Code, p, rec.Body.String()
}

const base = "http://bc.test/v2.0/tenant/production/api/v2.0/companies(" + companyID + ")/customers"

func TestListPagesFollowNextLinksAndHoldTop(t *testing.T) {
	t.Parallel()
	c, m := newCore(t, 7)
	link := base + "?$top=5&$orderby=number%20desc&$select=number&$count=true"
	var numbers []string
	var sizes []int
	for link != "" {
		code, p, body := get(t, c, link, "odata.maxpagesize=2")
		require.Equal(t, http.StatusOK, code, body)
		if len(sizes) == 0 {
			require.NotNil(t, p.Count, body)
			require.Equal(t, 7, *p.Count, "$count counts the collection, not the page")
		}
		sizes = append(sizes, len(p.Value))
		for _, row := range p.Value {
			numbers = append(numbers, row["number"])
			require.Len(t, row, 2, "@odata.etag and number: %v", row)
		}
		if p.NextLink != "" {
			u, err := url.Parse(p.NextLink)
			require.NoError(t, err)
			require.Equal(t, "/v2.0/tenant/production/api/v2.0/companies("+companyID+")/customers", u.Path)
			require.NotEmpty(t, u.Query().Get("$skiptoken"), p.NextLink)
		}
		link = p.NextLink
	}
	require.Equal(t, []int{2, 2, 1}, sizes)
	require.Equal(t, []string{"C00006", "C00005", "C00004", "C00003", "C00002"}, numbers)
	require.Equal(t, 3, m.pages)
	require.Equal(t, 5, m.rows)
}

func TestListRefusesABadQueryOption(t *testing.T) {
	t.Parallel()
	c, m := newCore(t, 1)
	code, _, body := get(t, c, base+"?$skiptoken=bogus", "")
	require.Equal(t, http.StatusBadRequest, code)
	require.True(t, strings.Contains(body, `"code":"BadRequest_InvalidToken"`), body)
	require.True(t, strings.Contains(body, `"message":"The skip token is not valid.`), body)
	require.Zero(t, m.pages)
}
