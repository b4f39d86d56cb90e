package bctest

import (
	"testing"

	"github.com/bcsdk/bc/automation"
	"github.com/stretchr/testify/require"
)

// A Company handle is a snapshot: a rename through the Automation API shows
// when the Tenant is asked again, and the served companies set has it too.
func TestCompanyRenamedThroughAutomationShowsInTheTenant(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	defer srv.Close()
	held := srv.Tenant().Companies()[0]
	a := automation.New(srv.Client(), held.ID)

	co, err := a.AutomationCompanies().Get(t.Context(), held.ID, nil)
	require.NoError(t, err)
	_, err = a.AutomationCompanies().Rename(t.Context(), co, "Renamed Co")
	require.NoError(t, err)

	again, ok := srv.Tenant().Company(held.ID)
	require.True(t, ok)
	require.Equal(t, "Renamed Co", again.Name)
	require.NotEqual(t, "Renamed Co", held.Name)
	byName, ok := srv.Tenant().Company("Renamed Co")
	require.True(t, ok)
	require.Equal(t, held.ID, byName.ID)

	listed, err := srv.Client().Companies().Get(t.Context(), held.ID, nil)
	require.NoError(t, err)
	require.Equal(t, "Renamed Co", listed.Name)
}
