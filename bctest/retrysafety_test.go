package bctest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// writeFaults answer a third of all requests with a fault: 429 (with and
// without Retry-After) and 503 are sent before BC executes anything, 504 after
// the write ran — the ambiguous case.
func writeFaults(seed uint64) Faults {
	return Faults{Seed: seed, Throttle: 0.1, ThrottleBare: 0.05, Unavailable: 0.08, GatewayTimeout: 0.1, RetryAfter: time.Millisecond}
}

// writeOutcome tallies what the client saw for a batch of writes.
type writeOutcome struct {
	ok, gatewayTimeout int
}

func (o *writeOutcome) add(t *testing.T, err error) {
	t.Helper()
	var apiErr *bc.APIError
	switch {
	case err == nil:
		o.ok++
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusGatewayTimeout:
		// The 504 ended the call: an earlier 429 or 503 may have been
		// retried, but nothing is sent after a write that may have run.
		o.gatewayTimeout++
	default:
		require.NoError(t, err, "every other fault is retried until the write succeeds")
	}
}

// executed counts the recorded requests (the ones BC executed) that start
// with prefix.
func executed(srv *Server, method, pathPart string) int {
	n := 0
	for _, line := range srv.Requests() {
		if strings.HasPrefix(line, method+" ") && strings.Contains(line, pathPart) {
			n++
		}
	}
	return n
}

func TestWritesRunExactlyOnceUnderFaults(t *testing.T) {
	t.Parallel()
	const n = 150
	srv, co := newCustomers(t, 0, WithFaults(writeFaults(21)))
	srv.RecordRequests(true)
	c := srv.Client(bc.WithRetryPolicy(fastPolicy()))
	customers := sets.For(c.Company(co.ID)).Customers()

	var created writeOutcome
	for i := range n {
		_, err := customers.Create(t.Context(), entities.Customer{Number: fmt.Sprintf("R%04d", i), DisplayName: fmt.Sprintf("Retry %d", i)})
		created.add(t, err)
	}
	perName := map[string]int{}
	co.Each("customers", func(r map[string]string) bool { perName[r["displayName"]]++; return true })
	require.Len(t, perName, n, "every create ran, including those answered 504")
	for name, k := range perName {
		require.Equal(t, 1, k, "%s was inserted %d times", name, k)
	}
	st := srv.Stats()
	require.Equal(t, int64(n), st.Writes)
	require.Equal(t, n, executed(srv, "POST", "/customers"), "each POST reached BC's logic once")
	require.Equal(t, int(st.Faults["gateway-timeout"]), created.gatewayTimeout, "every 504 surfaced to the caller")
	require.Positive(t, st.Faults["throttle"]+st.Faults["throttle-bare"]+st.Faults["unavailable"], "faults were retried")
	require.Positive(t, created.gatewayTimeout)
	t.Logf("creates: %d ok, %d answered 504 after running; faults absorbed %v", created.ok, created.gatewayTimeout, st.Faults)

	// Updates and deletes: each carries the ETag it read, so a repeated
	// PATCH or DELETE would fail with 409 or 404 — the test would see it.
	srv.ResetStats()
	var patched, deleted writeOutcome
	var keys []string
	co.Each("customers", func(r map[string]string) bool { keys = append(keys, r["id"]); return true })
	for _, id := range keys {
		cu, err := customers.Get(t.Context(), id, nil)
		require.NoError(t, err)
		_, err = customers.Patch(t.Context(), id, cu.ETag, map[string]any{"phoneNumber": "+1 555 0100"})
		patched.add(t, err)
	}
	require.Equal(t, int64(n), srv.Stats().Writes)
	co.Each("customers", func(r map[string]string) bool {
		require.Equal(t, "+1 555 0100", r["phoneNumber"])
		return true
	})
	for _, id := range keys {
		cu, err := customers.Get(t.Context(), id, nil)
		require.NoError(t, err)
		deleted.add(t, customers.Delete(t.Context(), id, cu.ETag))
	}
	require.Equal(t, int64(2*n), srv.Stats().Writes)
	require.Zero(t, co.Count("customers"))
	require.Equal(t, n, executed(srv, "PATCH", "/customers"))
	require.Equal(t, n, executed(srv, "DELETE", "/customers"))
	require.Positive(t, patched.gatewayTimeout+deleted.gatewayTimeout)
}

func TestBoundActionsRunExactlyOnceUnderFaults(t *testing.T) {
	t.Parallel()
	const n = 120
	srv := NewServer(WithEmptyTenant(), WithFaults(writeFaults(5)))
	t.Cleanup(srv.Close)
	co := srv.Tenant().AddCompany("Actions Co")
	for i := range n {
		_, err := co.Insert("salesInvoices", map[string]any{"number": fmt.Sprintf("S%04d", i), "status": "Draft"})
		require.NoError(t, err)
	}
	srv.RecordRequests(true)
	c := srv.Client(bc.WithRetryPolicy(fastPolicy()))
	invoices := sets.For(c.Company(co.ID)).SalesInvoices()
	var ids []string
	co.Each("salesInvoices", func(r map[string]string) bool { ids = append(ids, r["id"]); return true })
	var posted writeOutcome
	for _, id := range ids {
		// A second post of the same invoice fails with "draft invoice
		// only", which add would report.
		posted.add(t, invoices.Action(t.Context(), id, "post", nil))
	}
	co.Each("salesInvoices", func(r map[string]string) bool {
		require.Equal(t, "Open", r["status"], r["number"])
		return true
	})
	require.Equal(t, int64(n), srv.Stats().Writes)
	require.Equal(t, n, executed(srv, "POST", "Microsoft.NAV.post"))
	require.Positive(t, posted.gatewayTimeout)
	t.Logf("posts: %d ok, %d answered 504 after running; faults %v", posted.ok, posted.gatewayTimeout, srv.Stats().Faults)
}
