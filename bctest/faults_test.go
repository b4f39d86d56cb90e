package bctest

import (
	"testing"

	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// TestEmptyListingsAnswerOnePageWithNothing: with EmptyListings 1, the
// next page of customers is {"value":[]} with no nextLink, so the listing
// looks complete and empty; $count, other paths and the listing after it
// are answered in full.
func TestEmptyListingsAnswerOnePageWithNothing(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 30, WithFaults(Faults{EmptyListings: 1, OnlyPaths: []string{"/customers"}}))
	c := srv.Client().Company(co.ID)
	vendors, err := sets.For(c).Vendors().List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Empty(t, vendors)
	got, err := sets.For(c).Customers().List(odata.New().MaxPageSize(10)).Collect(t.Context())
	require.NoError(t, err)
	require.Empty(t, got, "the glitch")
	n, err := sets.For(c).Customers().Count(t.Context(), nil)
	require.NoError(t, err)
	require.Equal(t, int64(30), n)
	got, err = sets.For(c).Customers().List(odata.New().MaxPageSize(10)).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 30)
	require.Equal(t, map[string]int64{"empty-listing": 1}, srv.Stats().Faults)
}
