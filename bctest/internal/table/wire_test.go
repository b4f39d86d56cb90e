package table

import (
	"testing"
	"time"

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/entities"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestWireText(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 23, 5, 9, 123456789, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		kind filter.Kind
		in   any
		want string
	}{
		{filter.String, "as written", "as written"},
		{filter.Bool, true, "true"},
		{filter.Int, int32(-7), "-7"},
		{filter.Int, uint8(7), "7"},
		{filter.Decimal, 120.5, "120.5"},
		{filter.Decimal, decimal.RequireFromString("0.10"), "0.1"},
		{filter.Date, entities.Date{Year: 2026, Month: 2, Day: 3}, "2026-02-03"},
		{filter.Date, at, "2026-12-07"},
		{filter.DateTime, at, "2026-12-07T22:05:09.123Z"},
		{filter.DateTime, nil, "0001-01-01T00:00:00Z"},
		{filter.GUID, nil, ZeroGUID},
	} {
		got, err := WireText(Column{Kind: tc.kind}, tc.in)
		require.NoError(t, err, "%T", tc.in)
		require.Equal(t, tc.want, got, "%T %v", tc.in, tc.in)
	}
	_, err := WireText(Column{Kind: filter.String}, []string{"x"})
	require.EqualError(t, err, "unsupported value type []string")
}
