package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// mixedFaults answers about rate of all requests with a fault, spread over
// every kind BC produces: 429 with and without Retry-After, 503, 504,
// connections reset mid-body and bodies cut short.
func mixedFaults(seed uint64, rate float64) bctest.Faults {
	return bctest.Faults{Seed: seed, Throttle: rate * 0.25, ThrottleBare: rate * 0.15, Unavailable: rate * 0.15,
		GatewayTimeout: rate * 0.15, Reset: rate * 0.15, Truncate: rate * 0.15, RetryAfter: time.Millisecond}
}

// changeData inserts, updates and deletes rows of several sets in every
// company, as users do between two syncs.
func changeData(t *testing.T, srv *bctest.Server, round int) {
	t.Helper()
	for _, co := range srv.Tenant().Companies() {
		for i := range 3 {
			_, err := co.Insert("customers", map[string]any{"number": fmt.Sprintf("N%d-%d", round, i),
				"displayName": fmt.Sprintf("New in round %d, #%d — Ærø", round, i), "creditLimit": "12.30"})
			require.NoError(t, err)
		}
		for _, set := range []string{"customers", "vendors", "accounts"} {
			var keys []string
			co.Each(set, func(r map[string]string) bool { keys = append(keys, r["id"]); return len(keys) < 6 })
			for _, k := range keys[:3] {
				_, err := co.Update(set, k, map[string]any{"displayName": fmt.Sprintf("Renamed %d %s", round, k[:8])})
				require.NoError(t, err)
			}
			if set != "accounts" {
				require.NoError(t, co.Delete(set, keys[5]))
			}
		}
	}
}

// absorbed describes what the fake threw at a run.
func absorbed(st bctest.Stats) string {
	return fmt.Sprintf("%d faults %v, %d expired tokens, %d requests", st.FaultTotal(), st.Faults, st.ExpiredTokens, st.Requests)
}

// TestSyncsUnderFaultsEqualTheFake runs a full sync and an incremental one
// (after inserts, updates and deletes) under each fault mix, and checks the
// store equals the fake's data, row for row, after each.
func TestSyncsUnderFaultsEqualTheFake(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name   string
		faults bctest.Faults
		dest   string // sqlite or jsonl
		expire bool   // tokens expire mid-run, at a chosen request of each run
		churn  bool   // rows change while pages are read
	}{
		{name: "mixed 5%", faults: mixedFaults(1, 0.05), dest: "sqlite"},
		{name: "mixed 20%", faults: mixedFaults(2, 0.20), dest: "jsonl"},
		{name: "429 with Retry-After 20%", faults: bctest.Faults{Seed: 3, Throttle: 0.2, RetryAfter: time.Millisecond}, dest: "sqlite"},
		{name: "429 without Retry-After 20%", faults: bctest.Faults{Seed: 4, ThrottleBare: 0.2}, dest: "jsonl"},
		{name: "503 and 504 15%", faults: bctest.Faults{Seed: 5, Unavailable: 0.08, GatewayTimeout: 0.07, RetryAfter: time.Millisecond}, dest: "sqlite"},
		{name: "resets and truncated JSON 15%", faults: bctest.Faults{Seed: 6, Reset: 0.08, Truncate: 0.07}, dest: "jsonl"},
		{name: "tokens expire mid-run", faults: mixedFaults(7, 0.05), dest: "sqlite", expire: true},
		{name: "rows change while pages are read", faults: mixedFaults(8, 0.05), dest: "jsonl", churn: true},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, bctest.WithFaults(sc.faults))
			dest := h.sqlite("faults.db")
			if sc.dest == "jsonl" {
				dest = "jsonl:" + filepath.Join(h.dir, "faults")
			}
			args := []string{"--profile", "finance", "--out", dest, "--page-size", "150", "--retry-delay", "2ms"}
			if sc.churn {
				h.srv.SetChurn(bctest.Churn{Every: 2, Inserts: 2, Updates: 2, Deletes: 1,
					Sets: []string{"customers", "vendors", "generalLedgerEntries", "salesInvoices"}})
			}
			if sc.expire {
				h.srv.ExpireTokensAfter(40)
			}

			r := h.run(args...)
			require.Equal(t, 0, r.code, r.stderr)
			full := h.srv.Stats()
			if sc.churn {
				// The churn went on while pages were read; what the store
				// missed, the next incremental read with reconciliation
				// brings in, as a scheduled sync would.
				done := h.srv.ChurnDone()
				require.Positive(t, done.Inserted+done.Updated+done.Deleted, "the data changed during the run")
				h.srv.SetChurn(bctest.Churn{})
				r = h.run(append(args, "--reconcile")...)
				require.Equal(t, 0, r.code, r.stderr)
			}
			h.requireSynced(dest, h.plan("finance"))
			require.Positive(t, full.FaultTotal())

			h.srv.ResetStats()
			changeData(t, h.srv, 1)
			if sc.expire {
				h.srv.ExpireTokensAfter(10)
			}
			r = h.run(append(args, "--reconcile")...)
			require.Equal(t, 0, r.code, r.stderr)
			h.requireSynced(dest, h.plan("finance"))
			incr := h.srv.Stats()
			if sc.expire {
				require.Positive(t, full.ExpiredTokens, "tokens expired during the full run")
				require.Positive(t, incr.ExpiredTokens, "tokens expired during the incremental run")
			}
			t.Logf("%s into %s: full run absorbed %s; incremental absorbed %s", sc.name, sc.dest, absorbed(full), absorbed(incr))
		})
	}
}

func TestCompanyAddedMidRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bctest.WithFaults(mixedFaults(9, 0.05)),
		bctest.WithServiceModel(bctest.ServiceModel{Base: time.Millisecond, BytesPerSecond: 50e6, Scale: 1}))
	dest := h.sqlite("added.db")
	args := []string{"--profile", "finance", "--out", dest, "--page-size", "150", "--retry-delay", "2ms"}
	added := make(chan string, 1)
	disarm := h.srv.AtRequest(20, func() { // well into the run
		co := h.srv.Tenant().AddCompany(`Nørre "Nye" A/S`)
		for i := range 4 {
			_, _ = co.Insert("customers", map[string]any{"number": fmt.Sprintf("K%d", i), "displayName": fmt.Sprintf("Kunde %d", i)})
			_, _ = co.Insert("vendors", map[string]any{"number": fmt.Sprintf("L%d", i), "displayName": fmt.Sprintf("Leverandør %d", i)})
		}
		added <- co.ID
	})
	r := h.run(args...)
	require.Equal(t, 0, r.code, r.stderr)
	require.False(t, disarm(), "the company was added during the run")
	newID := <-added

	// The next run finds the new company and syncs it whole; the others
	// only change.
	r = h.run(args...)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, h.companies(), newID)
	h.requireSynced(dest, h.plan("finance"))
	got := h.snapshot(dest, h.plan("finance"))
	n := 0
	for _, row := range got["customers"].Rows {
		if containsField(row, "companyId", newID) {
			n++
		}
	}
	require.Equal(t, 4, n, "the new company's customers are in the store")
}

// containsField reports whether a canonical row has col=value.
func containsField(row, col, value string) bool {
	for _, f := range splitFields(row) {
		if f == col+"="+value {
			return true
		}
	}
	return false
}

func splitFields(row string) []string {
	var out []string
	start := 0
	for i := 0; i < len(row); i++ {
		if row[i] == '|' {
			out = append(out, row[start:i])
			start = i + 1
		}
	}
	return append(out, row[start:])
}

// TestDeadTokensExitOneWithoutASetupStep: a token endpoint that hands out
// tokens already expired ends the sync with exit 1 and one line with the
// clock hint — not exit 2 with the doctor pointing at BC's "Microsoft Entra
// Applications" page, since no setup step is wrong.
func TestDeadTokensExitOneWithoutASetupStep(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bctest.WithTokenLifetime(-time.Minute))
	dest := h.sqlite("dead.db")
	r := h.run("--profile", "mosaic", "--out", dest, "--quiet")
	require.Equal(t, 1, r.code, r.stderr)
	require.Empty(t, r.stdout)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	require.Len(t, lines, 1, r.stderr)
	require.Regexp(t, `^sync: listing companies: bc: GET \S+/companies: 401 Authentication_InvalidCredentials: The access token has expired\. — `+
		`BC found the access token expired even after the client renewed it: check that this machine's clock is right `+
		`and that a custom token source hands out fresh tokens`, lines[0])
	require.NotContains(t, r.stderr, "Microsoft Entra Applications")
	require.Equal(t, int64(3), h.srv.Stats().Tokens)
	require.NoFileExists(t, dest[len("sqlite:"):])
}
