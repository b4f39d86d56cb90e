package store

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		out     string
		want    any    // the store's type
		wantErr string // a part of the error
	}{
		{out: "sqlite:bc.db", want: &sqliteStore{}},
		{out: "sqlite:/var/lib/bc/out.db", want: &sqliteStore{}},
		{out: "jsonl:out", want: &jsonlStore{}},
		{out: "postgres://u:p@localhost:5432/bc", want: &pgStore{}},
		{out: "postgresql://u@localhost/bc?sslmode=disable", want: &pgStore{}},
		{out: "", wantErr: "--out is empty: write sqlite:PATH"},
		{out: "sqlite:", wantErr: "sqlite: needs a file path"},
		{out: "jsonl:", wantErr: "jsonl: needs a directory"},
		{out: "bc.db", wantErr: "(for a SQLite file, sqlite:bc.db)"},
		{out: "mysql://root:hunter2@db/bc", wantErr: `unknown kind "mysql"`},
		{out: "postgres:localhost", wantErr: "a PostgreSQL destination is a URL"},
		{out: "postgres://u:hunter2@localhost:notaport/bc", wantErr: "invalid connection URL"},
	}
	for _, tt := range tests {
		s, err := New(tt.out)
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

func TestRedactDSN(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://bob:s3cret@db:5432/bc":                 "postgres://bob:xxxxx@db:5432/bc",
		"postgres://bob@db/bc":                             "postgres://bob@db/bc",
		"postgres://db/bc?password=s3cret&sslmode=require": "postgres://db/bc?password=xxxxx&sslmode=require",
		"host=db password=s3cret user=bob":                 "host=db password=xxxxx user=bob",
		"host=db password='s 3cret' user=bob":              "host=db password=xxxxx user=bob",
		"postgres://bob:s3c@ret@db:bad/bc":                 "postgres://xxxxx@db:bad/bc",
	} {
		require.Equal(t, want, redactDSN(in), in)
	}
}
