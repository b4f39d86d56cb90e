package watch

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

// unopenable is a store whose destination cannot be opened.
type unopenable struct{ store.Store }

func (unopenable) Open(context.Context) error { return errors.New("/srv/bc.db: permission denied") }

// TestRunOpensTheStoreFirst: Run opens the store the sync closed, and a
// store that cannot be opened is a setup error of StepStore, before
// anything is planned or subscribed.
func TestRunOpensTheStoreFirst(t *testing.T) {
	t.Parallel()
	w := New(Options{Companies: map[string]string{coA: "A"}}, nil, unopenable{}, slog.New(slog.DiscardHandler))
	err := w.Run(t.Context(), t.Context())
	var setup *bcsync.SetupError
	require.ErrorAs(t, err, &setup)
	require.Equal(t, bcsync.StepStore, setup.Step)
	require.EqualError(t, err, "/srv/bc.db: permission denied")
}
