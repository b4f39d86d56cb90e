//go:build tools

package bc

import (
	_ "github.com/google/go-querystring/query"
	_ "github.com/hashicorp/go-retryablehttp"
	_ "github.com/shopspring/decimal"
	_ "github.com/stretchr/testify/require"
	_ "golang.org/x/oauth2/clientcredentials"
)
