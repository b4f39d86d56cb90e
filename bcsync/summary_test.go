package bcsync_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
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

// TestSummaryTable: the table sorts by company and set, folds a company's
// interrupted sets into one line with what they committed, says why a set
// failed, totals everything, and leaves the Summary's results in run order.
func TestSummaryTable(t *testing.T) {
	t.Parallel()
	a, b := bcsync.Company{ID: "a", Name: "Alpha"}, bcsync.Company{ID: "b", Name: "Beta"}
	result := func(co bcsync.Company, set string, inserted int64, err error) bcsync.SetResult {
		return bcsync.SetResult{SetKey: bcsync.SetKey{Company: co, Set: set}, Counts: store.Counts{Inserted: inserted, Updated: 2},
			Requests: 3, Retries: 1, Throttled: 1, Duration: 1500 * time.Millisecond, Err: err}
	}
	interrupted := func(co bcsync.Company, set string) error {
		return &bcsync.SetError{Company: co, Set: set, Err: bcsync.ErrInterrupted}
	}
	s := &bcsync.Summary{Duration: 2*time.Minute + 3*time.Second, Results: []bcsync.SetResult{
		result(b, "items", 10, nil),
		result(b, "generalLedgerEntries", 1234567, interrupted(b, "generalLedgerEntries")),
		result(b, "vendors", 1000, interrupted(b, "vendors")),
		result(a, "customers", 5, &bcsync.SetError{Company: a, Set: "customers", Err: errors.New("BC answered 500")}),
		result(a, "accounts", 7, nil),
	}}
	var out strings.Builder
	require.NoError(t, s.WriteTable(&out))
	want := "" +
		"COMPANY                    SET                                        INSERTED   UPDATED  UNCHANGED  DELETED REQUESTS RETRIES  429s  DURATION  STATUS\n" +
		"Alpha                      accounts                                          7         2          0        0        3       1     1      1.5s  ok\n" +
		"Alpha                      customers                                         5         2          0        0        3       1     1      1.5s  FAILED: BC answered 500\n" +
		"Beta                       items                                            10         2          0        0        3       1     1      1.5s  ok\n" +
		"Beta                       2 sets unfinished                         1,235,567         4          0        0        6       2     2            interrupted; the next run resumes them\n" +
		"TOTAL                                                                1,235,589        10          0        0       15       5     5      2m3s\n"
	require.Equal(t, want, out.String())
	require.Equal(t, "items", s.Results[0].Set, "the summary's own order is kept")
}
