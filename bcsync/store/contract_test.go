package store

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	co1 = "5d115c9c-44e3-ea11-bb43-000d3a2feca1"
	co2 = "7e225d9d-55f4-fb22-cc54-111e4b3fdfb2"
	id1 = "00000000-0000-4000-8000-000000000001"
	id2 = "00000000-0000-4000-8000-000000000002"
	id3 = "00000000-0000-4000-8000-000000000003"
	id4 = "00000000-0000-4000-8000-000000000004"
)

// customers is a table with one column of every type.
func customers() *Table {
	return &Table{Name: "customers", Key: []string{"companyId", "id"}, Columns: []Column{
		{"companyId", GUID}, {"id", GUID}, {"number", Text}, {"displayName", Text}, {"balance", Decimal},
		{"creditLimit", Int}, {"blocked", Bool}, {"rate", Float}, {"since", Date}, {"lastModifiedDateTime", DateTime}}}
}

func customer(company, id, name, balance string) Row {
	return Row{v(company), v(id), v("C" + id[len(id)-2:]), v(name), v(balance), v("5000"), v("false"), v("1.5"), v("2024-03-15"), v("2024-03-15T10:11:12.123Z")}
}

// lines is a child table replaced per parent.
func lines() *Table {
	return &Table{Name: "generalLedgerEntries_dimensionSetLines", Key: []string{"companyId", "parentId", "id"}, Parent: "parentId",
		Columns: []Column{{"companyId", GUID}, {"parentId", GUID}, {"id", GUID}, {"code", Text}, {"valueCode", Text}}}
}

func line(parent, id, value string) Row {
	return Row{v(co1), v(parent), v(id), v("AREA"), v(value)}
}

func TestUpsertCounts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := customers()
		require.NoError(t, s.EnsureTable(ctx, tb))
		a, b, c := customer(co1, id1, "Adatum", "1000.00"), customer(co1, id2, "Trey", "413.28"), customer(co2, id1, "Other company", "0")
		steps := []struct {
			name string
			rows []Row
			want Counts
		}{
			{"insert", []Row{a, b, c}, Counts{Inserted: 3}},
			{"identical", []Row{a, b, c}, Counts{Unchanged: 3}},
			{"one changed", []Row{a, customer(co1, id2, "Trey Research", "413.28"), c}, Counts{Updated: 1, Unchanged: 2}},
			{"decimal text changed", []Row{customer(co1, id1, "Adatum", "1000.0")}, Counts{Updated: 1}},
			{"new and old", []Row{customer(co1, id3, "New", "1"), c}, Counts{Inserted: 1, Unchanged: 1}},
			{"duplicate key in batch", []Row{customer(co1, id4, "First", "1"), customer(co1, id4, "Second", "2")}, Counts{Inserted: 1, Updated: 1}},
			{"empty", nil, Counts{}},
		}
		for _, st := range steps {
			got, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: st.rows}}, nil)
			require.NoError(t, err, st.name)
			require.Equal(t, st.want, got, st.name)
		}
		require.Equal(t, want(tb, customer(co1, id1, "Adatum", "1000.0"), customer(co1, id2, "Trey Research", "413.28"), c,
			customer(co1, id3, "New", "1"), customer(co1, id4, "Second", "2")), dump(t, s, tb))
	})
}

func TestValuesRoundTrip(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := customers()
		require.NoError(t, s.EnsureTable(ctx, tb))
		rows := []Row{
			{v(co1), v(id1), v("1"), v("decimals"), v("1000.00"), v("-9223372036854775808"), v("true"), v("-0.25"), v("1999-12-31"), v("2024-02-29T23:59:59.999Z")},
			{v(co1), v(id2), v("2"), v("tiny"), v("0.000001"), v("0"), v("false"), v("0.000125"), v("2024-01-01"), v("2024-01-01T00:00:00.000Z")},
			{v(co1), v(id3), v("3"), v("huge"), v("-12345678901234567890.123456789"), v("42"), v("true"), v("3"), null, null},
			{v(co1), v(id4), null, null, null, null, null, null, null, null},
			{v(co2), v(id1), v("ä"), v(`Ölçü "quoted" 'single' \back\slash, new
line, tab	and 😀`), v("413.28"), v("7"), v("false"), v("0.5"), v("2024-03-15"), v("2024-03-15T10:11:12.123Z")},
		}
		got, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: rows}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Inserted: 5}, got)
		require.Equal(t, want(tb, rows...), dump(t, s, tb))

		// The same values again are unchanged; a value set to NULL is a change.
		got, err = s.Apply(ctx, []Batch{{Table: tb, Upserts: rows}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Unchanged: 5}, got)
		cleared := append(Row(nil), rows[0]...)
		cleared[4] = null
		got, err = s.Apply(ctx, []Batch{{Table: tb, Upserts: []Row{cleared}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Updated: 1}, got)
		require.Nil(t, dump(t, s, tb)[co1+"|"+id1]["balance"])
	})
}

func TestGUIDsAreLowerCase(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := customers()
		require.NoError(t, s.EnsureTable(ctx, tb))
		upper := customer("5D115C9C-44E3-EA11-BB43-000D3A2FECA1", id1, "Upper", "1")
		_, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: []Row{upper}}}, nil)
		require.NoError(t, err)
		got, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: []Row{customer(co1, id1, "Upper", "1")}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Unchanged: 1}, got)
		require.Equal(t, []string{co1 + "|" + id1}, keysOf(dump(t, s, tb)))
	})
}

func TestQuotesInNames(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := &Table{Name: `we"ird 'table'`, Key: []string{"companyId", `i"d`}, Columns: []Column{
			{"companyId", GUID}, {`i"d`, Text}, {`we"ird`, Text}, {"select", Decimal}, {`back\slash`, Int}}}
		require.NoError(t, s.EnsureTable(ctx, tb))
		rows := []Row{{v(co1), v(`k"1`), v(`va"lue`), v("1.10"), v("1")}, {v(co1), v("k'2"), v("ü"), null, null}}
		got, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: rows, Deletes: [][]string{{co1, `nope"`}}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Inserted: 2}, got)
		got, err = s.Apply(ctx, []Batch{{Table: tb, Deletes: [][]string{{co1, "k'2"}}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Deleted: 1}, got)
		require.Equal(t, want(tb, rows[0]), dump(t, s, tb))
	})
}

func TestAddColumns(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		old := &Table{Name: "items", Key: []string{"companyId", "id"}, Columns: []Column{{"companyId", GUID}, {"id", GUID}, {"name", Text}}}
		require.NoError(t, s.EnsureTable(ctx, old))
		_, err := s.Apply(ctx, []Batch{{Table: old, Upserts: []Row{{v(co1), v(id1), v("a")}, {v(co1), v(id2), v("b")}}}}, nil)
		require.NoError(t, err)

		tb := &Table{Name: "items", Key: old.Key, Columns: append(append([]Column(nil), old.Columns...), Column{"unitPrice", Decimal}, Column{"inventory", Int})}
		require.NoError(t, s.EnsureTable(ctx, tb))
		require.NoError(t, s.EnsureTable(ctx, tb), "ensuring twice changes nothing")
		got, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: []Row{{v(co1), v(id1), v("a"), null, null}, {v(co1), v(id2), v("b"), v("9.99"), v("3")}}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Unchanged: 1, Updated: 1}, got, "new columns start NULL")
		require.Equal(t, want(tb, Row{v(co1), v(id1), v("a"), null, null}, Row{v(co1), v(id2), v("b"), v("9.99"), v("3")}), dump(t, s, tb))
	})
}

func TestReplaceParents(t *testing.T) {
	const p1, p2 = id1, id2
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := lines()
		require.NoError(t, s.EnsureTable(ctx, tb))
		first := []Row{line(p1, id1, "NORTH"), line(p1, id2, "SOUTH"), line(p1, id3, "EAST"), line(p2, id1, "WEST")}
		got, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: first, CompanyID: co1, ReplaceParents: []string{p1, p2}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Inserted: 4}, got)

		// p1's lines become: id1 unchanged, id2 changed, id3 gone, id4 new.
		got, err = s.Apply(ctx, []Batch{{Table: tb, CompanyID: co1, ReplaceParents: []string{p1},
			Upserts: []Row{line(p1, id1, "NORTH"), line(p1, id2, "SOUTH-WEST"), line(p1, id4, "CENTRE")}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Inserted: 1, Updated: 1, Unchanged: 1, Deleted: 1}, got)
		require.Equal(t, want(tb, line(p1, id1, "NORTH"), line(p1, id2, "SOUTH-WEST"), line(p1, id4, "CENTRE"), line(p2, id1, "WEST")), dump(t, s, tb))

		// A parent without lines loses them all; another company is untouched.
		got, err = s.Apply(ctx, []Batch{{Table: tb, CompanyID: co2, ReplaceParents: []string{p2}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{}, got)
		got, err = s.Apply(ctx, []Batch{{Table: tb, CompanyID: co1, ReplaceParents: []string{p2}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Deleted: 1}, got)
		require.Len(t, dump(t, s, tb), 3)
	})
}

func TestDeletes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := customers()
		require.NoError(t, s.EnsureTable(ctx, tb))
		_, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: []Row{customer(co1, id1, "a", "1"), customer(co1, id2, "b", "2")}}}, nil)
		require.NoError(t, err)
		got, err := s.Apply(ctx, []Batch{{Table: tb, Deletes: [][]string{{co1, id1}, {co1, id3}, {co2, id2}}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Deleted: 1}, got)
		// Deleted, then back in a later batch: inserted again.
		got, err = s.Apply(ctx, []Batch{{Table: tb, Upserts: []Row{customer(co1, id1, "a", "1")}}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Inserted: 1}, got)
		require.Equal(t, []string{co1 + "|" + id1, co1 + "|" + id2}, keysOf(dump(t, s, tb)))
	})
}

func TestApplyIsAtomic(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := customers()
		require.NoError(t, s.EnsureTable(ctx, tb))
		run, err := s.BeginRun(ctx, Run{Started: time.Now(), Mode: "full", Status: "running"})
		require.NoError(t, err)
		bad := customer(co1, id3, "bad", "1")
		bad[5] = v("not a number")
		cp := Checkpoint{RunID: run.ID, CompanyID: co1, Set: "customers", Partition: "all", Next: "next-link", Rows: 2}
		_, err = s.Apply(ctx, []Batch{
			{Table: tb, Upserts: []Row{customer(co1, id1, "a", "1"), customer(co1, id2, "b", "2")}},
			{Table: tb, Upserts: []Row{bad}},
		}, []Checkpoint{cp})
		require.ErrorContains(t, err, `"creditLimit"`)
		require.Empty(t, dump(t, s, tb), "no row of the failed Apply")
		cps, err := s.Checkpoints(ctx, run.ID)
		require.NoError(t, err)
		require.Empty(t, cps, "no checkpoint of the failed Apply")

		// A canceled context fails the Apply the same way.
		canceled, cancel := contextWithCancel(t)
		cancel()
		_, err = s.Apply(canceled, []Batch{{Table: tb, Upserts: []Row{customer(co1, id1, "a", "1")}}}, []Checkpoint{cp})
		require.Error(t, err)

		// The store is usable afterwards.
		got, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: []Row{customer(co1, id1, "a", "1")}}}, []Checkpoint{cp})
		require.NoError(t, err)
		require.Equal(t, Counts{Inserted: 1}, got)
		cps, err = s.Checkpoints(ctx, run.ID)
		require.NoError(t, err)
		require.Equal(t, []Checkpoint{cp}, cps)
		require.Len(t, dump(t, s, tb), 1)
	})
}

func TestReconcileDeletes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := customers()
		require.NoError(t, s.EnsureTable(ctx, tb))
		_, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: []Row{customer(co1, id1, "a", "1"), customer(co1, id2, "b", "2"),
			customer(co1, id3, "c", "3"), customer(co2, id2, "other", "4")}}}, nil)
		require.NoError(t, err)
		n, err := s.Reconcile(ctx, tb, co1, keySeq([]string{co1, id1}, []string{co1, id3}, []string{co1, id4}), false, nil)
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
		require.Equal(t, []string{co1 + "|" + id1, co1 + "|" + id3, co2 + "|" + id2}, keysOf(dump(t, s, tb)))
		n, err = s.Reconcile(ctx, tb, co1, keySeq(), false, nil)
		require.NoError(t, err)
		require.Equal(t, int64(2), n, "no keys: every row of the company goes")
		require.Equal(t, []string{co2 + "|" + id2}, keysOf(dump(t, s, tb)))
	})
}

func TestReconcileMarks(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := customers()
		require.NoError(t, s.EnsureTable(ctx, tb))
		rows := []Row{customer(co1, id1, "a", "1"), customer(co1, id2, "b", "2"), customer(co2, id2, "other", "4")}
		_, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: rows}}, nil)
		require.NoError(t, err)
		before := time.Now().UTC().Truncate(time.Millisecond)
		n, err := s.Reconcile(ctx, tb, co1, keySeq([]string{co1, id1}), true, nil)
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
		d := dump(t, s, tb)
		require.Nil(t, d[co1+"|"+id1][deletedCol])
		require.Nil(t, d[co2+"|"+id2][deletedCol])
		mark := d[co1+"|"+id2][deletedCol]
		require.NotNil(t, mark)
		at, err := time.Parse(time.RFC3339Nano, *mark)
		require.NoError(t, err)
		require.WithinDuration(t, before, at, time.Minute)
		require.Equal(t, want(tb, rows...), without(d, deletedCol), "marked rows keep their values")

		n, err = s.Reconcile(ctx, tb, co1, keySeq([]string{co1, id1}), true, nil)
		require.NoError(t, err)
		require.Equal(t, int64(0), n, "already marked")
		n, err = s.Reconcile(ctx, tb, co1, keySeq([]string{co1, id1}, []string{co1, id2}), true, nil)
		require.NoError(t, err)
		require.Equal(t, int64(0), n)
		require.Nil(t, dump(t, s, tb)[co1+"|"+id2][deletedCol], "a row BC has again loses its mark")

		// Upserting a marked row brings it back too.
		_, err = s.Reconcile(ctx, tb, co1, keySeq([]string{co1, id1}), true, nil)
		require.NoError(t, err)
		got, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: rows[1:2]}}, nil)
		require.NoError(t, err)
		require.Equal(t, Counts{Updated: 1}, got)
		require.Nil(t, dump(t, s, tb)[co1+"|"+id2][deletedCol])
	})
}

// TestRandomBatches checks the counts and contents against a model over
// random upserts and deletes of a small key space.
func TestRandomBatches(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		ctx := t.Context()
		tb := &Table{Name: "entries", Key: []string{"companyId", "entryNumber"},
			Columns: []Column{{"companyId", GUID}, {"entryNumber", Int}, {"amount", Decimal}, {"note", Text}}}
		require.NoError(t, s.EnsureTable(ctx, tb))
		model := map[string]Row{}
		rng := rand.New(rand.NewPCG(3, 4))
		for range 20 {
			b := Batch{Table: tb}
			seen := map[int]bool{}
			for range 50 {
				n := rng.IntN(120)
				if seen[n] {
					continue // PostgreSQL counts a repeated key differently; see dedupe
				}
				seen[n] = true
				if rng.IntN(8) == 0 {
					b.Deletes = append(b.Deletes, []string{co1, strconv.Itoa(n)})
					continue
				}
				note := null
				if rng.IntN(2) == 0 {
					note = v(strconv.Itoa(rng.IntN(3)))
				}
				b.Upserts = append(b.Upserts, Row{v(co1), v(strconv.Itoa(n)), v(strconv.Itoa(rng.IntN(2)) + ".50"), note})
			}
			got, err := s.Apply(ctx, []Batch{b}, nil)
			require.NoError(t, err)
			require.Equal(t, modelApply(model, b), got)
		}
		var rows []Row
		for _, r := range model {
			rows = append(rows, r)
		}
		require.Equal(t, want(tb, rows...), dump(t, s, tb))
	})
}
