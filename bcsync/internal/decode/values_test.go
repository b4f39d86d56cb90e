package decode

import (
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

func TestValueRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ  store.ColType
		enum bool
		in   string
		want store.Value
	}{
		{store.GUID, false, "00000000-0000-0000-0000-000000000000", store.Value{}},
		{store.GUID, false, "1D2A3B4C-0000-4000-8000-0000000000AF", store.Value{Text: "1d2a3b4c-0000-4000-8000-0000000000af", Valid: true}},
		{store.Date, false, "0001-01-01", store.Value{}},
		{store.Date, false, "2025-01-31", store.Value{Text: "2025-01-31", Valid: true}},
		{store.DateTime, false, "0001-01-01T00:00:00Z", store.Value{}},
		{store.DateTime, false, "2024-03-01T10:00:00.5+02:00", store.Value{Text: "2024-03-01T08:00:00.5Z", Valid: true}},
		{store.DateTime, false, "2024-03-01T10:00:00.5Z", store.Value{Text: "2024-03-01T10:00:00.5Z", Valid: true}},
		{store.Text, true, "_x0020_", store.Value{}},
		{store.Text, false, "_x0020_", store.Value{Text: "_x0020_", Valid: true}},
		{store.Text, true, "Credit_x0020_Memo", store.Value{Text: "Credit_x0020_Memo", Valid: true}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Value(tt.typ, tt.enum, store.Value{Text: tt.in, Valid: true}), tt.in)
		require.Equal(t, !tt.want.Valid, Sentinel(tt.typ, tt.enum, tt.in), tt.in)
	}
	require.Equal(t, store.Value{}, Value(store.GUID, false, store.Value{}))
}

func TestStored(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ      store.ColType
		in, want string
	}{
		{store.GUID, "1D2A3B4C-0000-4000-8000-0000000000AF", "1d2a3b4c-0000-4000-8000-0000000000af"},
		{store.Bool, "1", "true"},
		{store.Bool, "0", "false"},
		{store.Bool, "yes", "yes"},
		{store.DateTime, "2025-05-16T15:37:40.4Z", "2025-05-16T15:37:40.400Z"},
		{store.DateTime, "2025-05-16T15:37:46.46Z", "2025-05-16T15:37:46.460Z"},
		{store.DateTime, "2025-05-16T15:37:35Z", "2025-05-16T15:37:35.000Z"},
		{store.DateTime, "2025-05-16T15:37:35.123Z", "2025-05-16T15:37:35.123Z"},
		{store.DateTime, "2025-05-16T15:37:35.1234500Z", "2025-05-16T15:37:35.12345Z"},
		{store.DateTime, "2025-05-16T17:37:35.5+02:00", "2025-05-16T15:37:35.500Z"},
		{store.DateTime, "not a time", "not a time"},
		{store.Text, "ABC", "ABC"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Stored(tt.typ, tt.in), tt.in)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, ok := range []struct {
		typ store.ColType
		s   string
	}{{store.Int, "-12"}, {store.Bool, "true"}, {store.Bool, "0"}, {store.Decimal, "12.50"}, {store.Float, "1e400"}, {store.Float, "NaN"}, {store.Text, "anything"}} {
		require.NoError(t, Check("t", "c", ok.typ, ok.s), ok.s)
	}
	require.EqualError(t, Check("items", "unitPrice", store.Decimal, "12,50"), `store: table "items" column "unitPrice": "12,50" is not a valid decimal`)
	require.EqualError(t, Check("t", "n", store.Int, "1.5"), `store: table "t" column "n": "1.5" is not a valid integer`)
	require.EqualError(t, Check("t", "b", store.Bool, "yes"), `store: table "t" column "b": "yes" is not a valid boolean`)
}
