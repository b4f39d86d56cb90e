package watch

import (
	"log/slog"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/internal/plan"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/schema"
	"github.com/stretchr/testify/require"
)

const (
	coA = "a7f1c0de-0000-4000-8000-000000000001"
	coB = "b7f1c0de-0000-4000-8000-000000000002"
)

func testPlan(t *testing.T, names ...string) []*plan.Set {
	t.Helper()
	var refs []plan.Ref
	for _, n := range names {
		refs = append(refs, plan.Ref{Name: n, Route: bc.StandardRoute})
	}
	sets, err := plan.Build("", refs, map[string]*schema.Service{bc.StandardRoute: entities.Schema})
	require.NoError(t, err)
	return sets
}

// testWatcher watches customers and salesInvoices in company A (B is synced
// but not subscribed); projects are polled.
func testWatcher(t *testing.T, markDeleted bool) *Watcher {
	w := New(Options{Companies: map[string]string{coA: "A", coB: "B"}, Sync: bcsync.Options{MarkDeleted: markDeleted}},
		nil, nil, slog.New(slog.DiscardHandler))
	w.sets = testPlan(t, "customers", "salesInvoices", "projects")
	for _, s := range w.sets {
		if plan.Subscribable(s) {
			w.watched[target{coA, s.Route, s.Name}] = true
		} else if s.Store {
			w.polled = append(w.polled, s)
		}
	}
	return w
}

func event(t *testing.T, kind bc.ChangeType, resource string) bc.WebhookEvent {
	t.Helper()
	r, err := bc.ParseResource(resource)
	require.NoError(t, err)
	return bc.WebhookEvent{ChangeType: kind, Resource: r}
}

func TestNoteMergesAWindow(t *testing.T) {
	t.Parallel()
	customers := target{coA, bc.StandardRoute, "customers"}
	invoices := target{coA, bc.StandardRoute, "salesInvoices"}
	const key = "015e8f4a-1111-4000-8000-00000000000A"
	tests := []struct {
		name        string
		markDeleted bool
		events      [][2]string // change type, resource
		notes       int
		deletes     map[target][]string
		reread      map[target]bool
	}{
		{name: "created and updated read the set once",
			events: [][2]string{{"created", "api/v2.0/companies(" + coA + ")/customers(" + key + ")"},
				{"updated", "api/v2.0/companies(" + coA + ")/customers(" + key + ")"}},
			notes: 2, deletes: map[target][]string{}, reread: map[target]bool{customers: false}},
		{name: "deleted is applied by key",
			events: [][2]string{{"deleted", "api/v2.0/companies(" + coA + ")/salesInvoices(" + key + ")"}},
			notes:  1, deletes: map[target][]string{invoices: {key}}, reread: map[target]bool{}},
		{name: "deleted with --mark-deleted reconciles", markDeleted: true,
			events: [][2]string{{"deleted", "api/v2.0/companies(" + coA + ")/customers(" + key + ")"}},
			notes:  1, deletes: map[target][]string{}, reread: map[target]bool{customers: true}},
		{name: "a collection with a filter reads incrementally",
			events: [][2]string{{"collection", "api/v2.0/companies(" + coA + ")/customers?$filter=lastModifiedDateTime%20gt%202025-09-29T10:22:52.313Z"}},
			notes:  1, deletes: map[target][]string{}, reread: map[target]bool{customers: false}},
		{name: "a collection without a filter reconciles",
			events: [][2]string{{"updated", "api/v2.0/companies(" + coA + ")/customers(" + key + ")"},
				{"collection", "/api/v2.0/companies(" + coA + ")/customers"}},
			notes: 2, deletes: map[target][]string{}, reread: map[target]bool{customers: true}},
		{name: "unknown companies, unwatched sets and other routes are ignored",
			events: [][2]string{{"updated", "api/v2.0/companies(c7f1c0de-0000-4000-8000-000000000003)/customers(" + key + ")"},
				{"updated", "api/v2.0/companies(" + coB + ")/customers(" + key + ")"},
				{"updated", "api/v2.0/companies(" + coA + ")/projects(" + key + ")"},
				{"updated", "api/contoso/app/v1.0/companies(" + coA + ")/customers(" + key + ")"}},
			notes: 0, deletes: map[target][]string{}, reread: map[target]bool{}},
		{name: "company ids in capitals match",
			events: [][2]string{{"updated", "api/v2.0/companies(A7F1C0DE-0000-4000-8000-000000000001)/customers(" + key + ")"}},
			notes:  1, deletes: map[target][]string{}, reread: map[target]bool{customers: false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := testWatcher(t, tc.markDeleted)
			c := newChanges()
			for _, e := range tc.events {
				w.note(c, event(t, bc.ChangeType(e[0]), e[1]))
			}
			require.Equal(t, tc.notes, c.notes)
			require.Equal(t, tc.deletes, c.deletes)
			require.Equal(t, tc.reread, c.reread)
		})
	}
}

func TestDeleteBatchesTakeDocumentLines(t *testing.T) {
	t.Parallel()
	sets := testPlan(t, "salesInvoices", "customers")
	var invoices, customers *plan.Set
	for _, s := range sets {
		switch s.Name {
		case "salesInvoices":
			invoices = s
		case "customers":
			customers = s
		}
	}
	const key = "015E8F4A-1111-4000-8000-00000000000A"
	lower := "015e8f4a-1111-4000-8000-00000000000a"

	bs, ok := deleteBatches(customers, coA, []string{key})
	require.True(t, ok)
	require.Len(t, bs, 1)
	require.Equal(t, "customers", bs[0].Table.Name)
	require.Equal(t, [][]string{{coA, lower}}, bs[0].Deletes, "GUID keys are stored in lower case")

	bs, ok = deleteBatches(invoices, coA, []string{key})
	require.True(t, ok)
	require.Len(t, bs, 2)
	require.Equal(t, [][]string{{coA, lower}}, bs[0].Deletes)
	require.Equal(t, store.Batch{Table: bs[1].Table, CompanyID: coA, ReplaceParents: []string{lower}}, bs[1])
	require.Equal(t, "salesInvoiceLines", bs[1].Table.Name)
	require.Equal(t, "documentId", bs[1].Table.Parent)

	_, ok = deleteBatches(nil, coA, []string{key})
	require.False(t, ok)
}

func TestSubscribable(t *testing.T) {
	t.Parallel()
	got := map[string]bool{}
	for _, s := range testPlan(t, "customers", "projects", "timeRegistrationEntries", "salesInvoices", "salesInvoiceLines", "generalLedgerEntries") {
		got[s.Name] = plan.Subscribable(s)
	}
	require.Equal(t, map[string]bool{"customers": true, "projects": false, "timeRegistrationEntries": false,
		"salesInvoices": true, "generalLedgerEntries": true}, got)
}
