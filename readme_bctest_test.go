package bc_test

import (
	"context"

	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/odata"
	"github.com/stretchr/testify/require"
)

// overdueCustomers stands for the user's own code under test in the README's
// bctest snippet: the display names of customers with a balance due.
func overdueCustomers(ctx context.Context, c *bc.Client, companyID string) ([]string, error) {
	var names []string
	for cu, err := range c.Company(companyID).Customers().List(odata.New().Filter(odata.Gt("balanceDue", 0))).All(ctx) {
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
