package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseRefusals(t *testing.T) {
	t.Parallel()
	const (
		syntax     = "Bad Request - Error in query syntax."
		orMsg      = "The 'OR' operator is not supported on distinct fields on an OData filter."
		complexMsg = "The filter is too complex."
	)
	notFound := func(name, typ string) string {
		return "Could not find a property named '" + name + "' on type '" + typ + "'."
	}
	convert := func(v, kind string) string { return "Unable to convert value '" + v + "' to " + kind + "." }
	enum := func(v string) string { return "The string '" + v + "' is not a valid enumeration type constant." }
	signature := func(fn string) string {
		return "No function signature for the function with name '" + fn +
			"' matches the specified arguments. The function signatures considered are: " + fn +
			"(Edm.String Nullable=true, Edm.String Nullable=true)."
	}
	const lowerSignature = "No function signature for the function with name 'tolower' matches the specified " +
		"arguments. The function signatures considered are: tolower(Edm.String Nullable=true)."

	many := func(n int, op string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "entryNumber ne 0"
		}
		return strings.Join(parts, " "+op+" ")
	}
	wrap := func(n int, s string) string { return strings.Repeat("(", n) + s + strings.Repeat(")", n) }
	nested := func(n int) string { return wrap(n, "entryNumber eq 1") }

	tests := []struct {
		filter   string
		customer bool
		opts     Options
		code     string
		message  string
	}{
		// or across distinct fields.
		{filter: "displayName eq 'a' or number eq '1'", customer: true, code: "BadRequest", message: orMsg},
		{filter: "(entryNumber eq 1 and postingDate eq 2025-01-01) or entryNumber eq 2", code: "BadRequest", message: orMsg},
		{filter: "entryNumber eq 1 or (entryNumber eq 2 and documentNumber eq 'x')", code: "BadRequest", message: orMsg},
		{filter: "entryNumber eq 1 or entryNumber eq 2 or contains(description,'x')", code: "BadRequest", message: orMsg},
		{filter: "documentType in ('Invoice') or entryNumber eq 1", opts: v21, code: "BadRequest", message: orMsg},

		// in and nested functions need 2.1.
		{filter: "entryNumber in (1,2)", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber in (1,2)", opts: Options{SchemaVersion: "2.0"}, code: "BadRequest_NotFound", message: syntax},
		{filter: "contains(tolower(description),'a')", code: "BadRequest_NotFound", message: syntax},
		{filter: "tolower(toupper(description)) eq 'a'", code: "BadRequest_NotFound", message: syntax},

		// Unsupported functions and operators.
		{filter: "indexof(description,'a') eq 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "substring(description,1) eq 'a'", code: "BadRequest_NotFound", message: syntax},
		{filter: "concat(description,'a') eq 'a'", code: "BadRequest_NotFound", message: syntax},
		{filter: "length(description) gt 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "year(postingDate) eq 2025", code: "BadRequest_NotFound", message: syntax},
		{filter: "ToLower(description) eq 'a'", code: "BadRequest_NotFound", message: syntax},
		{filter: "Contains(description,'a')", code: "BadRequest_NotFound", message: syntax},
		{filter: "not (entryNumber eq 1)", code: "BadRequest_NotFound", message: syntax},
		{filter: "not entryNumber eq 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber add 1 eq 2", code: "BadRequest_NotFound", message: syntax},
		{filter: "documentType has 'Invoice'", code: "BadRequest_NotFound", message: syntax},

		// Malformed expressions.
		{filter: "entryNumber", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq 1 and", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq 1)", code: "BadRequest_NotFound", message: syntax},
		{filter: "(entryNumber eq 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "()", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq 1 xor entryNumber eq 2", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber EQ 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq 1 AND entryNumber eq 2", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq 1 entryNumber eq 2", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq 1 eq 2", code: "BadRequest_NotFound", message: syntax},
		{filter: "description eq 'unterminated", code: "BadRequest_NotFound", message: syntax},
		{filter: "' or 1 eq 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "1 eq 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "'a' eq 'a'", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq documentNumber", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber eq 1; drop", code: "BadRequest_NotFound", message: syntax},
		{filter: "$it/entryNumber eq 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "Microsoft.NAV.x eq 1", code: "BadRequest_NotFound", message: syntax},
		{filter: "documentType eq guid'x'", code: "BadRequest_NotFound", message: syntax},
		{filter: "documentType eq Microsoft.NAV.'x'", code: "BadRequest_NotFound", message: syntax},
		{filter: "documentType eq Microsoft.NAV.a.b'Invoice'", code: "BadRequest_NotFound", message: syntax},
		{filter: "dimensionSetLines/any(d: d/code eq 'x'", code: "BadRequest_NotFound", message: syntax},
		{filter: "dimensionSetLines/any(d: d/code eq 'x)", code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber in ()", opts: v21, code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber in (1,)", opts: v21, code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber in (1", opts: v21, code: "BadRequest_NotFound", message: syntax},
		{filter: "entryNumber in 1", opts: v21, code: "BadRequest_NotFound", message: syntax},
		{filter: "1 in (1)", opts: v21, code: "BadRequest_NotFound", message: syntax},
		{filter: "contains('abc',description)", code: "BadRequest_NotFound", message: syntax},
		{filter: "contains(description)", code: "BadRequest_NotFound", message: syntax},
		{filter: "contains(description,'a'", code: "BadRequest_NotFound", message: syntax},
		{filter: "contains(description,entryNumber)", code: "BadRequest_NotFound", message: syntax},
		{filter: "tolower(description)", code: "BadRequest_NotFound", message: syntax},
		{filter: "tolower('a') eq description", code: "BadRequest_NotFound", message: syntax},
		{filter: "tolower(description eq 'a'", code: "BadRequest_NotFound", message: syntax},
		{filter: "tolower(,) eq 'a'", code: "BadRequest_NotFound", message: syntax},

		// Unknown properties, navigation paths, unquoted strings.
		{filter: "foo eq 1", code: "BadRequest_NotFound", message: notFound("foo", glType)},
		{filter: "'x' eq foo", code: "BadRequest_NotFound", message: notFound("foo", glType)},
		{filter: "foo", code: "BadRequest_NotFound", message: notFound("foo", glType)},
		{filter: "contains(foo,'x')", code: "BadRequest_NotFound", message: notFound("foo", glType)},
		{filter: "tolower(foo) eq 'x'", code: "BadRequest_NotFound", message: notFound("foo", glType)},
		{filter: "customer/displayName eq 'x'", code: "BadRequest_NotFound", message: notFound("customer/displayName", glType)},
		{filter: "displayName eq Adatum", customer: true, code: "BadRequest_NotFound", message: notFound("Adatum", customerType)},
		{filter: "blocked eq Ship", customer: true, code: "BadRequest_NotFound", message: notFound("Ship", customerType)},

		// Literals that do not convert to the field's kind.
		{filter: "postingDate eq 'abc'", code: "BadRequest", message: convert("abc", "Date")},
		{filter: "postingDate eq '2025-01-01'", code: "BadRequest", message: convert("2025-01-01", "Date")},
		{filter: "postingDate eq 2025-02-30", code: "BadRequest", message: convert("2025-02-30", "Date")},
		{filter: "postingDate eq 0000-01-01", code: "BadRequest", message: convert("0000-01-01", "Date")},
		{filter: "postingDate ge 2025-01-01T00:00:00Z", code: "BadRequest", message: convert("2025-01-01T00:00:00Z", "Date")},
		{filter: "postingDate eq Microsoft.NAV.x'Open'", code: "BadRequest", message: convert("Open", "Date")},
		{filter: "entryNumber gt 'x'", code: "BadRequest", message: convert("x", "Int")},
		{filter: "entryNumber gt 12x", code: "BadRequest", message: convert("12x", "Int")},
		{filter: "entryNumber eq true", code: "BadRequest", message: convert("true", "Int")},
		{filter: "entryNumber eq -", code: "BadRequest", message: convert("-", "Int")},
		{filter: "debitAmount eq 1e3", code: "BadRequest", message: convert("1e3", "Decimal")},
		{filter: "debitAmount eq 1.", code: "BadRequest", message: convert("1.", "Decimal")},
		{filter: "debitAmount eq 1000.00M", code: "BadRequest", message: convert("1000.00M", "Decimal")},
		{filter: "lastModifiedDateTime gt 2025-01-01", code: "BadRequest", message: convert("2025-01-01", "DateTime")},
		{filter: "lastModifiedDateTime gt 2025-01-01T25:00:00Z", code: "BadRequest", message: convert("2025-01-01T25:00:00Z", "DateTime")},
		{filter: "lastModifiedDateTime gt 2025-01-01T00:00:00", code: "BadRequest", message: convert("2025-01-01T00:00:00", "DateTime")},
		{filter: "lastModifiedDateTime gt 2025-01-01T00:00:00.Z", code: "BadRequest", message: convert("2025-01-01T00:00:00.Z", "DateTime")},
		{filter: "lastModifiedDateTime gt 2025-01-01T00:00:00.1234567890Z", code: "BadRequest", message: convert("2025-01-01T00:00:00.1234567890Z", "DateTime")},
		{filter: "lastModifiedDateTime gt 2025-01-01T00:00:00+24:00", code: "BadRequest", message: convert("2025-01-01T00:00:00+24:00", "DateTime")},
		{filter: "lastModifiedDateTime gt 0001-01-01T00:00:00+01:00", code: "BadRequest", message: convert("0001-01-01T00:00:00+01:00", "DateTime")},
		{filter: "lastModifiedDateTime gt '2025-01-01T00:00:00Z'", code: "BadRequest", message: convert("2025-01-01T00:00:00Z", "DateTime")},
		{filter: "id eq 5d115c9c", code: "BadRequest", message: convert("5d115c9c", "GUID")},
		{filter: "id eq 'not-a-guid'", code: "BadRequest", message: convert("not-a-guid", "GUID")},
		{filter: "id eq 5d115c9c-44e3-ea11-bb43-000d3a2fecaX", code: "BadRequest", message: convert("5d115c9c-44e3-ea11-bb43-000d3a2fecaX", "GUID")},
		{filter: "documentNumber eq 40100", code: "BadRequest", message: convert("40100", "String")},
		{filter: "documentNumber eq true", code: "BadRequest", message: convert("true", "String")},
		{filter: "taxLiable eq 'true'", customer: true, code: "BadRequest", message: convert("true", "Bool")},
		{filter: "taxLiable eq 1", customer: true, code: "BadRequest", message: convert("1", "Bool")},
		{filter: "entryNumber in ('x')", opts: v21, code: "BadRequest", message: convert("x", "Int")},

		// Enum members that do not exist.
		{filter: "documentType eq 'Bogus'", code: "BadRequest_NotFound", message: enum("Bogus")},
		{filter: "documentType eq 'Credit Memo'", code: "BadRequest_NotFound", message: enum("Credit Memo")},
		{filter: "documentType eq 2", code: "BadRequest_NotFound", message: enum("2")},
		{filter: "documentType eq true", code: "BadRequest_NotFound", message: enum("true")},
		{filter: "documentType eq Microsoft.NAV.genJournalDocumentType'Bogus'", code: "BadRequest_NotFound", message: enum("Bogus")},

		// String functions on non-string fields.
		{filter: "contains(entryNumber,'1')", code: "BadRequest_NotFound", message: signature("contains")},
		{filter: "startswith(postingDate,'2025')", code: "BadRequest_NotFound", message: signature("startswith")},
		{filter: "endswith(documentType,'Memo')", code: "BadRequest_NotFound", message: signature("endswith")},
		{filter: "contains(description,1)", code: "BadRequest_NotFound", message: signature("contains")},
		{filter: "contains(description,null)", code: "BadRequest_NotFound", message: signature("contains")},
		{filter: "tolower(entryNumber) eq '1'", code: "BadRequest_NotFound", message: lowerSignature},
		{filter: "tolower(taxLiable)", customer: true, code: "BadRequest_NotFound", message: lowerSignature},

		// Limits.
		{filter: many(maxComparisons, "and"), code: "", message: ""},
		{filter: many(maxComparisons+1, "and"), code: "BadRequest", message: complexMsg},
		{filter: many(maxComparisons+1, "or"), code: "BadRequest", message: complexMsg},
		{filter: strings.Repeat("lines/any(l: l/x eq 1) and ", maxComparisons) + "lines/any()", code: "BadRequest", message: complexMsg},
		{filter: nested(maxDepth), code: "", message: ""},
		{filter: nested(maxDepth + 1), code: "BadRequest", message: complexMsg},
		{filter: strings.Repeat("(", 100000), code: "BadRequest", message: complexMsg},
		{filter: "contains(" + strings.Repeat("tolower(", maxDepth) + "description" + strings.Repeat(")", maxDepth) + ",'a')",
			opts: v21, code: "BadRequest", message: complexMsg},
		{filter: many(maxComparisons, "and") + " and contains(description,'a')", code: "BadRequest", message: complexMsg},
		{filter: wrap(maxDepth, "contains(description,'a')"), code: "BadRequest", message: complexMsg},
		{filter: wrap(maxDepth-2, "contains(tolower(description),'a')"), opts: v21, code: "", message: ""},
		{filter: wrap(maxDepth-1, "contains(tolower(description),'a')"), opts: v21, code: "BadRequest", message: complexMsg},
	}
	for _, tt := range tests {
		name := tt.filter
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resolve, typ := glResolver, glType
			if tt.customer {
				resolve, typ = customerResolver, customerType
			}
			tt.opts.EntityType = typ
			f, err := Parse(tt.filter, resolve, tt.opts)
			if tt.code == "" {
				require.NoError(t, err)
				require.NotNil(t, f)
				return
			}
			require.Nil(t, f)
			var e *Error
			require.True(t, errors.As(err, &e), "%T %v", err, err)
			require.Equal(t, Error{Status: 400, Code: tt.code, Message: tt.message}, *e)
			require.Equal(t, tt.code+": "+tt.message, err.Error())
		})
	}
}
