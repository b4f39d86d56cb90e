package webhook

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNotificationKeysAreWrittenAsBCWritesThem(t *testing.T) {
	t.Parallel()
	require.Equal(t, "5d115c9c-44e3-ea11-bb43-000d3a2feca1", keyLiteral("5D115C9C-44E3-EA11-BB43-000D3A2FECA1"))
	require.Equal(t, "'T%2F1%20x%27y'", keyLiteral("T/1 x'y"))
}
