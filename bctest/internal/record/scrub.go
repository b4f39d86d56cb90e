package record

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bcsdk/bc"
)

// scrubber replaces secrets and identifiers in everything a recording holds.
// It learns the tenant, company ids and hosts from the traffic it sees, so a
// value seen in one exchange is scrubbed in all of them. Every replacement is
// idempotent: scrubbing scrubbed text changes nothing.
type scrubber struct {
	scrubEnv bool

	mu        sync.Mutex
	secrets   []string
	tenants   map[string]bool   // lower-case real tenant ids and domains
	companies map[string]string // lower-case real company id → fake
	origins   map[string]string // lower-case scheme://host → fake
	literals  []literal         // nil when something was learned since they were listed
	gen       int               // counts what was learned, so stale scrubbing can be detected
}

// literal is a value to replace, lower-cased in ASCII, and its replacement.
type literal struct{ low, repl string }

func newScrubber(secrets, tenants []string, scrubEnv bool) *scrubber {
	sc := &scrubber{scrubEnv: scrubEnv, tenants: map[string]bool{}, companies: map[string]string{}, origins: map[string]string{
		"https://api.businesscentral.dynamics.com": fakeBCOrigin,
		"https://login.microsoftonline.com":        fakeLoginOrigin,
		"https://login.windows.net":                fakeLoginOrigin,
	}}
	for _, s := range secrets {
		if s != "" {
			sc.secrets = append(sc.secrets, s)
		}
	}
	for _, t := range tenants {
		sc.learnTenant(t)
	}
	return sc
}

// fakeCompanyID maps a company id to a stable fake: the same real id gives the
// same fake in every recording, and a fake maps to itself, so a test may use
// either. The hash reveals nothing usable about a random GUID.
func fakeCompanyID(id string) string {
	id = strings.ToLower(id)
	if strings.HasPrefix(id, fakeCompanyPrefix) {
		return id
	}
	sum := sha256.Sum256([]byte("bctest company " + id))
	return fakeCompanyPrefix + hex.EncodeToString(sum[:6])
}

func (sc *scrubber) learnTenant(t string) {
	if t == "" || strings.EqualFold(t, FakeTenantID) || bc.ValidateTenantID(t) != nil {
		return
	}
	if k := strings.ToLower(t); !sc.tenants[k] {
		sc.tenants[k], sc.literals = true, nil
		sc.gen++
	}
}

func (sc *scrubber) learnCompany(id string) {
	k := strings.ToLower(id)
	if _, ok := sc.companies[k]; !ok && !strings.HasPrefix(k, fakeCompanyPrefix) {
		sc.companies[k], sc.literals = fakeCompanyID(k), nil
		sc.gen++
	}
}

func (sc *scrubber) learnOrigin(scheme, host, fake string) {
	origin := strings.ToLower(scheme + "://" + host)
	if old, ok := sc.origins[origin]; ok && (old == fake || old == fakeBCOrigin) {
		return
	}
	sc.origins[origin], sc.literals = fake, nil
	sc.gen++
}

// secretForms are the ways s can be written in a recording: as is, escaped
// in a JSON string (with and without HTML escaping) and escaped in a URL.
func secretForms(s string) []string {
	plain, _ := marshalNoEscape(s)
	html, _ := json.Marshal(s)
	return []string{s, string(plain[1 : len(plain)-1]), string(html[1 : len(html)-1]), url.QueryEscape(s), url.PathEscape(s)}
}

// literalList lists every known secret, tenant, company id and origin with
// its fake, longest first so that a value inside a longer one is not replaced
// on its own.
func (sc *scrubber) literalList() []literal {
	if sc.literals != nil {
		return sc.literals
	}
	replace := map[string]string{}
	for _, s := range sc.secrets {
		for _, v := range secretForms(s) {
			replace[asciiLower(v)] = Redacted
		}
	}
	for t := range sc.tenants {
		replace[t] = FakeTenantID
	}
	for real, fake := range sc.companies {
		replace[real] = fake
	}
	for real, fake := range sc.origins {
		replace[real] = fake
	}
	sc.literals = make([]literal, 0, len(replace))
	for k, v := range replace {
		sc.literals = append(sc.literals, literal{k, v})
	}
	slices.SortFunc(sc.literals, func(a, b literal) int {
		if d := len(b.low) - len(a.low); d != 0 {
			return d
		}
		return strings.Compare(a.low, b.low)
	})
	return sc.literals
}

// asciiLower lower-cases ASCII letters only, so that offsets in the result
// are offsets in s.
func asciiLower(s string) string {
	upper := false
	for i := 0; i < len(s) && !upper; i++ {
		upper = 'A' <= s[i] && s[i] <= 'Z'
	}
	if !upper {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// replaceLiterals replaces the known values in s, ignoring ASCII case; low is
// asciiLower(s). Plain substring search keeps this fast on bodies of many
// megabytes, where a regular expression alternation is not.
func (sc *scrubber) replaceLiterals(s, low string) string {
	type hit struct {
		start, end int
		repl       string
	}
	var hits []hit
	for _, l := range sc.literalList() {
		for off := 0; ; {
			i := strings.Index(low[off:], l.low)
			if i < 0 {
				break
			}
			hits = append(hits, hit{off + i, off + i + len(l.low), l.repl})
			off += i + len(l.low)
		}
	}
	if len(hits) == 0 {
		return s
	}
	// Leftmost first; at the same start the longest, which was found first.
	slices.SortStableFunc(hits, func(a, b hit) int { return a.start - b.start })
	var out strings.Builder
	out.Grow(len(s))
	end := 0
	for _, h := range hits {
		if h.start < end {
			continue
		}
		out.WriteString(s[end:h.start])
		out.WriteString(h.repl)
		end = h.end
	}
	out.WriteString(s[end:])
	return out.String()
}

func (sc *scrubber) generation() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.gen
}

// text scrubs any string: a header value, a URL, a body.
func (sc *scrubber) text(s string) string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.textLocked(s)
}

// textLocked applies the rules in turn. The cheap substring tests in front
// of the case-insensitive patterns, which Go cannot search for quickly, keep
// large bodies fast.
func (sc *scrubber) textLocked(s string) string {
	if strings.Contains(s, "companies") {
		for _, m := range companyRef.FindAllStringSubmatch(s, -1) {
			sc.learnCompany(m[1])
		}
	}
	if strings.Contains(s, "eyJ") {
		s = jwtPattern.ReplaceAllString(s, Redacted)
	}
	low := asciiLower(s)
	s = sc.replaceLiterals(s, low)
	if sc.scrubEnv && strings.Contains(s, fakeBCOrigin) {
		s = envSegment.ReplaceAllStringFunc(s, func(m string) string {
			sub := envSegment.FindStringSubmatch(m)
			if isRouteSegment(sub[2]) {
				return m
			}
			return sub[1] + FakeEnvironment + "/"
		})
	}
	if strings.Contains(low, "correlation") || strings.Contains(low, "trace") {
		s = correlationText.ReplaceAllString(s, "${1}"+zeroCorrelationID)
		s = correlationJSON.ReplaceAllString(s, "${1}"+zeroCorrelationID)
	}
	if strings.Contains(low, "token=") || strings.Contains(low, "secret=") || strings.Contains(low, "code=") || strings.Contains(low, "sig") {
		s = secretParam.ReplaceAllString(s, "${1}"+Redacted)
	}
	return s
}

func isRouteSegment(s string) bool {
	return strings.EqualFold(s, "api") || strings.EqualFold(s, "ODataV4") || strings.EqualFold(s, "WS")
}

// url scrubs a request URL: the host becomes bc.invalid or login.invalid (for
// the token endpoint) over https, and the tenant in BC's and Entra's paths is
// learned before the text is scrubbed.
func (sc *scrubber) url(raw string) string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return sc.textLocked(raw)
	}
	fake := fakeBCOrigin
	if isTokenPath(u.Path) {
		fake = fakeLoginOrigin
	}
	sc.learnOrigin(u.Scheme, u.Host, fake)
	tenant, _ := pathTenantEnv(strings.Split(u.Path, "/"))
	sc.learnTenant(tenant)
	u.Scheme, u.Host, u.User = "https", strings.TrimPrefix(fake, "https://"), nil
	return sc.textLocked(u.String())
}

func isTokenPath(p string) bool {
	return strings.Contains(p, "/oauth2/") && strings.HasSuffix(p, "/token")
}

// pathTenantEnv finds the tenant and environment segments of a BC online path
// (/v2.0/{tenant}/{environment}/api/…, or /v2.0/{environment}/api/…) and of
// an Entra token path (/{tenant}/oauth2/…). It returns their indexes in segs
// as well, -1 when absent.
func pathTenantEnv(segs []string) (tenant string, idx [2]int) {
	idx = [2]int{-1, -1}
	if i := slices.Index(segs, "oauth2"); i > 0 && bc.ValidateTenantID(segs[i-1]) == nil {
		return segs[i-1], [2]int{i - 1, -1}
	}
	i := slices.Index(segs, "v2.0")
	if i < 0 || i+2 >= len(segs) {
		return "", idx
	}
	env := i + 1
	if bc.ValidateTenantID(segs[i+1]) == nil {
		tenant, idx[0], env = segs[i+1], i+1, i+2
	}
	if env+1 < len(segs) && segs[env] != "" && !isRouteSegment(segs[env]) && !strings.ContainsAny(segs[env], ".()") {
		idx[1] = env
	}
	return tenant, idx
}

// body scrubs a request or response body. Token fields and form secrets are
// replaced wherever they occur; a companies response teaches the company ids.
// Bodies that are not UTF-8 text (PDFs, pictures) only lose known secrets and
// JWTs, so that their bytes are otherwise kept.
//
// gen tells what the scrubber knew: a body scrubbed at an earlier generation
// may hold a value learned since and must be scrubbed again.
func (sc *scrubber) body(b []byte, contentType string, companies bool) (out []byte, text bool, gen int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	defer func() { gen = sc.gen }()
	if len(b) == 0 {
		return nil, true, 0
	}
	if !utf8.Valid(b) {
		if bytes.Contains(b, []byte("eyJ")) {
			b = jwtPattern.ReplaceAll(b, []byte(Redacted))
		}
		for _, s := range sc.secrets {
			b = bytes.ReplaceAll(b, []byte(s), []byte(Redacted))
		}
		return b, false, 0
	}
	s := string(b)
	if companies {
		for _, m := range companyIDKey.FindAllStringSubmatch(s, -1) {
			sc.learnCompany(m[1])
		}
	}
	if strings.Contains(contentType, "x-www-form-urlencoded") {
		s = formSecret.ReplaceAllString(s, "${1}${2}"+Redacted)
		s = formClientID.ReplaceAllString(s, "${1}${2}"+FakeClientID)
	}
	if strings.Contains(s, `_token"`) || strings.Contains(s, `client_secret"`) || strings.Contains(s, `client_assertion"`) {
		s = tokenField.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	}
	return []byte(sc.textLocked(s)), true, 0
}

// header keeps the named headers (all when keep is nil) with their values
// scrubbed; credentials and cookies are replaced whole, and correlation and
// request ids are zeroed so that re-recording gives a small diff.
func (sc *scrubber) header(h http.Header, keep map[string]bool) http.Header {
	out := http.Header{}
	for k, vals := range h {
		ck := http.CanonicalHeaderKey(k)
		if keep != nil && !keep[ck] || keep == nil && droppedResponseHeaders[ck] {
			continue
		}
		lk := strings.ToLower(ck)
		for _, v := range vals {
			switch {
			case ck == "Authorization":
				if scheme, _, ok := strings.Cut(v, " "); ok {
					v = scheme + " " + Redacted
				} else {
					v = Redacted
				}
			case ck == "Cookie" || ck == "Set-Cookie":
				v = Redacted
			case strings.Contains(lk, "correlation") || strings.Contains(lk, "request-id"):
				v = guidPattern.ReplaceAllString(sc.text(v), zeroCorrelationID)
			default:
				v = sc.text(v)
			}
			out[ck] = append(out[ck], v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// droppedResponseHeaders are recomputed on replay or only describe the connection.
var droppedResponseHeaders = map[string]bool{
	"Content-Length": true, "Transfer-Encoding": true, "Connection": true, "Keep-Alive": true,
}

// leak reports the first secret or real identifier still present in data, as
// a description that does not repeat it.
func (sc *scrubber) leak(data []byte) string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	lower := bytes.ToLower(data)
	has := func(v string) bool { return v != "" && bytes.Contains(lower, []byte(strings.ToLower(v))) }
	for i, s := range sc.secrets {
		if slices.ContainsFunc(secretForms(s), has) {
			return fmt.Sprintf("redacted value #%d", i+1)
		}
	}
	for t := range sc.tenants {
		if has(t) {
			return "the tenant id"
		}
	}
	for c := range sc.companies {
		if has(c) {
			return "a company id"
		}
	}
	if jwtPattern.Match(data) {
		return "a JWT"
	}
	return ""
}
