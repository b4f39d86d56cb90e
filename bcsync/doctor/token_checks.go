package doctor

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/bcsdk/bc"
)

// tokenStep is checks 1–4: one token request, whose failure belongs to the
// check of the value or step Entra refused.
func tokenStep(stage int, passed func(*session) string) func(context.Context, *session) outcome {
	return func(_ context.Context, s *session) outcome {
		s.fetchToken()
		if s.tokenErr == nil {
			return pass(passed(s))
		}
		at, detail, fix := 4, s.tokenErr.Error(), "check "+s.names.TokenURL+" and the network, then "+s.names.Doctor+" again"
		var ae *bc.AuthError
		if errors.As(s.tokenErr, &ae) {
			if st, ok := tokenStages[ae.Problem]; ok {
				at = st
			}
			detail, fix = describeAuth(ae), ae.Problem.Fix()
		}
		if at != stage {
			return pass(passed(s))
		}
		return fail(detail, fix)
	}
}

func describeAuth(ae *bc.AuthError) string {
	switch {
	case ae.Code != "" && ae.Description != "":
		return ae.Code + ": " + ae.Description
	case ae.Description != "":
		return ae.Description
	case ae.Code != "":
		return ae.Code
	case ae.Err != nil:
		return "the token endpoint could not be reached: " + ae.Err.Error()
	}
	return ae.Problem.String()
}

func (s *session) fetchToken() {
	if s.tokenFetched {
		return
	}
	s.tokenFetched = true
	tok, err := s.token()
	s.tokenErr = err
	if err == nil {
		s.claims, s.jwt = decodeClaims(tok)
	}
}

// claims are the parts of the access token the doctor reads.
type claims struct {
	Aud   string   `json:"aud"`
	Roles []string `json:"roles"`
}

// decodeClaims reads a JWT's payload without verifying it: BC verifies the
// token; the doctor only reads which roles Entra put in it.
func decodeClaims(token string) (claims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return claims{}, false
	}
	var c claims
	if json.Unmarshal(raw, &c) != nil {
		var loose struct {
			Roles []string `json:"roles"`
		}
		if json.Unmarshal(raw, &loose) != nil {
			return claims{}, false
		}
		c.Roles = loose.Roles
	}
	return c, true
}

func tokenRoles(_ context.Context, s *session) outcome {
	if !s.jwt {
		return warning("the token is not a JWT, so its roles cannot be read; check the API permissions by hand", consentFix)
	}
	roles := s.claims.Roles
	switch {
	case len(roles) == 0:
		return fail("the token carries no roles: "+apiRole+" has no admin consent", consentFix)
	case !slices.Contains(roles, apiRole):
		return fail("the token's roles are "+strings.Join(roles, ", ")+": "+apiRole+" has no admin consent", consentFix)
	case !slices.Contains(roles, automationRole):
		return warning("roles: "+strings.Join(roles, ", ")+"; "+automationRole+" is not granted (needed only for the Automation API)", automationRoleFix)
	}
	return pass("roles: " + strings.Join(roles, ", "))
}
