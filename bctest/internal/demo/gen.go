package demo

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// demoGen fills one company with demo rows. Every value comes from the seed
// and the company's index: each set, and each planning step, draws from its
// own random source, and nothing reads the clock.
type demoGen struct {
	co   Company
	cfg  Config
	p    *demoProfile
	salt uint64 // per company and seed
	node uint64 // last 48 bits of every GUID of the company, like a BC server's
	// versions of the rows inserted so far; rows get the company's own range
	// so companies can be filled in parallel and still get the same ETags.
	version int64

	start, today time.Time // the activity period; today is its last day
	dates        map[int64]string

	sets map[string]*demoSet

	m demoMaster // master data the documents refer to
}

// demoSet writes rows of one set.
type demoSet struct {
	g     *demoGen
	t     *table.Table
	empty []string
	rng   *rand.Rand
	n     int      // rows written
	arena []string // room for the next rows' values, to allocate rows in batches
	next  int      // the column put is likely to set next: rows are mostly written in column order
}

// demoRec is a row being built.
type demoRec struct {
	s    *demoSet
	vals []string
}

func newDemoGen(co Company, cfg Config, p *demoProfile, idx int) *demoGen {
	salt := mix64(cfg.Seed*0x9e3779b97f4a7c15 + uint64(idx)*0xbf58476d1ce4e5b9 + 0x94d049bb133111eb)
	g := &demoGen{
		co: co, cfg: cfg, p: p, salt: salt,
		node:    mix64(salt^0x5851f42d4c957f2d) & 0xffffffffffff,
		version: 2_000_000 + int64(idx)*10_000_000,
		start:   cfg.StartDate,
		today:   cfg.StartDate.AddDate(0, cfg.Months, -1),
		dates:   map[int64]string{},
		sets:    map[string]*demoSet{},
	}
	return g
}

// set returns the writer of a standard set; each set has its own random
// source seeded from the company and the set's name.
func (g *demoGen) set(name string) *demoSet {
	if s, ok := g.sets[name]; ok {
		return s
	}
	t, err := g.co.Table(name)
	if err != nil {
		panic(err) // the demo names only sets of the registry
	}
	s := &demoSet{g: g, t: t, empty: make([]string, len(t.Cols)),
		rng: rand.New(rand.NewPCG(g.salt, strHash(name)))}
	for i, c := range t.Cols {
		s.empty[i] = c.EmptyValue()
	}
	g.sets[name] = s
	return s
}

// rng is a random source for something other than one set's rows.
func (g *demoGen) rng(purpose string) *rand.Rand {
	return rand.New(rand.NewPCG(g.salt^0x2545f4914f6cdd1d, strHash(purpose)))
}

// row starts a row with BC's empty values and a deterministic id.
func (s *demoSet) row() demoRec {
	nc := len(s.empty)
	if len(s.arena) < nc {
		s.arena = make([]string, nc*min(4+s.n, 256)) // small sets stay small
	}
	vals := s.arena[:nc:nc]
	s.arena = s.arena[nc:]
	copy(vals, s.empty)
	r := demoRec{s: s, vals: vals}
	if k := s.t.Key; k >= 0 && s.t.Cols[k].Name == "id" && s.t.Parent < 0 {
		r.vals[k] = s.g.id(s.t.Set.Name, s.n)
	}
	return r
}

// put sets a property that the set must have.
func (r demoRec) put(name, v string) demoRec {
	i, ok := r.s.col(name)
	if !ok {
		panic("bctest: demo: " + r.s.t.Set.Name + " has no property " + name)
	}
	r.vals[i] = v
	return r
}

// opt sets a property if the set has it (document sets differ slightly).
func (r demoRec) opt(name, v string) demoRec {
	if i, ok := r.s.col(name); ok {
		r.vals[i] = v
	}
	return r
}

// col finds a column, trying the one after the last first.
func (s *demoSet) col(name string) (int, bool) {
	if cols := s.t.Cols; s.next < len(cols) && cols[s.next].Name == name {
		s.next++
		return s.next - 1, true
	}
	i, ok := s.t.ColIdx[name]
	s.next = i + 1
	return i, ok
}

// add stores the row and returns its values.
func (r demoRec) add() []string {
	s := r.s
	s.g.version++
	if _, err := s.t.Insert(r.vals, s.g.version); err != nil {
		panic("bctest: demo: " + s.t.Set.Name + ": " + err.Error())
	}
	s.n++
	return r.vals
}

// id is the GUID of row i of a set. The first 64 bits are a hash, the rest
// names the set and the company, as BC's sequential SystemIds share a tail.
func (g *demoGen) id(set string, i int) string {
	h := strHash(set)
	return formatGUID(mix64(g.salt^h^uint64(i+1)*0xd6e8feb86659fd93), uint16(h>>48)|0x8000, g.node)
}

// formatGUID writes hi as the first three groups, then the 16-bit group and
// the 48-bit node, lowercase as BC sends them.
func formatGUID(hi uint64, g4 uint16, node uint64) string {
	var b [36]byte
	appendGUID(b[:0], hi, g4, node)
	return string(b[:])
}

func appendGUID(b []byte, hi uint64, g4 uint16, node uint64) []byte {
	b = appendHex(b, hi>>32, 8)
	b = append(b, '-')
	b = appendHex(b, hi>>16&0xffff, 4)
	b = append(b, '-')
	b = appendHex(b, hi&0xffff, 4)
	b = append(b, '-')
	b = appendHex(b, uint64(g4), 4)
	b = append(b, '-')
	return appendHex(b, node, 12)
}

func appendHex(b []byte, v uint64, digits int) []byte {
	const hexDigits = "0123456789abcdef"
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hexDigits[v>>(4*uint(i))&0xf])
	}
	return b
}

// parseHex reads hex digits (either case) into a number.
func parseHex(s string) (uint64, bool) {
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(c)
	}
	return v, true
}

// mix64 is SplitMix64's finaliser: a fast, well-spread hash of a number.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// strHash is FNV-1a, spread by mix64.
func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix64(h)
}

// date renders a day as an Edm.Date, cached because documents repeat dates.
func (g *demoGen) date(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01"
	}
	k := t.Unix() / 86400
	if s, ok := g.dates[k]; ok {
		return s
	}
	s := t.Format(time.DateOnly)
	g.dates[k] = s
	return s
}

// stamp renders a moment as BC does (UTC, 0–3 fraction digits).
func stamp(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return table.FormatDateTime(t)
}

// modified is a lastModifiedDateTime on day d: during working hours, with
// milliseconds, rounded now and then so that every number of fraction digits
// occurs.
func (g *demoGen) modified(rng *rand.Rand, d time.Time) string {
	ms := int64(7*3600_000 + rng.IntN(11*3600_000))
	switch rng.IntN(8) {
	case 0:
		ms -= ms % 1000
	case 1:
		ms -= ms % 100
	case 2, 3:
		ms -= ms % 10
	}
	var b [32]byte
	return string(appendClock(append(b[:0], g.date(d)...), ms))
}

// appendClock writes the time of day of a datetime as BC does, after its
// date: "T15:37:35.593Z", with trailing zeros of the fraction dropped.
func appendClock(w []byte, ms int64) []byte {
	w = append(w, 'T')
	w = append2(w, ms/3600_000)
	w = append(w, ':')
	w = append2(w, ms/60_000%60)
	w = append(w, ':')
	w = append2(w, ms/1000%60)
	if frac := ms % 1000; frac != 0 {
		w = append(w, '.', byte('0'+frac/100))
		if frac%100 != 0 {
			w = append(w, byte('0'+frac/10%10))
			if frac%10 != 0 {
				w = append(w, byte('0'+frac%10))
			}
		}
	}
	return append(w, 'Z')
}

func append2(w []byte, v int64) []byte { return append(w, byte('0'+v/10), byte('0'+v%10)) }

// weekday moves a date forward to a weekday.
func weekday(t time.Time) time.Time {
	switch t.Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, 2)
	case time.Sunday:
		return t.AddDate(0, 0, 1)
	}
	return t
}

// money renders an amount in cents as BC sends decimals: no trailing zeros
// ("336", "77.28", "12.5"), except that some whole amounts keep their scale
// ("1000.00"), as BC sends amounts it stored with two decimals.
func money(cents int64) string {
	if cents == 0 {
		return "0"
	}
	var b [24]byte
	return string(appendMoney(b[:0], cents))
}

func appendMoney(b []byte, cents int64) []byte {
	if cents == 0 {
		return append(b, '0')
	}
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	units, frac := cents/100, cents%100
	b = strconv.AppendInt(b, units, 10)
	switch {
	case frac == 0 && units%4 == 0:
		return append(b, ".00"...)
	case frac == 0:
		return b
	case frac%10 == 0:
		return append(b, '.', byte('0'+frac/10))
	}
	return append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
}

// hundredths renders a quantity or percentage kept in hundredths: 1600 → "16",
// 150 → "1.5", 825 → "8.25".
func hundredths(v int64) string {
	if v%100 == 0 {
		return strconv.FormatInt(v/100, 10)
	}
	return money(v)
}

// pct applies a rate in hundredths of a percent to an amount in cents,
// rounding half away from zero as BC does.
func pct(cents, basisPoints int64) int64 {
	v := cents * basisPoints
	if v >= 0 {
		return (v + 5000) / 10000
	}
	return -((-v + 5000) / 10000)
}

// grouped renders cents with thousands separators and two decimals, the way
// BC formats the text amounts of trialBalances ("12,345.67").
func grouped(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	s := strconv.FormatInt(cents/100, 10)
	var b []byte
	if neg {
		b = append(b, '-')
	}
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	frac := cents % 100
	return string(append(b, '.', byte('0'+frac/10), byte('0'+frac%10)))
}

// pick returns a random element.
func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// chance is true with probability p.
func chance(rng *rand.Rand, p float64) bool { return rng.Float64() < p }

// seqNo renders prefix followed by n, e.g. "PS-INV103001".
func seqNo(prefix string, n int) string { return prefix + strconv.Itoa(n) }

// runes cuts s to at most n characters.
func runes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return table.TruncateRunes(s, n)
}
