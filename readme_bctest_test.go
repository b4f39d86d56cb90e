package bc_test

import (
	"context"
	"fmt"
	"time"

	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// overdueCustomers stands for the user's own code under test in docs/testing.md's
// bctest snippet: the display names of customers with a balance due.
func overdueCustomers(ctx context.Context, c *bc.Client, companyID string) ([]string, error) {
	var names []string
	for cu, err := range sets.For(c.Company(companyID)).Customers().List(odata.New().Filter(odata.Gt("balanceDue", 0))).All(ctx) {
		if err != nil {
			return nil, err
		}
		names = append(names, cu.DisplayName)
	}
	return names, nil
}

// readme:bctest
func TestOverdueCustomers(t *testing.T) {
	srv := bctest.NewServer(bctest.WithEmptyTenant())
	defer srv.Close()
	co := srv.Tenant().AddCompany("Test Co")
	co.Insert("customers", map[string]any{"number": "C1", "displayName": "Contoso", "balanceDue": "120.50"})
	co.Insert("customers", map[string]any{"number": "C2", "displayName": "Fabrikam", "balanceDue": "0"})

	got, err := overdueCustomers(t.Context(), srv.Client(), co.ID) // your code, given a *bc.Client
	require.NoError(t, err)
	require.Equal(t, []string{"Contoso"}, got)
}

// readme:end

func Example_clock() {
	// readme:clock
	clk := bctest.NewManualClock(time.Date(2027, 1, 4, 9, 30, 0, 0, time.UTC))
	srv := bctest.NewServer(bctest.WithClock(clk))
	// … a first sync, dated 09:30:00 by BC …
	clk.Advance(time.Hour) // the tokens issued so far have expired; changes now are dated 10:30
	// readme:end
	defer srv.Close()
	co := srv.Tenant().Companies()[0]
	row, err := co.Insert("customers", map[string]any{"number": "C9", "displayName": "Late Ltd"})
	fmt.Println(row["lastModifiedDateTime"], err)
	// Output: 2027-01-04T10:30:00Z <nil>
}
