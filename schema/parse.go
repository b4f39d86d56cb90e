package schema

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Parse reads an EDMX v4 $metadata document as BC serves it (one Schema, one
// EntityContainer) and returns its model with every type reference resolved.
// Errors name the line and element at fault. Parse never panics, whatever the
// input; elements it does not model (references, functions, other annotations)
// are skipped.
func Parse(r io.Reader) (*Service, error) {
	p := &parser{dec: xml.NewDecoder(r)}
	if err := p.read(); err != nil {
		return nil, err
	}
	return p.build()
}

// parser collects the elements of interest, each with the line it starts on,
// and leaves resolving and validating them to build.
type parser struct {
	dec *xml.Decoder

	namespace   string
	container   string
	source      string
	entityTypes []located[xEntityType]
	complex     []located[xComplexType]
	enums       []located[xEnumType]
	actions     []located[xAction]
	sets        []located[xEntitySet]
	annotations []located[xAnnotations]
	lines       map[string]int // type name → line, for errors found when resolving
}

type located[T any] struct {
	line int
	v    T
}

// ParseError is returned for a document that is well-formed XML but not a
// usable $metadata document.
type ParseError struct {
	Line    int    // 0 when the problem is not tied to one element
	Element string // e.g. `EntityType "customer"`
	Msg     string
}

func (e *ParseError) Error() string {
	switch {
	case e.Line > 0 && e.Element != "":
		return fmt.Sprintf("schema: line %d: %s: %s", e.Line, e.Element, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("schema: line %d: %s", e.Line, e.Msg)
	case e.Element != "":
		return fmt.Sprintf("schema: %s: %s", e.Element, e.Msg)
	}
	return "schema: " + e.Msg
}

func errAt(line int, element, format string, args ...any) error {
	return &ParseError{Line: line, Element: element, Msg: fmt.Sprintf(format, args...)}
}

// read walks the element tree down to Schema and EntityContainer and decodes
// their children of interest whole.
func (p *parser) read() error {
	var stack []string // local names of the open container elements
	sawRoot := false
	for {
		tok, err := p.dec.Token()
		if errors.Is(err, io.EOF) {
			if !sawRoot {
				return errAt(0, "", "not an EDMX document: no edmx:Edmx element")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("schema: %w", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.StartElement:
			line, _ := p.dec.InputPos()
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			push, err := p.start(t, parent, line, sawRoot)
			if err != nil {
				return err
			}
			sawRoot = true
			if push {
				stack = append(stack, t.Name.Local)
			}
		}
	}
}

// start handles one start element under parent and reports whether it is a
// container whose children read must walk.
func (p *parser) start(t xml.StartElement, parent string, line int, sawRoot bool) (bool, error) {
	name := t.Name.Local
	switch parent {
	case "":
		if sawRoot {
			return false, errAt(line, "<"+name+">", "content after the root element")
		}
		if name != "Edmx" {
			return false, errAt(line, "<"+name+">", "not an EDMX document: the root element must be edmx:Edmx")
		}
		if v := attr(t, "Version"); v != "4.0" && v != "4.01" {
			return false, errAt(line, "edmx:Edmx", "unsupported EDMX version %q (want 4.0)", v)
		}
		return true, nil
	case "Edmx":
		return name == "DataServices", p.skipUnless(name == "DataServices")
	case "DataServices":
		if name != "Schema" {
			return false, p.skip()
		}
		ns := attr(t, "Namespace")
		if !validNamespace(ns) {
			return false, errAt(line, "Schema", "invalid Namespace %q", ns)
		}
		if p.namespace != "" && p.namespace != ns {
			return false, errAt(line, "Schema", "a second namespace %q after %q: only one schema namespace is supported", ns, p.namespace)
		}
		p.namespace = ns
		return true, nil
	case "Schema":
		return p.schemaChild(t, line)
	case "EntityContainer":
		if name != "EntitySet" {
			return false, p.skip()
		}
		return false, decode(p, t, line, &p.sets)
	}
	return false, p.skip()
}

func (p *parser) schemaChild(t xml.StartElement, line int) (bool, error) {
	switch t.Name.Local {
	case "EntityType":
		return false, decode(p, t, line, &p.entityTypes)
	case "ComplexType":
		return false, decode(p, t, line, &p.complex)
	case "EnumType":
		return false, decode(p, t, line, &p.enums)
	case "Action":
		return false, decode(p, t, line, &p.actions)
	case "Annotations":
		return false, decode(p, t, line, &p.annotations)
	case "Annotation":
		var a xAnnotation
		if err := p.dec.DecodeElement(&a, &t); err != nil {
			return false, fmt.Errorf("schema: line %d: Annotation: %w", line, err)
		}
		if termIs(a.Term, vocCore, "Description") && a.String != nil {
			p.source = *a.String
		}
		return false, nil
	case "EntityContainer":
		if p.container != "" {
			return false, errAt(line, "EntityContainer", "a second entity container: only one is supported")
		}
		p.container = attr(t, "Name")
		if !validIdentifier(p.container) {
			return false, errAt(line, "EntityContainer", "invalid Name %q", p.container)
		}
		return true, nil
	}
	return false, p.skip()
}

func (p *parser) skipUnless(keep bool) error {
	if keep {
		return nil
	}
	return p.skip()
}

// skip consumes the element just started, which the model does not need.
func (p *parser) skip() error {
	if err := p.dec.Skip(); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	return nil
}

// decode reads the element that t starts into a new entry of list.
func decode[T any](p *parser, t xml.StartElement, line int, list *[]located[T]) error {
	var v T
	if err := p.dec.DecodeElement(&v, &t); err != nil {
		return fmt.Errorf("schema: line %d: %s %q: %w", line, t.Name.Local, attr(t, "Name"), err)
	}
	*list = append(*list, located[T]{line: line, v: v})
	return nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}
