package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// SecretProvider resolves secret references of one scheme, e.g. a key
// vault's "vault:NAME". The registry holds only references; a secret is
// resolved when a job runs and lives in memory for that run.
type SecretProvider interface {
	// Secret returns the secret ref names (ref is the whole reference,
	// scheme included). Its error must not hold the secret.
	Secret(ctx context.Context, ref string) (string, error)
}

// SecretFunc is a SecretProvider written as a function.
type SecretFunc func(ctx context.Context, ref string) (string, error)

// Secret calls f.
func (f SecretFunc) Secret(ctx context.Context, ref string) (string, error) { return f(ctx, ref) }

// Secrets resolves references by scheme: env:NAME (an environment
// variable) and file:PATH (a file's content, surrounding blanks trimmed)
// are built in; Providers add or replace schemes.
type Secrets struct {
	Providers map[string]SecretProvider
	// Getenv reads environment variables (nil: os.Getenv).
	Getenv func(string) string
}

// refPattern is the shape of a reference: scheme:rest.
var refPattern = regexp.MustCompile(`^[a-z][a-z0-9+.-]*:.+$`)

// CheckSecretRef reports whether ref has the shape of a reference. It never
// quotes ref: a secret pasted where its reference belongs must not be
// echoed.
func CheckSecretRef(ref string) error {
	if !refPattern.MatchString(ref) {
		return errors.New("the secret reference is not env:NAME, file:PATH or a provider's scheme:NAME (the registry never holds the secret itself)")
	}
	return nil
}

// Resolve returns the secret ref names.
func (s Secrets) Resolve(ctx context.Context, ref string) (string, error) {
	if err := CheckSecretRef(ref); err != nil {
		return "", err
	}
	scheme, rest, _ := strings.Cut(ref, ":")
	if p, ok := s.Providers[scheme]; ok {
		v, err := p.Secret(ctx, ref)
		if err != nil {
			return "", fmt.Errorf("secret %s: %w", ref, err)
		}
		if v == "" {
			return "", fmt.Errorf("secret %s is empty", ref)
		}
		return v, nil
	}
	switch scheme {
	case "env":
		getenv := s.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		v := getenv(rest)
		if v == "" {
			return "", fmt.Errorf("secret %s: the environment variable %s is not set or empty", ref, rest)
		}
		return v, nil
	case "file":
		b, err := os.ReadFile(rest)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", fmt.Errorf("secret %s: cannot read %s: %v", ref, rest, err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", fmt.Errorf("secret %s: %s is empty", ref, rest)
		}
		return v, nil
	}
	return "", fmt.Errorf("secret %s: no provider for the scheme %q (built in: env, file)", ref, scheme)
}
