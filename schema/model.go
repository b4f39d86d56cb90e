// Package schema models a Business Central OData $metadata document (EDMX v4):
// entity sets with their capabilities, entity types with keys, properties,
// navigation and bound actions, enums and complex types.
//
// It is the one description of an API that the generator (internal/gen), the
// generated registry (entities.Schema), the fake BC server and the sync command
// share, so none of them hard-codes lists of sets or fields. Parse reads a
// document, WriteEDMX renders one, and Parse(WriteEDMX(s)) equals s.
package schema

import "strings"

// Service is the model of one $metadata document. EntitySets, EntityTypes,
// EnumTypes and ComplexTypes are sorted by Name; lookups rely on that for speed
// and fall back to a scan when a hand-built Service is not sorted.
type Service struct {
	Namespace    string // schema namespace, "Microsoft.NAV" for BC
	Container    string // entity container name, "NAV" for BC
	Source       string // free text recorded by the generator; written as the schema's Core.Description
	EntitySets   []EntitySet
	EntityTypes  []EntityType
	EnumTypes    []EnumType
	ComplexTypes []ComplexType
}

// EntitySet is one addressable collection, e.g. generalLedgerEntries.
// The capability flags come from the Org.OData.Capabilities.V1 annotations BC
// puts on every set; an absent annotation means the operation is allowed.
type EntitySet struct {
	Name           string
	EntityType     string // unqualified, e.g. "generalLedgerEntry"
	Insertable     bool   // InsertRestrictions/Insertable
	Updatable      bool   // UpdateRestrictions/Updatable
	Deletable      bool   // DeleteRestrictions/Deletable
	Sortable       bool   // SortRestrictions/Sortable
	ChangeTracking bool   // ChangeTracking/Supported; BC turned it off everywhere in v24, absent means false
}

// EntityType is the shape of the entities in one or more sets.
type EntityType struct {
	Name          string
	Key           []string   // key property names in key order
	AlternateKeys [][]string // OData.Community.Keys.V1.AlternateKeys, e.g. company's name
	Properties    []Property // in document order, which is BC's field order
	Navigation    []NavigationProperty
	Actions       []Action // bound actions whose binding parameter is this type, sorted by name
	Description   string   // Core.Description; generated code carries it in the type's doc comment
}

// Kind says what a property's Type names. Parse resolves it so that callers can
// tell an enum from a complex type without a lookup.
type Kind uint8

// The kinds of property types.
const (
	Primitive Kind = iota // an Edm.* type
	Enum                  // an EnumType of the schema
	Complex               // a ComplexType of the schema
)

// Property is a structural property of an entity or complex type.
type Property struct {
	Name       string
	Type       string // as in the EDMX without "Collection(": "Edm.Guid", "Microsoft.NAV.customerBlocked"
	Kind       Kind
	Collection bool
	Nullable   bool   // EDM default true; BC writes Nullable="false" on keys and required fields
	MaxLength  int    // 0 when unbounded ("max" or absent)
	Precision  int    // 0 when absent
	Scale      string // "Variable" on every BC decimal; "" when absent
	Key        bool   // part of the entity type's key
	ReadOnly   bool   // BC computes it: Core.Computed/Permissions in the document, or the generator's overrides
	// Description is the Core.Description annotation; generated code
	// carries it in the field's doc comment.
	Description string
}

// NavigationProperty links an entity type to another.
type NavigationProperty struct {
	Name           string
	Type           string // unqualified target entity type
	Collection     bool
	ContainsTarget bool
	Partner        string
	Constraints    []ReferentialConstraint
}

// ReferentialConstraint says which property of the source matches which property
// of the target, e.g. salesInvoice.id = salesInvoiceLine.documentId.
type ReferentialConstraint struct {
	Property           string
	ReferencedProperty string
}

// Action is a bound action, invoked as POST {entity}/Microsoft.NAV.{Name}.
type Action struct {
	Name       string
	Parameters []Parameter // excluding the binding parameter
	ReturnType string      // "" when the action returns nothing (every BC v2.0 action)
}

// Parameter is a non-binding action parameter.
type Parameter struct {
	Name     string
	Type     string // qualified, possibly "Collection(…)"
	Nullable bool
}

// EnumType is an AL enum or option as BC exposes it.
type EnumType struct {
	Name        string
	Members     []EnumMember // in document order
	Flags       bool
	Description string // Core.Description; generated code carries it in the type's doc comment
}

// EnumMember is one value of an enum. Name is the XML-encoded wire value
// ("Credit_x0020_Memo"); Label decodes it for display.
type EnumMember struct {
	Name  string
	Value int64
}

// ComplexType is a structured value without identity.
type ComplexType struct {
	Name       string
	Properties []Property
}

// IsEnum reports whether the property's type is an enum of the schema.
func (p Property) IsEnum() bool { return p.Kind == Enum }

// IsComplex reports whether the property's type is a complex type of the schema.
func (p Property) IsComplex() bool { return p.Kind == Complex }

// IsStream reports whether the property is media (Edm.Stream): not inline in
// JSON but linked through <name>@odata.mediaReadLink.
func (p Property) IsStream() bool { return p.Type == "Edm.Stream" }

// TypeName is the property's type without its namespace: "Guid",
// "customerBlocked".
func (p Property) TypeName() string { return unqualified(p.Type) }

// EnumName is the unqualified enum type name, or "" if the property is not an enum.
func (p Property) EnumName() string {
	if p.Kind != Enum {
		return ""
	}
	return unqualified(p.Type)
}

func unqualified(t string) string {
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}
