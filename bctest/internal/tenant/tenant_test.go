package tenant

import (
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
	"github.com/stretchr/testify/require"
)

var epoch = time.Date(2027, 1, 4, 9, 30, 0, 0, time.UTC)

func TestCompaniesFoundByIDOrNameAndRenamed(t *testing.T) {
	t.Parallel()
	tn := New(1, func() time.Time { return epoch })
	a := tn.AddCompany("AAAA0000-0000-0000-0000-000000000001", "Alpha", "Alpha Ltd", epoch)
	tn.AddCompany("bbbb0000-0000-0000-0000-000000000002", "Beta", "", epoch)

	got, ok := tn.Company("aaaa0000-0000-0000-0000-000000000001")
	require.True(t, ok)
	require.Same(t, a, got)
	got, ok = tn.Company("Beta")
	require.True(t, ok)
	require.Equal(t, "bbbb0000-0000-0000-0000-000000000002", got.ID())
	_, ok = tn.Company("beta") // names match exactly
	require.False(t, ok)

	a.Rename("Alpha 2", "Alpha Two")
	require.Equal(t, "Alpha 2", a.Name())
	require.Equal(t, "Alpha Two", a.DisplayName())
	require.Same(t, a, tn.FindCompany(protocol.Segment{Name: "companies", HasKey: true, KeyArg: "name", Key: "Alpha 2"}))
	require.Nil(t, tn.FindCompany(protocol.Segment{Name: "companies", HasKey: true, KeyArg: "name", Key: "Alpha"}))

	require.True(t, tn.RemoveCompany("AAAA0000-0000-0000-0000-000000000001"))
	require.False(t, tn.RemoveCompany("AAAA0000-0000-0000-0000-000000000001"))
	require.Len(t, tn.Companies(), 1)
}

func TestInsertVersionsRowsAndTellsListeners(t *testing.T) {
	t.Parallel()
	tn := New(1, func() time.Time { return epoch })
	co := tn.AddCompany("aaaa0000-0000-0000-0000-000000000001", "Alpha", "", epoch)
	var heard []table.Change
	stop := tn.OnChange(func(c table.Change) { heard = append(heard, c) })

	tn.RaiseVersion(2_000_000)
	row, err := co.Insert(bc.StandardRoute, "customers", map[string]any{"number": "C1", "displayName": "Contoso"})
	require.NoError(t, err)
	require.Equal(t, "2027-01-04T09:30:00Z", row["lastModifiedDateTime"])
	require.NotEmpty(t, row["id"])
	require.Equal(t, int64(2_000_001), tn.Version())
	require.Len(t, heard, 1)
	require.Equal(t, table.Change{Route: bc.StandardRoute, CompanyID: co.ID(), Set: "customers", Key: row["id"], Kind: table.Created,
		Table: heard[0].Table, New: heard[0].New}, heard[0])

	stop()
	require.NoError(t, co.Delete("customers", row["id"]))
	require.Len(t, heard, 1)
	_, ok := co.Get("customers", row["id"])
	require.False(t, ok)
}

func TestMediaIsPerCompany(t *testing.T) {
	t.Parallel()
	tn := New(1, time.Now)
	a := tn.AddCompany("aaaa0000-0000-0000-0000-000000000001", "Alpha", "", epoch)
	b := tn.AddCompany("bbbb0000-0000-0000-0000-000000000002", "Beta", "", epoch)
	a.Media().Put("customers(1)/image", Blob{ContentType: "image/png", Data: []byte{1}})
	got, ok := a.Media().Get("customers(1)/image")
	require.True(t, ok)
	require.Equal(t, Blob{ContentType: "image/png", Data: []byte{1}}, got)
	_, ok = b.Media().Get("customers(1)/image")
	require.False(t, ok)
	a.Media().Delete("customers(1)/image")
	require.Empty(t, a.Media().All())
}
