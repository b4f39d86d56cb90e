package filter

import "strings"

// BC documents no limits; these keep a hostile filter from costing the fake
// server more than a real one would accept.
const (
	maxComparisons = 100 // comparisons, string functions, `in` lists and lambdas
	maxDepth       = 32  // nested parentheses and function calls
)

// schemaVersionIn is the $schemaversion under which BC parses `in` and
// nested function calls.
const schemaVersionIn = "2.1"

// Parse parses and type-checks the $filter s (already URL-decoded) against
// the fields resolve knows. An empty filter matches every row. Errors are
// *Error, shaped like the refusal BC would send: or across fields, syntax BC
// does not support (including `in` and nested calls unless
// opts.SchemaVersion is "2.1"), unknown properties, literals that do not
// convert to their field's kind, and filters past maxComparisons or
// maxDepth.
func Parse(s string, resolve Resolver, opts Options) (*Filter, error) {
	p := &parser{
		lex:     lexer{s: s},
		resolve: resolve,
		opts:    opts,
		v21:     opts.SchemaVersion == schemaVersionIn,
		f:       &Filter{},
	}
	p.advance()
	if p.tok.kind == tEOF {
		p.f.root = constant(true)
		return p.f, nil
	}
	m, _, err := p.or()
	if err == nil && p.tok.kind != tEOF {
		err = errSyntax()
	}
	if err != nil {
		return nil, err
	}
	p.f.root = m
	p.f.conj = conjuncts(m, nil)
	return p.f, nil
}

type parser struct {
	lex     lexer
	tok     token
	resolve Resolver
	opts    Options
	v21     bool
	depth   int
	count   int
	f       *Filter
}

// scope summarizes which fields an expression refers to, for BC's rule that
// `or` may only join comparisons of one field.
type scope struct {
	field string // the one field referred to, "" if none
	multi bool   // more than one field
}

func (a scope) join(b scope) scope {
	switch {
	case a.multi || b.multi || a.field != "" && b.field != "" && a.field != b.field:
		return scope{multi: true}
	case a.field == "":
		return b
	}
	return a
}

func (p *parser) advance() { p.tok = p.lex.next() }

// peek returns the kind of the token after the current one.
func (p *parser) peek() tokKind {
	pos := p.lex.pos
	t := p.lex.next()
	p.lex.pos = pos
	return t.kind
}

func (p *parser) keyword(k string) bool { return p.tok.kind == tIdent && p.tok.text == k }

func (p *parser) expect(k tokKind) *Error {
	if p.tok.kind != k {
		return errSyntax()
	}
	p.advance()
	return nil
}

func (p *parser) enter() *Error {
	if p.depth++; p.depth > maxDepth {
		return errTooComplex()
	}
	return nil
}

func (p *parser) counted() *Error {
	if p.count++; p.count > maxComparisons {
		return errTooComplex()
	}
	return nil
}

// or parses and-expressions joined by `or`, which binds loosest.
func (p *parser) or() (matcher, scope, *Error) {
	m, sc, err := p.and()
	if err != nil || !p.keyword("or") {
		return m, sc, err
	}
	alts := anyOf{m}
	for p.keyword("or") {
		p.advance()
		m, s, err := p.and()
		if err != nil {
			return nil, sc, err
		}
		alts, sc = append(alts, m), sc.join(s)
	}
	if sc.multi {
		return nil, sc, errOr()
	}
	return alts, sc, nil
}

func (p *parser) and() (matcher, scope, *Error) {
	m, sc, err := p.primary()
	if err != nil || !p.keyword("and") {
		return m, sc, err
	}
	all := allOf(nil).with(m)
	for p.keyword("and") {
		p.advance()
		m, s, err := p.primary()
		if err != nil {
			return nil, sc, err
		}
		all, sc = all.with(m), sc.join(s)
	}
	return all, sc, nil
}

// primary parses a parenthesized expression, a lambda, a string function
// or a comparison.
func (p *parser) primary() (matcher, scope, *Error) {
	if p.tok.kind == tLParen {
		if err := p.enter(); err != nil {
			return nil, scope{}, err
		}
		p.advance()
		m, sc, err := p.or()
		if err == nil {
			err = p.expect(tRParen)
		}
		p.depth--
		return m, sc, err
	}
	if p.tok.kind == tIdent && p.peek() == tLParen {
		name := p.tok.text
		if isLambda(name) {
			return p.lambda()
		}
		if test, ok := stringTests[name]; ok {
			return p.stringTest(name, test)
		}
	}
	return p.comparison()
}

// isLambda reports whether name is nav/any or nav/all.
func isLambda(name string) bool {
	i := strings.LastIndexByte(name, '/')
	return i > 0 && (name[i+1:] == "any" || name[i+1:] == "all")
}

// lambda skips nav/any(…) or nav/all(…). BC silently ignores lambda
// operators and returns unfiltered rows, so the lambda is true.
func (p *parser) lambda() (matcher, scope, *Error) {
	p.advance() // now at '('
	if !p.lex.skipGroup() {
		return nil, scope{}, errSyntax()
	}
	p.advance()
	p.f.lambda = true
	if err := p.counted(); err != nil {
		return nil, scope{}, err
	}
	return constant(true), scope{}, nil
}
