package storetest

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/stretchr/testify/require"
)

func upsertCounts(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	a, b, c := fixture.Customer(fixture.Co1, fixture.ID1, "Adatum", "1000.00"), fixture.Customer(fixture.Co1, fixture.ID2, "Trey", "413.28"), fixture.Customer(fixture.Co2, fixture.ID1, "Other company", "0")
	steps := []struct {
		name string
		rows []store.Row
		want store.Counts
	}{
		{"insert", []store.Row{a, b, c}, store.Counts{Inserted: 3}},
		{"identical", []store.Row{a, b, c}, store.Counts{Unchanged: 3}},
		{"one changed", []store.Row{a, fixture.Customer(fixture.Co1, fixture.ID2, "Trey Research", "413.28"), c}, store.Counts{Updated: 1, Unchanged: 2}},
		{"decimal text changed", []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "Adatum", "1000.0")}, store.Counts{Updated: 1}},
		{"new and old", []store.Row{fixture.Customer(fixture.Co1, fixture.ID3, "New", "1"), c}, store.Counts{Inserted: 1, Unchanged: 1}},
		{"duplicate key in batch", []store.Row{fixture.Customer(fixture.Co1, fixture.ID4, "First", "1"), fixture.Customer(fixture.Co1, fixture.ID4, "Second", "2")}, store.Counts{Inserted: 1, Updated: 1}},
		{"empty", nil, store.Counts{}},
	}
	for _, st := range steps {
		got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: st.rows}}, nil)
		require.NoError(t, err, st.name)
		require.Equal(t, st.want, got, st.name)
	}
	require.Equal(t, fixture.Want(tb, fixture.Customer(fixture.Co1, fixture.ID1, "Adatum", "1000.0"), fixture.Customer(fixture.Co1, fixture.ID2, "Trey Research", "413.28"), c,
		fixture.Customer(fixture.Co1, fixture.ID3, "New", "1"), fixture.Customer(fixture.Co1, fixture.ID4, "Second", "2")), sub.Dump(t, s, tb))
}

func valuesRoundTrip(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	rows := []store.Row{
		{fixture.V(fixture.Co1), fixture.V(fixture.ID1), fixture.V("1"), fixture.V("decimals"), fixture.V("1000.00"), fixture.V("-9223372036854775808"), fixture.V("true"), fixture.V("-0.25"), fixture.V("1999-12-31"), fixture.V("2024-02-29T23:59:59.999Z")},
		{fixture.V(fixture.Co1), fixture.V(fixture.ID2), fixture.V("2"), fixture.V("tiny"), fixture.V("0.000001"), fixture.V("0"), fixture.V("false"), fixture.V("0.000125"), fixture.V("2024-01-01"), fixture.V("2024-01-01T00:00:00.000Z")},
		{fixture.V(fixture.Co1), fixture.V(fixture.ID3), fixture.V("3"), fixture.V("huge"), fixture.V("-12345678901234567890.123456789"), fixture.V("42"), fixture.V("true"), fixture.V("3"), fixture.Null, fixture.Null},
		{fixture.V(fixture.Co1), fixture.V(fixture.ID4), fixture.Null, fixture.Null, fixture.Null, fixture.Null, fixture.Null, fixture.Null, fixture.Null, fixture.Null},
		{fixture.V(fixture.Co2), fixture.V(fixture.ID1), fixture.V("ä"), fixture.V(`Ölçü "quoted" 'single' \back\slash, new
line, tab	and 😀`), fixture.V("413.28"), fixture.V("7"), fixture.V("false"), fixture.V("0.5"), fixture.V("2024-03-15"), fixture.V("2024-03-15T10:11:12.123Z")},
	}
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 5}, got)
	require.Equal(t, fixture.Want(tb, rows...), sub.Dump(t, s, tb))

	// The same values again are unchanged; a value set to NULL is a change.
	got, err = s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Unchanged: 5}, got)
	cleared := append(store.Row(nil), rows[0]...)
	cleared[4] = fixture.Null
	got, err = s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{cleared}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Updated: 1}, got)
	require.Nil(t, sub.Dump(t, s, tb)[fixture.Co1+"|"+fixture.ID1]["balance"])
}

func guidsAreLowerCase(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	upper := fixture.Customer("5D115C9C-44E3-EA11-BB43-000D3A2FECA1", fixture.ID1, "Upper", "1")
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{upper}}}, nil)
	require.NoError(t, err)
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "Upper", "1")}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Unchanged: 1}, got)
	require.Equal(t, []string{fixture.Co1 + "|" + fixture.ID1}, keysOf(sub.Dump(t, s, tb)))
}

func quotesInNames(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := &store.Table{Name: `we"ird 'table'`, Key: []string{"companyId", `i"d`}, Columns: []store.Column{
		{Name: "companyId", Type: store.GUID}, {Name: `i"d`, Type: store.Text}, {Name: `we"ird`, Type: store.Text}, {Name: "select", Type: store.Decimal}, {Name: `back\slash`, Type: store.Int}}}
	require.NoError(t, s.EnsureTable(ctx, tb))
	rows := []store.Row{{fixture.V(fixture.Co1), fixture.V(`k"1`), fixture.V(`va"lue`), fixture.V("1.10"), fixture.V("1")}, {fixture.V(fixture.Co1), fixture.V("k'2"), fixture.V("ü"), fixture.Null, fixture.Null}}
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows, Deletes: [][]string{{fixture.Co1, `nope"`}}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 2}, got)
	got, err = s.Apply(ctx, []store.Batch{{Table: tb, Deletes: [][]string{{fixture.Co1, "k'2"}}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Deleted: 1}, got)
	require.Equal(t, fixture.Want(tb, rows[0]), sub.Dump(t, s, tb))
}

func addColumns(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	old := &store.Table{Name: "items", Key: []string{"companyId", "id"}, Columns: []store.Column{{Name: "companyId", Type: store.GUID}, {Name: "id", Type: store.GUID}, {Name: "name", Type: store.Text}}}
	require.NoError(t, s.EnsureTable(ctx, old))
	_, err := s.Apply(ctx, []store.Batch{{Table: old, Upserts: []store.Row{{fixture.V(fixture.Co1), fixture.V(fixture.ID1), fixture.V("a")}, {fixture.V(fixture.Co1), fixture.V(fixture.ID2), fixture.V("b")}}}}, nil)
	require.NoError(t, err)

	tb := &store.Table{Name: "items", Key: old.Key, Columns: append(append([]store.Column(nil), old.Columns...), store.Column{Name: "unitPrice", Type: store.Decimal}, store.Column{Name: "inventory", Type: store.Int})}
	require.NoError(t, s.EnsureTable(ctx, tb))
	require.NoError(t, s.EnsureTable(ctx, tb), "ensuring twice changes nothing")
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{{fixture.V(fixture.Co1), fixture.V(fixture.ID1), fixture.V("a"), fixture.Null, fixture.Null}, {fixture.V(fixture.Co1), fixture.V(fixture.ID2), fixture.V("b"), fixture.V("9.99"), fixture.V("3")}}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Unchanged: 1, Updated: 1}, got, "new columns start NULL")
	require.Equal(t, fixture.Want(tb, store.Row{fixture.V(fixture.Co1), fixture.V(fixture.ID1), fixture.V("a"), fixture.Null, fixture.Null}, store.Row{fixture.V(fixture.Co1), fixture.V(fixture.ID2), fixture.V("b"), fixture.V("9.99"), fixture.V("3")}), sub.Dump(t, s, tb))
}

func replaceParents(t *testing.T, sub Subject, s store.Store) {
	const p1, p2 = fixture.ID1, fixture.ID2
	ctx := t.Context()
	tb := fixture.Lines()
	require.NoError(t, s.EnsureTable(ctx, tb))
	first := []store.Row{fixture.Line(p1, fixture.ID1, "NORTH"), fixture.Line(p1, fixture.ID2, "SOUTH"), fixture.Line(p1, fixture.ID3, "EAST"), fixture.Line(p2, fixture.ID1, "WEST")}
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: first, CompanyID: fixture.Co1, ReplaceParents: []string{p1, p2}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 4}, got)

	// p1's lines become: fixture.ID1 unchanged, fixture.ID2 changed, fixture.ID3 gone, fixture.ID4 new.
	got, err = s.Apply(ctx, []store.Batch{{Table: tb, CompanyID: fixture.Co1, ReplaceParents: []string{p1},
		Upserts: []store.Row{fixture.Line(p1, fixture.ID1, "NORTH"), fixture.Line(p1, fixture.ID2, "SOUTH-WEST"), fixture.Line(p1, fixture.ID4, "CENTRE")}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 1, Updated: 1, Unchanged: 1, Deleted: 1}, got)
	require.Equal(t, fixture.Want(tb, fixture.Line(p1, fixture.ID1, "NORTH"), fixture.Line(p1, fixture.ID2, "SOUTH-WEST"), fixture.Line(p1, fixture.ID4, "CENTRE"), fixture.Line(p2, fixture.ID1, "WEST")), sub.Dump(t, s, tb))

	// A parent without lines loses them all; another company is untouched.
	got, err = s.Apply(ctx, []store.Batch{{Table: tb, CompanyID: fixture.Co2, ReplaceParents: []string{p2}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{}, got)
	got, err = s.Apply(ctx, []store.Batch{{Table: tb, CompanyID: fixture.Co1, ReplaceParents: []string{p2}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Deleted: 1}, got)
	require.Len(t, sub.Dump(t, s, tb), 3)
}

func deletes(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2")}}}, nil)
	require.NoError(t, err)
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Deletes: [][]string{{fixture.Co1, fixture.ID1}, {fixture.Co1, fixture.ID3}, {fixture.Co2, fixture.ID2}}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Deleted: 1}, got)
	// Deleted, then back in a later batch: inserted again.
	got, err = s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1")}}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 1}, got)
	require.Equal(t, []string{fixture.Co1 + "|" + fixture.ID1, fixture.Co1 + "|" + fixture.ID2}, keysOf(sub.Dump(t, s, tb)))
}

func applyIsAtomic(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	run, err := s.BeginRun(ctx, store.Run{Started: time.Now(), Mode: "full", Status: "running"})
	require.NoError(t, err)
	bad := fixture.Customer(fixture.Co1, fixture.ID3, "bad", "1")
	bad[5] = fixture.V("not a number")
	cp := store.Checkpoint{RunID: run.ID, CompanyID: fixture.Co1, Set: "customers", Partition: "all", Next: "next-link", Rows: 2}
	_, err = s.Apply(ctx, []store.Batch{
		{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2")}},
		{Table: tb, Upserts: []store.Row{bad}},
	}, []store.Checkpoint{cp})
	require.ErrorContains(t, err, `"creditLimit"`)
	require.Empty(t, sub.Dump(t, s, tb), "no row of the failed Apply")
	cps, err := s.Checkpoints(ctx, run.ID)
	require.NoError(t, err)
	require.Empty(t, cps, "no checkpoint of the failed Apply")

	// A canceled context fails the Apply the same way.
	canceled, cancel := contextWithCancel(t)
	cancel()
	_, err = s.Apply(canceled, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1")}}}, []store.Checkpoint{cp})
	require.Error(t, err)

	// The store is usable afterwards.
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1")}}}, []store.Checkpoint{cp})
	require.NoError(t, err)
	require.Equal(t, store.Counts{Inserted: 1}, got)
	cps, err = s.Checkpoints(ctx, run.ID)
	require.NoError(t, err)
	require.Equal(t, []store.Checkpoint{cp}, cps)
	require.Len(t, sub.Dump(t, s, tb), 1)
}

func reconcileDeletes(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2"),
		fixture.Customer(fixture.Co1, fixture.ID3, "c", "3"), fixture.Customer(fixture.Co2, fixture.ID2, "other", "4")}}}, nil)
	require.NoError(t, err)
	n, err := s.Reconcile(ctx, tb, fixture.Co1, keySeq([]string{fixture.Co1, fixture.ID1}, []string{fixture.Co1, fixture.ID3}, []string{fixture.Co1, fixture.ID4}), store.ReconcileOptions{}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	require.Equal(t, []string{fixture.Co1 + "|" + fixture.ID1, fixture.Co1 + "|" + fixture.ID3, fixture.Co2 + "|" + fixture.ID2}, keysOf(sub.Dump(t, s, tb)))
	n, err = s.Reconcile(ctx, tb, fixture.Co1, keySeq(), store.ReconcileOptions{}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "no keys: every row of the company goes")
	require.Equal(t, []string{fixture.Co2 + "|" + fixture.ID2}, keysOf(sub.Dump(t, s, tb)))
}

func reconcileMarks(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := fixture.Customers()
	require.NoError(t, s.EnsureTable(ctx, tb))
	rows := []store.Row{fixture.Customer(fixture.Co1, fixture.ID1, "a", "1"), fixture.Customer(fixture.Co1, fixture.ID2, "b", "2"), fixture.Customer(fixture.Co2, fixture.ID2, "other", "4")}
	_, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows}}, nil)
	require.NoError(t, err)
	before := time.Now().UTC().Truncate(time.Millisecond)
	n, err := s.Reconcile(ctx, tb, fixture.Co1, keySeq([]string{fixture.Co1, fixture.ID1}), store.ReconcileOptions{Mark: true}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	d := sub.Dump(t, s, tb)
	require.Nil(t, d[fixture.Co1+"|"+fixture.ID1][layout.DeletedCol])
	require.Nil(t, d[fixture.Co2+"|"+fixture.ID2][layout.DeletedCol])
	mark := d[fixture.Co1+"|"+fixture.ID2][layout.DeletedCol]
	require.NotNil(t, mark)
	at, err := time.Parse(time.RFC3339Nano, *mark)
	require.NoError(t, err)
	require.WithinDuration(t, before, at, time.Minute)
	require.Equal(t, fixture.Want(tb, rows...), fixture.Without(d, layout.DeletedCol), "marked rows keep their values")

	n, err = s.Reconcile(ctx, tb, fixture.Co1, keySeq([]string{fixture.Co1, fixture.ID1}), store.ReconcileOptions{Mark: true}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(0), n, "already marked")
	n, err = s.Reconcile(ctx, tb, fixture.Co1, keySeq([]string{fixture.Co1, fixture.ID1}, []string{fixture.Co1, fixture.ID2}), store.ReconcileOptions{Mark: true}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(0), n)
	require.Nil(t, sub.Dump(t, s, tb)[fixture.Co1+"|"+fixture.ID2][layout.DeletedCol], "a row BC has again loses its mark")

	// Upserting a marked row brings it back too.
	_, err = s.Reconcile(ctx, tb, fixture.Co1, keySeq([]string{fixture.Co1, fixture.ID1}), store.ReconcileOptions{Mark: true}, nil)
	require.NoError(t, err)
	got, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows[1:2]}}, nil)
	require.NoError(t, err)
	require.Equal(t, store.Counts{Updated: 1}, got)
	require.Nil(t, sub.Dump(t, s, tb)[fixture.Co1+"|"+fixture.ID2][layout.DeletedCol])
}

// TestRandomBatches checks the counts and contents against a model over
// random upserts and deletes of a small key space.
func randomBatches(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	tb := &store.Table{Name: "entries", Key: []string{"companyId", "entryNumber"},
		Columns: []store.Column{{Name: "companyId", Type: store.GUID}, {Name: "entryNumber", Type: store.Int}, {Name: "amount", Type: store.Decimal}, {Name: "note", Type: store.Text}}}
	require.NoError(t, s.EnsureTable(ctx, tb))
	model := map[string]store.Row{}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		b := store.Batch{Table: tb}
		seen := map[int]bool{}
		for range 50 {
			n := rng.IntN(120)
			if seen[n] {
				continue // PostgreSQL counts a repeated key differently; see dedupe
			}
			seen[n] = true
			if rng.IntN(8) == 0 {
				b.Deletes = append(b.Deletes, []string{fixture.Co1, strconv.Itoa(n)})
				continue
			}
			note := fixture.Null
			if rng.IntN(2) == 0 {
				note = fixture.V(strconv.Itoa(rng.IntN(3)))
			}
			b.Upserts = append(b.Upserts, store.Row{fixture.V(fixture.Co1), fixture.V(strconv.Itoa(n)), fixture.V(strconv.Itoa(rng.IntN(2)) + ".50"), note})
		}
		got, err := s.Apply(ctx, []store.Batch{b}, nil)
		require.NoError(t, err)
		require.Equal(t, fixture.ModelApply(model, b), got)
	}
	var rows []store.Row
	for _, r := range model {
		rows = append(rows, r)
	}
	require.Equal(t, fixture.Want(tb, rows...), sub.Dump(t, s, tb))
}
