package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

// tokenEnv holds the page's token when --http-token-file is not given.
const tokenEnv = "SYNCD_HTTP_TOKEN"

// minTokenLen keeps a guessable token from guarding a page bound to the
// network.
const minTokenLen = 16

// loadToken reads the page's token: the file of --http-token-file
// (surrounding blanks trimmed), else SYNCD_HTTP_TOKEN, else none. Its
// errors name the file, never what it holds.
func loadToken(file string, getenv func(string) string) (string, error) {
	token, from := getenv(tokenEnv), tokenEnv
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", fmt.Errorf("--http-token-file: cannot read %s: %v", file, err)
		}
		token, from = strings.TrimSpace(string(b)), "--http-token-file "+file
	}
	if token != "" && len(token) < minTokenLen {
		return "", fmt.Errorf("the token of %s is shorter than %d characters: use a random one, e.g. openssl rand -hex 32", from, minTokenLen)
	}
	return token, nil
}

// checkExposure refuses to serve the page beyond this machine without a
// token: anyone who can reach it could read the tenants and cancel jobs.
func checkExposure(addr, token string) error {
	if token == "" && !isLoopback(addr) {
		return fmt.Errorf("--http %s is reachable from other machines: give a token with --http-token-file FILE (or %s), or bind a loopback address such as 127.0.0.1:8080", addr, tokenEnv)
	}
	return nil
}

// isLoopback reports whether addr (host:port) only listens on this
// machine. A host name other than localhost counts as reachable.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// requireToken answers 401 unless the request carries token, as a bearer
// token or as the password of basic auth (any user name), so both scripts
// and browsers get in. The comparison takes the same time whatever the
// guess.
func requireToken(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			_, got, ok = r.BasicAuth()
		}
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="syncd", charset="UTF-8"`)
			http.Error(w, "401 unauthorized: give the page's token as the password, or as Authorization: Bearer", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackHostOnly refuses requests whose Host is not a loopback name: a
// page without a token on 127.0.0.1 must not answer a web site that
// rebinds its own name to 127.0.0.1 (DNS rebinding).
func loopbackHostOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if _, _, err := net.SplitHostPort(host); err != nil {
			host += ":80"
		}
		if !isLoopback(host) {
			http.Error(w, "421 this page answers only to localhost or a loopback address", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}
