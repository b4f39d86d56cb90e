package bctest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/odata"
	"github.com/stretchr/testify/require"
)

// TestDemoOverHTTP reads the demo through the client, as the sync does.
func TestDemoOverHTTP(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := t.Context()

	cos, err := bc.Set[map[string]any](c.StandardAPI(), "companies").List(nil).Collect(ctx)
	require.NoError(t, err)
	require.Len(t, cos, 3)
	for i, co := range srv.Tenant().Companies() {
		require.Equal(t, co.ID, cos[i]["id"])
		require.Equal(t, co.Name, cos[i]["name"])
		for _, set := range []string{"customers", "vendors", "accounts", "employees", "salesInvoices", "timeRegistrationEntries"} {
			got, err := bc.Set[map[string]any](c.Company(co.ID), set).List(nil).Collect(ctx)
			require.NoError(t, err, set)
			require.Len(t, got, co.Count(set), set)
		}
	}

	t.Run("quoted company name", func(t *testing.T) {
		name := `Søren's Café "Nord" ApS`
		got, err := bc.Set[map[string]any](c.StandardAPI().CompanyByName(name), "customers").List(nil).Collect(ctx)
		require.NoError(t, err)
		co, _ := srv.Tenant().Company(name)
		require.Len(t, got, co.Count("customers"))
	})

	co := srv.Tenant().Companies()[2]
	gl := bc.Set[map[string]any](c.Company(co.ID), "generalLedgerEntries")

	t.Run("G/L range", func(t *testing.T) {
		q := odata.New().Filter(odata.Ge("entryNumber", 1000), odata.Lt("entryNumber", 1100))
		got, err := gl.List(q).Collect(ctx)
		require.NoError(t, err)
		require.Len(t, got, 100)
		for i, e := range got {
			require.Equal(t, json.Number(strconv.Itoa(1000+i)), e["entryNumber"])
		}
		one, err := gl.Get(ctx, got[0]["id"].(string), nil)
		require.NoError(t, err)
		require.Equal(t, got[0]["id"], one["id"])
		require.Equal(t, got[0]["description"], one["description"])
	})

	t.Run("G/L by date and watermark", func(t *testing.T) {
		q := odata.New().Filter(odata.RawFilter("lastModifiedDateTime gt 2026-01-01T00:00:00Z"))
		got, err := gl.List(q).Collect(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, got)
		require.Less(t, len(got), co.Count("generalLedgerEntries"))
	})

	t.Run("G/L dimension sets", func(t *testing.T) {
		q := odata.New().Filter(odata.Ge("entryNumber", 500), odata.Le("entryNumber", 520)).Expand("dimensionSetLines")
		got, err := gl.List(q).Collect(ctx)
		require.NoError(t, err)
		require.Len(t, got, 21)
		for _, e := range got {
			lines, ok := e["dimensionSetLines"].([]any)
			require.True(t, ok)
			require.GreaterOrEqual(t, len(lines), 2)
			require.LessOrEqual(t, len(lines), 3)
			for _, l := range lines {
				m := l.(map[string]any)
				require.Equal(t, e["id"], m["parentId"])
				require.Equal(t, "General_x0020_Ledger_x0020_Entry", m["parentType"])
				require.NotEmpty(t, m["valueCode"])
			}
		}
	})

	t.Run("invoices with lines and dimensions", func(t *testing.T) {
		q := odata.New().Expand("salesInvoiceLines").Expand("dimensionSetLines")
		got, err := bc.Set[map[string]any](c.Company(co.ID), "salesInvoices").List(q).Collect(ctx)
		require.NoError(t, err)
		withDims := 0
		for _, inv := range got {
			require.NotEmpty(t, inv["salesInvoiceLines"], inv["number"])
			if len(inv["dimensionSetLines"].([]any)) > 0 {
				withDims++
			}
		}
		require.Positive(t, withDims)
	})

	t.Run("journal lines need a journal", func(t *testing.T) {
		jl := bc.Set[map[string]any](c.Company(co.ID), "journalLines")
		_, err := jl.List(nil).Collect(ctx)
		require.Error(t, err)
		journals, err := bc.Set[map[string]any](c.Company(co.ID), "journals").List(nil).Collect(ctx)
		require.NoError(t, err)
		total := 0
		for _, j := range journals {
			got, err := jl.List(odata.New().Filter(odata.Eq("journalId", j["id"]))).Collect(ctx)
			require.NoError(t, err)
			total += len(got)
		}
		require.Equal(t, co.Count("journalLines"), total)
	})

	t.Run("attachment content", func(t *testing.T) {
		att := bc.Set[map[string]any](c.Company(co.ID), "attachments")
		got, err := att.List(odata.New().Top(1)).Collect(ctx)
		require.NoError(t, err)
		require.Len(t, got, 1)
		var buf bytes.Buffer
		n, err := att.Media(got[0]["id"].(string), "attachmentContent").Download(ctx, &buf)
		require.NoError(t, err)
		require.Equal(t, json.Number(strconv.FormatInt(n, 10)), got[0]["byteSize"])
	})
}
