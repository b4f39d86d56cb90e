package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/stretchr/testify/require"
)

// TestOpenMarksMisconfigured: Open's errors that waiting cannot fix carry
// ErrMisconfigured, so a scheduler asks an operator instead of retrying;
// a server that does not answer and a store another sync holds do not.
func TestOpenMarksMisconfigured(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	require.NoError(t, os.WriteFile(file, []byte("not a database, and long enough to be read as one: ........................................................................................................"), 0o600))
	held := "sqlite:" + filepath.Join(dir, "held.db")
	holder, err := store.New(held)
	require.NoError(t, err)
	require.NoError(t, holder.Open(t.Context()))
	t.Cleanup(func() { holder.Close() })
	cases := []struct {
		dest          string
		misconfigured bool
	}{
		{"sqlite:" + filepath.Join(file, "x.db"), true},
		{"sqlite:" + file, true},
		{held, false},
		{"postgres://bcsync:pw@127.0.0.1:1/bcsync?connect_timeout=5", false},
	}
	if os.Getenv(storetest.PostgresDSNEnv) != "" {
		cases = append(cases, struct {
			dest          string
			misconfigured bool
		}{storetest.WithSearchPath(t, os.Getenv(storetest.PostgresDSNEnv), "no_such_schema_4711"), true})
	}
	for _, c := range cases {
		st, err := store.New(c.dest)
		require.NoError(t, err)
		err = st.Open(t.Context())
		require.Error(t, err, c.dest)
		require.Equal(t, c.misconfigured, errors.Is(err, store.ErrMisconfigured), "%s: %v", c.dest, err)
		st.Close()
	}
}
