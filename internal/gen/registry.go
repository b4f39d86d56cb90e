package gen

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/schema"
)

// renderRegistry writes Schema, the whole model as a Go literal, and the
// functions derived from it: SetNames and NewModel.
func renderRegistry(p *decisions) ([]byte, error) {
	f := newFile()
	f.imports[schemaImport] = true
	f.comment("", "Schema is the model of the $metadata document this package was generated from: entity sets with their capabilities, entity types with keys, properties (EDM types, read-only flags), navigation and bound actions, enums and complex types. The fake BC server, the sync and tools read it instead of hard-coding lists. Treat it as read-only; Clone it to change it.")
	f.printf("var Schema = %s\n\n", literal(reflect.ValueOf(p.svc), ""))

	f.printf("// SetNames returns the names of all entity sets, sorted.\nfunc SetNames() []string {\n\treturn []string{")
	for _, set := range p.svc.EntitySets {
		f.printf("\n\t\t%q,", set.Name)
	}
	f.printf("\n\t}\n}\n\n")

	example := ""
	if len(p.svc.EntitySets) > 0 {
		first := p.svc.EntitySets[0]
		example = fmt.Sprintf(", such as *%s for %q", p.types[first.EntityType], first.Name)
	}
	f.comment("", "NewModel returns a pointer to a new zero model of the named entity set"+example+", so that generic code can decode any set's rows into their types. It reports false for an unknown set.")
	f.printf("func NewModel(entitySet string) (any, bool) {\n\tswitch entitySet {\n")
	for _, set := range p.svc.EntitySets {
		f.printf("\tcase %q:\n\t\treturn new(%s), true\n", set.Name, p.types[set.EntityType])
	}
	f.printf("\t}\n\treturn nil, false\n}\n")
	return f.render(p.cfg)
}

// kindNames spells schema.Kind values as their constants.
var kindNames = map[schema.Kind]string{schema.Primitive: "schema.Primitive", schema.Enum: "schema.Enum", schema.Complex: "schema.Complex"}

// compactWidth is the longest composite literal kept on one line unless it
// is a flat struct (scalar fields only: a set, a property, a member), which
// always is, so that the registry reads as a table.
const compactWidth = 200

// literal renders v, a value built from the schema package's types, as Go
// source. Zero fields are left out, so the literal reads like hand-written
// code and follows new fields of the schema types without changes here.
func literal(v reflect.Value, indent string) string {
	switch v.Kind() {
	case reflect.Pointer:
		return "&" + literal(v.Elem(), indent)
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint8:
		if name, ok := kindNames[schema.Kind(v.Uint())]; ok && v.Type() == reflect.TypeFor[schema.Kind]() {
			return name
		}
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Slice:
		var elems []string
		for i := range v.Len() {
			elems = append(elems, elemLiteral(v.Index(i), indent+"\t"))
		}
		// A list of several records reads best as a table, one per line.
		if v.Type().Elem().Kind() == reflect.Struct && len(elems) > 1 {
			return typeName(v.Type()) + expanded(elems, indent)
		}
		return typeName(v.Type()) + composite(elems, indent, false)
	case reflect.Struct:
		var fields []string
		flat := true
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() || v.Field(i).IsZero() {
				continue
			}
			k := v.Field(i).Kind()
			flat = flat && k != reflect.Slice && k != reflect.Struct && k != reflect.Pointer
			fields = append(fields, v.Type().Field(i).Name+": "+literal(v.Field(i), indent+"\t"))
		}
		return typeName(v.Type()) + composite(fields, indent, flat)
	}
	panic(fmt.Sprintf("gen: no literal for %s", v.Type())) // a new field type in package schema; extend literal
}

// elemLiteral renders a slice element, eliding its type as Go allows.
func elemLiteral(v reflect.Value, indent string) string {
	s := literal(v, indent)
	if k := v.Kind(); k == reflect.Struct || k == reflect.Slice {
		s = strings.TrimPrefix(s, typeName(v.Type()))
	}
	return s
}

func composite(parts []string, indent string, flat bool) string {
	compact := "{" + strings.Join(parts, ", ") + "}"
	if flat || len(compact) <= compactWidth && !strings.Contains(compact, "\n") {
		return compact
	}
	return expanded(parts, indent)
}

func expanded(parts []string, indent string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for _, part := range parts {
		b.WriteString(indent + "\t" + part + ",\n")
	}
	b.WriteString(indent + "}")
	return b.String()
}

// typeName spells a schema type as the generated package sees it.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + typeName(t.Elem())
	case reflect.Pointer:
		return "*" + typeName(t.Elem())
	}
	if t.PkgPath() == schemaImport {
		return "schema." + t.Name()
	}
	return t.Name()
}
