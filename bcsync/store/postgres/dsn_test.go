package postgres

import (
	"testing"

	"github.com/stretchr/testify/require"
)

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
