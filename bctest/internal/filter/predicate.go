package filter

import "strings"

// stringTest parses contains/startswith/endswith(field, 'text').
func (p *parser) stringTest(name string, test stringTest) (matcher, scope, *Error) {
	if err := p.enter(); err != nil {
		return nil, scope{}, err
	}
	p.advance()
	p.advance()
	arg, err := p.operand(true)
	if err != nil {
		return nil, scope{}, err
	}
	if !arg.isField || p.tok.kind != tComma {
		return nil, scope{}, errSyntax()
	}
	p.advance()
	lit := p.tok
	switch {
	case lit.kind == tString:
	case isLiteral(lit):
		return nil, scope{}, errSignature(name)
	default:
		return nil, scope{}, errSyntax()
	}
	p.advance()
	if err := p.expect(tRParen); err != nil {
		return nil, scope{}, err
	}
	p.depth--
	if arg.field.Kind != String {
		return nil, scope{}, errSignature(name)
	}
	if err := p.counted(); err != nil {
		return nil, scope{}, err
	}
	return &textTest{index: arg.field.Index, test: test, fold: arg.fold, arg: lit.text},
		scope{field: arg.field.Name}, nil
}

// operand is one side of a comparison: a field, possibly case-folded by
// tolower/toupper, or a literal token.
type operand struct {
	isField bool
	field   Field
	fold    fold
	lit     token
}

func isLiteral(t token) bool {
	switch t.kind {
	case tString, tBare, tTyped:
		return true
	case tIdent:
		return t.text == "true" || t.text == "false" || t.text == "null"
	}
	return false
}

// operand parses a literal, a field or tolower/toupper(operand). inCall
// tells whether it is the argument of a function call: nesting calls needs
// $schemaversion=2.1.
func (p *parser) operand(inCall bool) (operand, *Error) {
	t := p.tok
	if isLiteral(t) {
		p.advance()
		return operand{lit: t}, nil
	}
	if t.kind != tIdent || reserved[t.text] {
		return operand{}, errSyntax()
	}
	if p.peek() == tLParen {
		return p.caseFold(inCall)
	}
	if strings.IndexByte(t.text, '/') >= 0 {
		return operand{}, errNoProperty(t.text, p.opts.EntityType)
	}
	if strings.IndexByte(t.text, '.') >= 0 {
		return operand{}, errSyntax()
	}
	f, ok := p.resolve(t.text)
	if !ok {
		return operand{}, errNoProperty(t.text, p.opts.EntityType)
	}
	if f.Name == "" {
		f.Name = t.text
	}
	p.addField(f.Name)
	p.advance()
	return operand{isField: true, field: f}, nil
}

// caseFold parses tolower(x) or toupper(x); any other function here is a
// syntax error, as BC has no filter approximation for it.
func (p *parser) caseFold(inCall bool) (operand, *Error) {
	name := p.tok.text
	var f fold
	switch {
	case name == "tolower":
		f = lowerFold
	case name == "toupper":
		f = upperFold
	default:
		return operand{}, errSyntax()
	}
	if inCall && !p.v21 {
		return operand{}, errSyntax()
	}
	if err := p.enter(); err != nil {
		return operand{}, err
	}
	p.advance()
	p.advance()
	arg, err := p.operand(true)
	if err != nil {
		return operand{}, err
	}
	if !arg.isField {
		return operand{}, errSyntax()
	}
	if err := p.expect(tRParen); err != nil {
		return operand{}, err
	}
	p.depth--
	if arg.field.Kind != String {
		return operand{}, errSignature(name)
	}
	arg.fold = f
	return arg, nil
}

func (p *parser) addField(name string) {
	for _, f := range p.f.fields {
		if f == name {
			return
		}
	}
	p.f.fields = append(p.f.fields, name)
}

// reserved are OData's operator keywords; BC supports only some of them,
// and none can name a field.
var reserved = map[string]bool{
	"and": true, "or": true, "not": true, "eq": true, "ne": true, "gt": true, "ge": true, "lt": true,
	"le": true, "has": true, "in": true, "add": true, "sub": true, "mul": true, "div": true, "divby": true,
	"mod": true,
}

var operators = map[string]op{"eq": eq, "ne": ne, "gt": gt, "ge": ge, "lt": lt, "le": le}

// comparison parses `operand op operand` (one side a field, the other a
// literal), `operand in (…)` or a lone Boolean field.
func (p *parser) comparison() (matcher, scope, *Error) {
	left, err := p.operand(false)
	if err != nil {
		return nil, scope{}, err
	}
	if err := p.counted(); err != nil {
		return nil, scope{}, err
	}
	if p.keyword("in") && left.isField {
		return p.in(left)
	}
	o, isOp := operators[p.tok.text]
	if p.tok.kind != tIdent || !isOp {
		// A Boolean field alone is a predicate: $filter=taxable.
		if left.isField && left.field.Kind == Bool && left.fold == noFold && endsPredicate(p.tok) {
			return p.compareTo(left.field, noFold, eq, token{kind: tIdent, text: "true"})
		}
		return nil, scope{}, errSyntax()
	}
	p.advance()
	right, err := p.operand(false)
	switch {
	case err != nil:
		return nil, scope{}, err
	case left.isField == right.isField: // field op field, or literal op literal
		return nil, scope{}, errSyntax()
	case right.isField:
		left, right, o = right, left, o.flip()
	}
	return p.compareTo(left.field, left.fold, o, right.lit)
}

func endsPredicate(t token) bool {
	return t.kind == tEOF || t.kind == tRParen || t.kind == tIdent && (t.text == "and" || t.text == "or")
}

// compareTo builds `field op literal`, converting the literal to the
// field's kind once, here, so that matching rows needs no conversion.
func (p *parser) compareTo(f Field, fl fold, o op, lit token) (matcher, scope, *Error) {
	v, wire, null, err := p.literal(lit, f)
	if err != nil {
		return nil, scope{}, err
	}
	sc := scope{field: f.Name}
	if null {
		// BC values are never null: eq null holds for no row, ne null for all.
		return constant(o == ne), sc, nil
	}
	c := &compare{field: f, op: o, fold: fl, lit: v, wire: wire}
	// Equality with a string or an enum member needs no parsing of the row
	// (rows hold members by their exact wire name).
	c.exact = fl == noFold && (o == eq && (f.Kind == String || f.Kind == Enum) || o == ne && f.Kind == String)
	if f.Kind == Int || f.Kind == Decimal {
		c.litFixed, c.fixed = parseFixed(wire)
	}
	return c, sc, nil
}

// in parses field in (v1, v2, …), which BC only accepts with
// $schemaversion=2.1.
func (p *parser) in(left operand) (matcher, scope, *Error) {
	if !p.v21 {
		return nil, scope{}, errSyntax()
	}
	p.advance()
	if err := p.expect(tLParen); err != nil {
		return nil, scope{}, err
	}
	m := &oneOf{field: left.field, fold: left.fold}
	for {
		if !isLiteral(p.tok) {
			return nil, scope{}, errSyntax()
		}
		v, _, null, err := p.literal(p.tok, left.field)
		if err != nil {
			return nil, scope{}, err
		}
		if !null {
			m.lits = append(m.lits, v)
		}
		p.advance()
		if p.tok.kind != tComma {
			break
		}
		p.advance()
	}
	if err := p.expect(tRParen); err != nil {
		return nil, scope{}, err
	}
	return m, scope{field: left.field.Name}, nil
}
