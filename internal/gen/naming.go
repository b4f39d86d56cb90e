package gen

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bcsdk/bc/schema"
)

// initialisms are the words written in capitals in Go names, following Go
// style for those that occur in BC's names: customerId, notificationUrl,
// G/L (general ledger) in glAccountType and pdfDocument.
var initialisms = map[string]string{"Id": "ID", "Url": "URL", "Gl": "GL", "Pdf": "PDF"}

// exportedName turns an EDM name into an exported Go identifier: camelCase
// becomes PascalCase (generalLedgerEntry → GeneralLedgerEntry), characters
// that cannot appear in identifiers are dropped (dateFilter_FilterOnly →
// DateFilterFilterOnly) and a whole word Id or Url is capitalised
// (customerId → CustomerID, id → ID), as is Gl (glAccountType →
// GLAccountType).
//
// BC's XML escapes are decoded first, so ShortcutDimCode_x005B_7_x005D_
// (ShortcutDimCode[7]) becomes ShortcutDimCode7, not ShortcutDimCodeX005B7X005D.
func exportedName(edm string) string {
	var b strings.Builder
	for _, w := range words(schema.Label(edm)) {
		w = upperFirst(w)
		if up, ok := initialisms[w]; ok {
			w = up
		}
		b.WriteString(w)
	}
	return identifier(b.String())
}

// constName is the Go constant for an enum member: the enum's Go name plus
// the PascalCase words of the member's label, so Credit_x0020_Memo of
// GenJournalDocumentType is GenJournalDocumentTypeCreditMemo. The blank member
// (_x0020_), whose label is empty, becomes …Blank.
func constName(typeName, wire string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(schema.Label(wire), notIdentRune) {
		b.WriteString(upperFirst(w))
	}
	if b.Len() == 0 {
		return typeName + "Blank"
	}
	return typeName + b.String()
}

// words splits a name at characters that are not letters or digits and
// before an upper-case letter that follows a lower-case letter or digit:
// shortcutDimension1Code → shortcut, Dimension1, Code.
func words(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, notIdentRune) {
		start := 0
		prev := rune(0)
		for i, r := range part {
			if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
				out = append(out, part[start:i])
				start = i
			}
			prev = r
		}
		out = append(out, part[start:])
	}
	return out
}

func notIdentRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// identifier makes s a valid exported identifier: an empty name or one not
// starting with an upper-case letter (a digit, a letter without case) is
// prefixed with X; Go keywords cannot occur because exported names are
// capitalised, but are guarded against all the same.
func identifier(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if s == "" || !unicode.IsUpper(r) || token.IsKeyword(s) {
		s = "X" + s
	}
	return s
}

// names hands out identifiers in one scope (a package, or a struct's fields),
// giving a clashing name the smallest free numeric suffix from 2 on. The order
// of claims is fixed by the caller, so the result is deterministic.
type names map[string]bool

func (n names) claim(name string) string {
	if !n[name] {
		n[name] = true
		return name
	}
	for i := 2; ; i++ {
		if c := name + strconv.Itoa(i); !n[c] {
			n[c] = true
			return c
		}
	}
}

// fieldNames hands out the field names of one struct. Two properties whose
// Go names clash are an error: a numeric suffix would leave the reader to
// guess which field is which property. A property clashing with a name the
// generator adds itself (ETag, Record) takes a suffix.
type fieldNames struct {
	names
	owner map[string]string // Go name → the property's wire name
}

func newFieldNames(reserved ...string) fieldNames {
	f := fieldNames{names: names{}, owner: map[string]string{}}
	for _, r := range reserved {
		f.names[r] = true
	}
	return f
}

func (f fieldNames) property(goName, wire string) (string, error) {
	if other, ok := f.owner[goName]; ok {
		return "", fmt.Errorf("properties %q and %q both become the Go field %s; rename one in the API page", other, wire, goName)
	}
	name := f.claim(goName)
	f.owner[name] = wire
	return name, nil
}

// validPackageName reports whether s can name the generated package.
func validPackageName(s string) bool {
	return token.IsIdentifier(s) && !token.IsKeyword(s) && s != "_"
}
