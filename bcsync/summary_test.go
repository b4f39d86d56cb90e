package bcsync_test

import (
	"errors"
	"testing"

	"github.com/bcsdk/bc/bcsync"
	"github.com/stretchr/testify/require"
)

// TestSetResultReason: a failed set's reason leaves out the set and company
// its SetError names; a set that synced has none.
func TestSetResultReason(t *testing.T) {
	t.Parallel()
	co := bcsync.Company{ID: "c0", Name: "CRONUS"}
	failed := bcsync.SetResult{SetKey: bcsync.SetKey{Company: co, Set: "customers"},
		Err: &bcsync.SetError{Company: co, Set: "customers", Err: errors.New("BC answered 500")}}
	require.Equal(t, "customers of company CRONUS: BC answered 500", failed.Err.Error())
	require.Equal(t, "BC answered 500", failed.Reason())
	require.Equal(t, "plain", bcsync.SetResult{Err: errors.New("plain")}.Reason())
	require.Empty(t, bcsync.SetResult{}.Reason())
}
