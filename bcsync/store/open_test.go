package store_test

import (
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/jsonl"
	"github.com/bcsdk/bc/bcsync/store/postgres"
	"github.com/bcsdk/bc/bcsync/store/sqlite"

	"github.com/stretchr/testify/require"
)

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		out     string
		want    any    // the store's type
		wantErr string // a part of the error
	}{
		{out: "sqlite:bc.db", want: &sqlite.Store{}},
		{out: "sqlite:/var/lib/bc/out.db", want: &sqlite.Store{}},
		{out: "jsonl:out", want: &jsonl.Store{}},
		{out: "postgres://u:p@localhost:5432/bc", want: &postgres.Store{}},
		{out: "postgresql://u@localhost/bc?sslmode=disable", want: &postgres.Store{}},
		{out: "", wantErr: "no destination: write sqlite:PATH"},
		{out: "sqlite:", wantErr: "sqlite: needs a file path"},
		{out: "jsonl:", wantErr: "jsonl: needs a directory"},
		{out: "bc.db", wantErr: "(for a SQLite file, sqlite:bc.db)"},
		{out: "mysql://root:hunter2@db/bc", wantErr: `unknown kind "mysql"`},
		{out: "postgres:localhost", wantErr: "a PostgreSQL destination is a URL"},
		{out: "postgres://u:hunter2@localhost:notaport/bc", wantErr: "invalid connection URL"},
	}
	for _, tt := range tests {
		s, err := store.New(tt.out)
		if tt.wantErr != "" {
			require.ErrorContains(t, err, tt.wantErr, tt.out)
			require.NotContains(t, err.Error(), "hunter2", "the password is never shown")
			require.NotContains(t, err.Error(), "\n", "one line")
			continue
		}
		require.NoError(t, err, tt.out)
		require.IsType(t, tt.want, s, tt.out)
	}
}
