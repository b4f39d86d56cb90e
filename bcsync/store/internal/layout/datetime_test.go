package layout

import (
	"testing"

	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

// TestDateTimesAreFixedWidth: whatever number of fractional digits BC
// sends, a datetime is stored with three at least, in UTC, and no digit
// that carries a value is dropped.
func TestDateTimesAreFixedWidth(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"2025-05-16T15:37:35Z":           "2025-05-16T15:37:35.000Z",
		"2025-05-16T15:37:40.4Z":         "2025-05-16T15:37:40.400Z",
		"2025-05-16T15:37:46.46Z":        "2025-05-16T15:37:46.460Z",
		"2025-05-16T15:37:35.593Z":       "2025-05-16T15:37:35.593Z",
		"2025-05-16T15:37:35.5930000Z":   "2025-05-16T15:37:35.593Z",
		"2025-05-16T15:37:35.5931234Z":   "2025-05-16T15:37:35.5931234Z",
		"2025-05-16T17:37:35.5+02:00":    "2025-05-16T15:37:35.500Z",
		"2025-05-16T15:37:35.000000000Z": "2025-05-16T15:37:35.000Z",
	} {
		require.Equal(t, want, decode.Stored(store.DateTime, in), in)
	}
}
