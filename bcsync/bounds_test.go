package bcsync_test

import (
	"context"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// TestPageAboveTheAskedSizeFailsTheSet: BC ignores odata.maxpagesize=100
// and sends all 120 customers in one page. The client refuses the page at
// row 111 without retrying it, and the set fails with a *SetError naming it.
func TestPageAboveTheAskedSizeFailsTheSet(t *testing.T) {
	t.Parallel()
	tn := newTenant(t, "")
	tn.srv.SetFaults(bctest.Faults{IgnorePageSize: true})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	defer tn.srv.AtRequest(100, func() { t.Error("the run is looping"); cancel() })()
	o := bcsync.Options{Sets: []bcsync.SetRef{{Name: "customers"}}, Full: true, PageSize: 100, Workers: 1}
	summary, err := tn.engine(t, o).Run(ctx)
	require.Error(t, err)
	require.Len(t, summary.Results, 1)
	err = summary.Results[0].Err
	var se *bcsync.SetError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, bc.ErrTooLarge)
	require.Equal(t, "customers of company CRONUS USA, Inc.: bc: refusing the page: it holds more than 110 rows, "+
		"the bound for the page size of 100 asked for (odata.maxpagesize plus 10 rows of slack)", err.Error())
	// companies, $metadata, $count, the refused page once.
	require.Equal(t, int64(4), tn.srv.Stats().Requests)
}
