package churn

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/bcsdk/bc/schema"
	"github.com/stretchr/testify/require"
)

// host hands out numbered GUIDs and versions, and records every Touch.
type host struct {
	guids, version int64
	touched        []string // the key of each row touched
}

func (h *host) NewGUID() string {
	h.guids++
	return fmt.Sprintf("%08d-0000-0000-0000-000000000000", h.guids)
}
func (h *host) NextVersion() int64 { h.version++; return h.version }
func (h *host) Touch(t *table.Table, vals []string) {
	h.touched = append(h.touched, vals[t.Key])
}

// newTable holds n rows of a set: customers (id, number, displayName) or a
// ledger (id, entryNumber, description).
func newTable(t *testing.T, set string, n int) *table.Table {
	t.Helper()
	typ := schema.EntityType{Name: "customer", Key: []string{"id"}, Properties: []schema.Property{
		{Name: "id", Type: "Edm.Guid", Key: true},
		{Name: "number", Type: "Edm.String", MaxLength: 20},
		{Name: "displayName", Type: "Edm.String", MaxLength: 20},
	}}
	if set == "generalLedgerEntries" {
		typ = schema.EntityType{Name: "generalLedgerEntry", Key: []string{"id"}, Properties: []schema.Property{
			{Name: "id", Type: "Edm.Guid", Key: true},
			{Name: "entryNumber", Type: "Edm.Int32"},
			{Name: "description", Type: "Edm.String", MaxLength: 100},
		}}
	}
	tb := table.New(schema.EntitySet{Name: set, EntityType: typ.Name}, &typ, &schema.Service{})
	for i := range n {
		_, err := tb.Insert([]string{fmt.Sprintf("aaaaaaaa-0000-0000-0000-%012d", i), fmt.Sprint(10 * (i + 1)), fmt.Sprintf("Row %d name", i)}, 0)
		require.NoError(t, err)
	}
	return tb
}

func vals(tb *table.Table) [][]string {
	var out [][]string
	for _, r := range tb.Rows {
		out = append(out, r.Vals)
	}
	return out
}

func TestAfterPageChurnsEveryNthPageOfTheChosenSets(t *testing.T) {
	t.Parallel()
	h := &host{}
	customers, items := newTable(t, "customers", 10), newTable(t, "items", 10)
	ch := New(Config{Every: 3, Inserts: 2, Updates: 1, Deletes: 1, Sets: []string{"customers"}}, h)
	for range 2 {
		ch.AfterPage(customers)
		ch.AfterPage(items)
	}
	require.Equal(t, Log{}, ch.Done(), "nothing before the third page")
	ch.AfterPage(items)
	require.Equal(t, Log{}, ch.Done(), "items are not churned")
	ch.AfterPage(customers)
	require.Equal(t, Log{Inserted: 2, Updated: 1, Deleted: 1}, ch.Done())
	require.Equal(t, 11, customers.Size())
	require.Equal(t, 10, items.Size())
	for range 3 {
		ch.AfterPage(customers)
	}
	require.Equal(t, Log{Inserted: 4, Updated: 2, Deleted: 2}, ch.Done())
	require.Equal(t, 12, customers.Size())
	require.Equal(t, int64(6), h.version, "one version per insert and update")

	// Set starts counting pages again.
	ch.Set(Config{Every: 2, Deletes: 1, Sets: []string{"items"}})
	ch.AfterPage(items)
	require.Equal(t, 10, items.Size())
	ch.AfterPage(items)
	require.Equal(t, 9, items.Size())
	require.Equal(t, Log{Inserted: 4, Updated: 2, Deleted: 3}, ch.Done(), "the log is kept across Set")
}

func TestAfterPageOffDoesNothing(t *testing.T) {
	t.Parallel()
	h := &host{}
	tb := newTable(t, "customers", 3)
	before := vals(tb)
	ch := New(Config{Inserts: 1, Updates: 1, Deletes: 1, Sets: []string{"customers"}}, h)
	for range 5 {
		ch.AfterPage(tb)
	}
	require.Equal(t, Log{}, ch.Done())
	require.Equal(t, before, vals(tb))
	require.Zero(t, h.version)
}

func TestInsertsCopyARowWithANewKeyAndNumber(t *testing.T) {
	t.Parallel()
	h := &host{}
	tb := newTable(t, "customers", 5)
	before := vals(tb)
	New(Config{Every: 1, Inserts: 1, Sets: []string{"customers"}}, h).AfterPage(tb)
	require.Equal(t, 6, tb.Size())
	require.Equal(t, before, vals(tb)[:5], "existing rows untouched")
	added := tb.Rows[5]
	require.Equal(t, "00000001-0000-0000-0000-000000000000", added.Vals[0])
	require.Equal(t, "N00000001", added.Vals[1])
	require.True(t, strings.HasPrefix(added.Vals[2], "Row "), added.Vals[2])
	require.Equal(t, int64(1), added.Version)
	require.Equal(t, []string{added.Vals[0]}, h.touched)
}

func TestInsertsIntoALedgerTakeTheNextEntryNumber(t *testing.T) {
	t.Parallel()
	h := &host{}
	tb := newTable(t, "generalLedgerEntries", 4) // entry numbers 10..40
	New(Config{Every: 1, Inserts: 2, Sets: []string{"generalLedgerEntries"}}, h).AfterPage(tb)
	require.Equal(t, 6, tb.Size())
	require.Equal(t, "41", tb.Rows[4].Vals[1])
	require.Equal(t, "42", tb.Rows[5].Vals[1])
}

func TestUpdatesMarkTheNameWithinItsLength(t *testing.T) {
	t.Parallel()
	h := &host{}
	tb := newTable(t, "customers", 1)
	ch := New(Config{Every: 1, Updates: 1, Sets: []string{"customers"}}, h)
	ch.AfterPage(tb)
	require.Equal(t, []string{"aaaaaaaa-0000-0000-0000-000000000000", "10", "Row 0 name (changed)"}, tb.Rows[0].Vals)
	require.Equal(t, int64(1), tb.Rows[0].Version)
	ch.AfterPage(tb)
	require.Equal(t, "Row 0 name (changed)", tb.Rows[0].Vals[2], "cut at MaxLength 20")
	require.Equal(t, int64(2), tb.Rows[0].Version)
	require.Equal(t, []string{tb.Rows[0].Vals[0], tb.Rows[0].Vals[0]}, h.touched)
	require.Equal(t, Log{Updated: 2}, ch.Done())
}

func TestChurnOfAnEmptyTableCountsNothing(t *testing.T) {
	t.Parallel()
	h := &host{}
	tb := newTable(t, "customers", 0)
	ch := New(Config{Every: 1, Inserts: 3, Updates: 3, Deletes: 3, Sets: []string{"customers"}}, h)
	ch.AfterPage(tb)
	require.Equal(t, Log{}, ch.Done())
	require.Zero(t, tb.Size())
	require.Zero(t, h.guids)
}
