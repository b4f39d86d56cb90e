package schema

import (
	"fmt"
	"strings"
)

// Vocabularies of the annotation terms the parser understands, with the alias
// documents commonly give them.
type vocabulary struct{ namespace, alias string }

var (
	vocCore         = vocabulary{"Org.OData.Core.V1", "Core"}
	vocCapabilities = vocabulary{"Org.OData.Capabilities.V1", "Capabilities"}
	vocKeys         = vocabulary{"OData.Community.Keys.V1", "Keys"}
)

func termIs(term string, v vocabulary, name string) bool {
	return term == v.namespace+"."+name || term == v.alias+"."+name
}

// readOnlyAnnotation reports whether a property annotation says clients cannot
// write the property: Core.Computed, or Core.Permissions of Read only.
func readOnlyAnnotation(a xAnnotation) bool {
	switch {
	case termIs(a.Term, vocCore, "Computed"):
		// A Boolean term applied without a value means true.
		return a.Bool == nil || strings.TrimSpace(*a.Bool) == "true"
	case termIs(a.Term, vocCore, "Permissions"):
		m := strings.TrimSpace(a.EnumMember)
		return m == vocCore.namespace+".Permission/Read" || m == vocCore.alias+".Permission/Read"
	}
	return false
}

// description returns the text of a Core.Description among an element's
// annotations, or "".
func description(as []xAnnotation) string {
	for _, a := range as {
		if termIs(a.Term, vocCore, "Description") && a.String != nil {
			return *a.String
		}
	}
	return ""
}

// capabilities maps the restriction terms BC writes on entity sets to the
// record property holding the flag.
var capabilities = map[string]string{
	"InsertRestrictions": "Insertable",
	"UpdateRestrictions": "Updatable",
	"DeleteRestrictions": "Deletable",
	"SortRestrictions":   "Sortable",
	"ChangeTracking":     "Supported",
}

func applyCapability(set *EntitySet, a xAnnotation) error {
	for term, flag := range capabilities {
		if !termIs(a.Term, vocCapabilities, term) || a.Record == nil {
			continue
		}
		for _, pv := range a.Record.Values {
			if pv.Property != flag {
				continue
			}
			v, err := parseBool(pv.Bool, true)
			if err != nil {
				return fmt.Errorf("%s/%s: %w", term, flag, err)
			}
			switch flag {
			case "Insertable":
				set.Insertable = v
			case "Updatable":
				set.Updatable = v
			case "Deletable":
				set.Deletable = v
			case "Sortable":
				set.Sortable = v
			case "Supported":
				set.ChangeTracking = v
			}
		}
	}
	return nil
}

// alternateKeys reads an OData.Community.Keys.V1.AlternateKeys annotation:
// a collection of AlternateKey records, each with a Key collection of
// PropertyRef records naming a property by PropertyPath.
func alternateKeys(t *EntityType, a xAnnotation) ([][]string, error) {
	if a.Collection == nil {
		return nil, fmt.Errorf("AlternateKeys: no Collection")
	}
	var keys [][]string
	for _, rec := range a.Collection.Records {
		var key []string
		for _, pv := range rec.Values {
			if pv.Property != "Key" || pv.Collection == nil {
				continue
			}
			for _, ref := range pv.Collection.Records {
				for _, v := range ref.Values {
					if v.Property != "Name" {
						continue
					}
					if _, ok := t.Property(v.PropertyPath); !ok {
						return nil, fmt.Errorf("AlternateKeys: %q is not a property of the type", v.PropertyPath)
					}
					key = append(key, v.PropertyPath)
				}
			}
		}
		if len(key) == 0 {
			return nil, fmt.Errorf("AlternateKeys: an alternate key without properties")
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// typeRef splits a type reference into its qualified name and collection flag.
// Names qualified by the schema namespace or "Edm" are accepted.
func (p *parser) typeRef(ref string) (string, bool, error) {
	name, coll := ref, false
	if inner, ok := strings.CutPrefix(ref, "Collection("); ok {
		var closed bool
		if name, closed = strings.CutSuffix(inner, ")"); !closed {
			return "", false, fmt.Errorf("invalid Type %q", ref)
		}
		coll = true
	}
	local, ok := strings.CutPrefix(name, "Edm.")
	if !ok {
		local, ok = strings.CutPrefix(name, p.namespace+".")
	}
	if !ok || !validIdentifier(local) {
		return "", false, fmt.Errorf("invalid Type %q", ref)
	}
	return name, coll, nil
}

// typeString validates a type reference and returns it in EDMX form, with
// "Collection(…)" kept.
func (p *parser) typeString(ref string) (string, error) {
	if _, _, err := p.typeRef(ref); err != nil {
		return "", err
	}
	return ref, nil
}

func parseBool(s string, absent bool) (bool, error) {
	switch strings.TrimSpace(s) {
	case "":
		return absent, nil
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean %q", s)
}

// parseCount parses a non-negative decimal integer of at most nine digits.
func parseCount(s string) (int, error) {
	if s == "" || len(s) > 9 {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("invalid number %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}
