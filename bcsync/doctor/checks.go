package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
)

// check is one step of the setup guide: its name, the check that must pass
// (or warn) before it runs (1-based, 0 for none), how to run it, and the fix
// when run gives none.
type check struct {
	name  string
	needs int
	run   func(ctx context.Context, s *session) outcome
	fix   func(s *session) string
}

type outcome struct {
	status      Status
	detail, fix string
}

func pass(detail string) outcome         { return outcome{status: OK, detail: detail} }
func fail(detail, fix string) outcome    { return outcome{status: Fail, detail: detail, fix: fix} }
func warning(detail, fix string) outcome { return outcome{status: Warn, detail: detail, fix: fix} }

// The application permissions (roles) of the Dynamics 365 Business Central
// API in Entra.
const (
	apiRole        = "API.ReadWrite.All"
	automationRole = "Automation.ReadWrite.All"
)

// The fixes, in the words of the setup guide.
const (
	consentFix = "in the app registration's API permissions, add Dynamics 365 Business Central → Application permissions → " +
		apiRole + " and " + automationRole + `, then click "Grant admin consent"`
	automationRoleFix = "to use the Automation API, add the application permission " + automationRole +
		` (Dynamics 365 Business Central) and click "Grant admin consent"; the sync itself does not need it`
	d365AutomationFix = `on the "Microsoft Entra Applications" page in Business Central, assign the permission set D365 AUTOMATION to the app`
	companyScopeFix   = `on the "Microsoft Entra Applications" page in Business Central, leave the Company of the app's permission sets blank ` +
		"(all companies) or add the permission sets for each company the sync reads"
)

func environmentFix(n Names) string {
	return "use the environment name exactly as the Business Central admin center shows it (" + n.Environment + ", e.g. Production or Sandbox)"
}

func networkFix(n Names) string {
	return "check " + n.BaseURL + " and the network, then " + n.Doctor + " again"
}

func entraAppsFix(clientID string) string {
	return `in Business Central, open the "Microsoft Entra Applications" page (older name "Azure Active Directory Applications"), ` +
		"add the app with client ID " + clientID + " if it is missing, set State = Enabled, and assign the permission sets " +
		"D365 AUTOMATION, LOCAL and LOGIN"
}

// tokenStages maps what Entra refused to the check that covers it: the
// tenant (1), the client ID (2) or the secret (3); anything else is check 4.
var tokenStages = map[bc.AuthProblem]int{
	bc.ProblemMalformedTenant: 1, bc.ProblemUnknownTenant: 1, bc.ProblemUnreachable: 1,
	bc.ProblemMalformedClient: 2, bc.ProblemUnknownClient: 2,
	bc.ProblemMissingSecret: 3, bc.ProblemInvalidSecret: 3, bc.ProblemExpiredSecret: 3,
}

// checks are the steps of the guide, in its order.
var checks = []check{
	{name: "Tenant exists", run: tokenStep(1, func(s *session) string {
		return "Microsoft Entra knows tenant " + s.cfg.TenantID
	})},
	{name: "Client ID is registered in the tenant", needs: 1, run: tokenStep(2, func(s *session) string {
		return "app " + s.cfg.ClientID + " is registered in the tenant"
	})},
	{name: "Client secret is valid and not expired", needs: 2, run: tokenStep(3, func(*session) string {
		return "Microsoft Entra accepted the secret"
	})},
	{name: "Entra issues a token", needs: 3, run: tokenStep(4, func(s *session) string {
		if s.claims.Aud == "" {
			return "token issued"
		}
		return "token issued for " + s.claims.Aud
	})},
	{name: "Token has the Business Central API permissions", needs: 4, run: tokenRoles},
	{name: "Business Central accepts the app", needs: 5, run: bcAccepts,
		fix: func(s *session) string { return entraAppsFix(s.cfg.ClientID) }},
	{name: "Environment exists", needs: 6, run: environmentExists},
	{name: "Companies are visible", needs: 7, run: companiesVisible},
	{name: "Entity sets are readable", needs: 8, run: setsReadable},
	{name: "Automation API is reachable", needs: 8, run: automationReachable},
}

// session is what the checks learn and share.
type session struct {
	cfg       Config
	names     Names
	token     func() (string, error)
	client    *bc.Client
	clientErr error

	tokenFetched bool
	tokenErr     error
	jwt          bool
	claims       claims

	companiesListed bool
	companies       []entities.Company
	companiesErr    error
	selected        []entities.Company
}

func newSession(cfg Config) *session {
	s := &session{cfg: cfg, names: cfg.Names.withDefaults()}
	tokenURL := cfg.TokenURL
	if tokenURL == "" {
		tokenURL = bc.DefaultTokenURL
	}
	ts := bc.ClientCredentials(cfg.TenantID, cfg.ClientID, cfg.Secret, bc.WithTokenURL(tokenURL),
		bc.WithTokenHTTPClient(&http.Client{Timeout: 30 * time.Second}))
	s.token = func() (string, error) {
		t, err := ts.Token()
		if err != nil {
			return "", err
		}
		return t.AccessToken, nil
	}
	conc := cfg.Concurrency
	if conc < 1 {
		conc = bc.DefaultMaxConcurrency
	}
	opts := []bc.Option{bc.WithTokenSource(ts), bc.WithMaxConcurrency(conc)}
	if cfg.BaseURL != "" {
		opts = append(opts, bc.WithBaseURL(cfg.BaseURL))
	}
	if cfg.UserAgent != "" {
		opts = append(opts, bc.WithUserAgent(cfg.UserAgent))
	}
	s.client, s.clientErr = bc.NewClient(cfg.TenantID, cfg.Environment, opts...)
	return s
}

// listCompanies reads the companies once; checks 6, 7 and 8 judge the answer.
func (s *session) listCompanies(ctx context.Context) {
	if s.companiesListed {
		return
	}
	s.companiesListed = true
	if s.clientErr != nil {
		s.companiesErr = s.clientErr
		return
	}
	s.companies, s.companiesErr = s.client.Companies().List(nil).Collect(ctx)
}

// apiText is an error as BC gave it, without correlation ids.
func apiText(err error) string {
	var ae *bc.APIError
	if errors.As(err, &ae) {
		s := fmt.Sprintf("%d", ae.StatusCode)
		if ae.Code != "" {
			s += " " + ae.Code
		}
		if ae.Message != "" {
			s += ": " + ae.Message
		}
		return s
	}
	return err.Error()
}

func bcAccepts(ctx context.Context, s *session) outcome {
	s.listCompanies(ctx)
	err := s.companiesErr
	switch {
	case err == nil, errors.Is(err, bc.ErrNotFound):
		return pass("Business Central accepted the token")
	case errors.Is(err, bc.ErrUnauthorized):
		return fail("Business Central rejected the token: "+apiText(err), "")
	case s.clientErr != nil:
		return fail(err.Error(), "check "+s.names.Environment+" and "+s.names.BaseURL)
	}
	return fail("Business Central did not answer as expected: "+apiText(err), networkFix(s.names))
}

func environmentExists(ctx context.Context, s *session) outcome {
	s.listCompanies(ctx)
	if errors.Is(s.companiesErr, bc.ErrNotFound) {
		return fail("environment "+s.cfg.Environment+" not found: "+apiText(s.companiesErr), environmentFix(s.names))
	}
	return pass("environment " + s.cfg.Environment + " answers")
}

func companiesVisible(ctx context.Context, s *session) outcome {
	s.listCompanies(ctx)
	if len(s.companies) == 0 {
		return fail("Business Central lists no companies in environment "+s.cfg.Environment, companyScopeFix)
	}
	s.selected = nil
	for _, w := range s.cfg.Companies {
		found := false
		for _, co := range s.companies {
			if strings.EqualFold(co.ID, w) || co.Name == w {
				found = true
				if !slices.ContainsFunc(s.selected, func(c entities.Company) bool { return c.ID == co.ID }) {
					s.selected = append(s.selected, co)
				}
			}
		}
		if !found {
			return fail(fmt.Sprintf("no company named or with id %q; the environment has %s", w, companyNames(s.companies)),
				"give "+s.names.Companies+" names or ids of the companies listed, or leave it out to read them all")
		}
	}
	if len(s.cfg.Companies) == 0 {
		s.selected = s.companies
	}
	what := companiesCount(len(s.selected))
	if len(s.selected) < len(s.companies) {
		what = fmt.Sprintf("%d of %d companies", len(s.selected), len(s.companies))
	}
	return pass(what + ": " + companyNames(s.selected))
}

func companyNames(cos []entities.Company) string {
	names := make([]string, len(cos))
	for i, co := range cos {
		names[i] = co.Name
	}
	return strings.Join(names, "; ")
}
