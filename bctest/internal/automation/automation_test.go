package automation

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/stretchr/testify/require"
)

// host is a tenant of companies, each with its own table of every set of
// the route until State shares them.
type host struct {
	companies []Company
	tables    map[string]map[string]*table.Table // company id → set → table
	version   int64
}

func newHost(t *testing.T, companies ...Company) *host {
	t.Helper()
	h := &host{tables: map[string]map[string]*table.Table{}}
	for _, co := range companies {
		h.AddCompany(co.ID, co.Name, co.DisplayName)
	}
	return h
}

func (h *host) Companies() []Company { return slices.Clone(h.companies) }
func (h *host) Table(id, set string) (*table.Table, bool) {
	t, ok := h.tables[id][set]
	return t, ok
}
func (h *host) UseTable(id, set string, t *table.Table) { h.tables[id][set] = t }
func (h *host) Insert(t *table.Table, values map[string]any) (*table.Row, error) {
	vals := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		vals[i] = c.EmptyValue()
	}
	for k, v := range values {
		i, ok := t.ColIdx[k]
		if !ok {
			return nil, fmt.Errorf("no column %s", k)
		}
		vals[i] = fmt.Sprint(v)
	}
	return t.Insert(vals, h.NextVersion())
}
func (h *host) NextVersion() int64 { h.version++; return h.version }
func (h *host) AddCompany(id, name, display string) bool {
	if _, ok := h.tables[id]; ok {
		return false
	}
	h.companies = append(h.companies, Company{ID: id, Name: name, DisplayName: display})
	svc := API()
	h.tables[id] = map[string]*table.Table{}
	for _, set := range svc.EntitySets {
		h.tables[id][set.Name] = table.New(set, svc.TypeOf(&set), svc)
	}
	return true
}
func (h *host) RenameCompany(id, name, display string) {
	for i := range h.companies {
		if h.companies[i].ID == id {
			h.companies[i].Name, h.companies[i].DisplayName = name, display
		}
	}
}
func (h *host) RemoveCompany(id string) {
	h.companies = slices.DeleteFunc(h.companies, func(c Company) bool { return c.ID == id })
	delete(h.tables, id)
}
func (h *host) Media(string, string) []byte { return nil }
func (h *host) DeleteMedia(string, string)  {}
func (h *host) Wrote()                      {}
func (h *host) Now() time.Time              { return time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC) }

var (
	cronus  = Company{ID: "11111111-0000-0000-0000-000000000000", Name: "CRONUS", DisplayName: "CRONUS USA"}
	contoso = Company{ID: "22222222-0000-0000-0000-000000000000", Name: "Contoso", DisplayName: "Contoso Ltd."}
)

func TestShareGivesEveryCompanyTheFirstOnesTenantWideTables(t *testing.T) {
	t.Parallel()
	h := newHost(t, cronus, contoso)
	firstUsers, _ := h.Table(cronus.ID, "users")
	ownPackages, _ := h.Table(contoso.ID, "configurationPackages")
	st := New(h)
	st.Share()
	for _, set := range []string{"users", "extensions", "automationCompanies"} {
		a, _ := h.Table(cronus.ID, set)
		b, _ := h.Table(contoso.ID, set)
		require.Same(t, a, b, set)
	}
	users, _ := h.Table(contoso.ID, "users")
	require.Same(t, firstUsers, users, "the first company's table is the shared one")
	for _, set := range []string{"configurationPackages", "file", "scheduledJobs"} {
		a, _ := h.Table(cronus.ID, set)
		b, _ := h.Table(contoso.ID, set)
		require.NotSame(t, a, b, "%s belongs to each company", set)
	}
	packages, _ := h.Table(contoso.ID, "configurationPackages")
	require.Same(t, ownPackages, packages)

	// A company added later joins the shared tables at the next request.
	third := Company{ID: "33333333-0000-0000-0000-000000000000", Name: "Third", DisplayName: "Third"}
	h.AddCompany(third.ID, third.Name, third.DisplayName)
	st.BeforeRequest(http.MethodPost)
	users, _ = h.Table(third.ID, "users")
	require.Same(t, firstUsers, users)
}

func companyRows(t *testing.T, h *host) [][3]string {
	t.Helper()
	tb, ok := h.Table(cronus.ID, "automationCompanies")
	require.True(t, ok)
	var out [][3]string
	for _, r := range tb.Rows {
		out = append(out, [3]string{r.Vals[tb.Key], r.Vals[tb.ColIdx["name"]], r.Vals[tb.ColIdx["displayName"]]})
	}
	return out
}

func TestBeforeRequestKeepsAutomationCompaniesInStep(t *testing.T) {
	t.Parallel()
	h := newHost(t, cronus, contoso)
	st := New(h)
	st.BeforeRequest(http.MethodGet)
	require.Equal(t, [][3]string{{cronus.ID, "CRONUS", "CRONUS USA"}, {contoso.ID, "Contoso", "Contoso Ltd."}}, companyRows(t, h))
	require.Equal(t, int64(2), h.version)

	st.BeforeRequest(http.MethodGet)
	require.Equal(t, int64(2), h.version, "nothing changed, nothing written")

	h.RenameCompany(contoso.ID, "Contoso", "Contoso Europe")
	st.BeforeRequest(http.MethodPatch)
	require.Equal(t, [][3]string{{cronus.ID, "CRONUS", "CRONUS USA"}, {contoso.ID, "Contoso", "Contoso Europe"}}, companyRows(t, h))
	require.Equal(t, int64(3), h.version)

	h.RemoveCompany(contoso.ID)
	st.BeforeRequest(http.MethodDelete)
	require.Equal(t, [][3]string{{cronus.ID, "CRONUS", "CRONUS USA"}}, companyRows(t, h))
}

func TestBackgroundWorkMovesOneStepPerGet(t *testing.T) {
	t.Parallel()
	h := newHost(t, cronus)
	st := New(h)
	st.Share()
	ext := st.table("extensionDeploymentStatus")
	require.NotNil(t, ext)
	row, err := h.Insert(ext, map[string]any{"operationID": "op-1", "status": "InProgress"})
	require.NoError(t, err)
	key := row.Vals[ext.Key]
	done := 0
	st.schedule(&operation{t: ext, key: key, steps: []map[string]string{{}, {"status": "Completed"}}, done: func() { done++ }})

	status := func() string {
		r, ok := ext.Lookup("", key)
		require.True(t, ok)
		return r.Vals[ext.ColIdx["status"]]
	}
	st.BeforeRequest(http.MethodPost)
	st.BeforeRequest(http.MethodPatch)
	require.Equal(t, "InProgress", status(), "only a GET moves work on")
	st.BeforeRequest(http.MethodGet)
	require.Equal(t, "InProgress", status(), "an empty step leaves the row as it is")
	require.Zero(t, done)
	st.BeforeRequest(http.MethodGet)
	require.Equal(t, "Completed", status())
	require.Equal(t, 1, done)
	st.BeforeRequest(http.MethodGet)
	require.Equal(t, 1, done, "finished work is dropped")
	require.Empty(t, st.pending)
}
