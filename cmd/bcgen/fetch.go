package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// maxMetadataSize bounds the download; BC's standard document is about 370 KB.
const maxMetadataSize = 64 << 20

// fetchMetadata downloads a $metadata document with a bearer token. The token
// is never printed, and is sent over plain http only to a loopback host (a
// local fake or container).
func fetchMetadata(ctx context.Context, rawURL, token string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, usageError{fmt.Sprintf("-metadata-url %q is not an http(s) URL", rawURL)}
	}
	if token == "" {
		return nil, usageError{"-metadata-url needs a bearer token in the environment variable BC_ACCESS_TOKEN " +
			"(for example from: az account get-access-token --resource https://api.businesscentral.dynamics.com)"}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, usageError{"-metadata-url must use https: the bearer token is sent over plain http only to localhost"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/xml")
	req.Header.Set("User-Agent", "bcgen (github.com/bcsdk/bc)")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching $metadata: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadataSize))
	if err != nil {
		return nil, fmt.Errorf("fetching $metadata: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching $metadata: %s: %s%s", resp.Status, snippet(body), hint(resp.StatusCode))
	}
	return body, nil
}

// snippet is the start of an error body (BC's {"error":{"code":…}}), on one line.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func hint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return " (is BC_ACCESS_TOKEN current, for https://api.businesscentral.dynamics.com, and is the app registered on BC's Microsoft Entra Applications page?)"
	case http.StatusNotFound:
		return " (check tenant, environment and the API route /api/{publisher}/{group}/{version})"
	}
	return ""
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
