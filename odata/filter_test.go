package odata

import (
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestFilterRendering(t *testing.T) {
	t.Parallel()
	id := GUID("5d115c9c-44e3-ea11-bb43-000d3a2feca1")
	day := DateOf(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name  string
		exprs []Expr
		want  string
	}{
		{"eq string", []Expr{Eq("displayName", "O'Brien")}, "displayName eq 'O''Brien'"},
		{"ne enum", []Expr{Ne("documentType", docType("Credit_x0020_Memo"))}, "documentType ne 'Credit_x0020_Memo'"},
		{"gt decimal", []Expr{Gt("totalAmountExcludingTax", decimal.RequireFromString("1000.00"))}, "totalAmountExcludingTax gt 1000.00"},
		{"ge date", []Expr{Ge("postingDate", day)}, "postingDate ge 2025-01-01"},
		{"lt datetime", []Expr{Lt("lastModifiedDateTime", time.Date(2019, 8, 18, 20, 5, 51, 603e6, time.UTC))}, "lastModifiedDateTime lt 2019-08-18T20:05:51.603Z"},
		{"le int", []Expr{Le("entryNumber", 615)}, "entryNumber le 615"},
		{"eq guid", []Expr{Eq("customerId", id)}, "customerId eq 5d115c9c-44e3-ea11-bb43-000d3a2feca1"},
		{"eq bool", []Expr{Eq("blocked", false)}, "blocked eq false"},
		{"eq null", []Expr{Eq("parentId", nil)}, "parentId eq null"},
		{"navigation path", []Expr{Eq("customer/displayName", "x")}, "customer/displayName eq 'x'"},
		{"in strings", []Expr{In("number", "10000", "20000")}, "number in ('10000','20000')"},
		{"in one number", []Expr{In("entryNumber", 610)}, "entryNumber in (610)"},
		{"contains", []Expr{Contains("displayName", "Ltd")}, "contains(displayName,'Ltd')"},
		{"startswith quote", []Expr{StartsWith("displayName", "O'")}, "startswith(displayName,'O''')"},
		{"endswith", []Expr{EndsWith("email", "@contoso.com")}, "endswith(email,'@contoso.com')"},
		{"several args are and-ed", []Expr{Ge("postingDate", day), Eq("accountNumber", "40100")}, "postingDate ge 2025-01-01 and accountNumber eq '40100'"},
		{"and", []Expr{And(Gt("entryNumber", 610), Lt("entryNumber", 615))}, "entryNumber gt 610 and entryNumber lt 615"},
		{"and of one", []Expr{And(Eq("a", 1))}, "a eq 1"},
		{"or same field", []Expr{Or(Eq("number", "1"), Eq("number", "2"))}, "number eq '1' or number eq '2'"},
		{"or of one", []Expr{Or(Eq("a", 1))}, "a eq 1"},
		{"or of functions on one field", []Expr{Or(StartsWith("no", "A"), EndsWith("no", "Z"), In("no", "M"))}, "startswith(no,'A') or endswith(no,'Z') or no in ('M')"},
		{"or inside and is parenthesized", []Expr{And(Eq("b", 1), Or(Eq("a", 1), Eq("a", 2)))}, "b eq 1 and (a eq 1 or a eq 2)"},
		{"or beside other filter args is parenthesized", []Expr{Or(Eq("a", 1), Eq("a", 2)), Eq("b", 3)}, "(a eq 1 or a eq 2) and b eq 3"},
		{"and inside or is parenthesized", []Expr{Or(And(Ge("a", 1), Le("a", 5)), Eq("a", 9))}, "(a ge 1 and a le 5) or a eq 9"},
		{"nested and flattens", []Expr{And(Eq("a", 1), And(Eq("b", 2), Eq("c", 3)))}, "a eq 1 and b eq 2 and c eq 3"},
		{"nested or flattens", []Expr{Or(Eq("a", 1), Or(Eq("a", 2), Eq("a", 3)))}, "a eq 1 or a eq 2 or a eq 3"},
		{"raw alone", []Expr{RawFilter("a eq 1 or b eq 2")}, "a eq 1 or b eq 2"},
		{"raw in and is parenthesized", []Expr{RawFilter("a eq 1 or b eq 2"), Eq("c", 3)}, "(a eq 1 or b eq 2) and c eq 3"},
		{"raw in or is parenthesized and not field-checked", []Expr{Or(Eq("a", 1), RawFilter("b eq 2"))}, "a eq 1 or (b eq 2)"},
		{"raw with lambda text inside a string", []Expr{RawFilter("description eq 'x/any(y'")}, "description eq 'x/any(y'"},
		{"raw with lambda-like field name", []Expr{RawFilter("company eq 'a' and anyField eq 1")}, "company eq 'a' and anyField eq 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := New().Filter(tt.exprs...).Values()
			require.NoError(t, err)
			require.Equal(t, []string{tt.want}, v["$filter"])
			if len(tt.exprs) == 1 {
				require.Equal(t, tt.want, tt.exprs[0].String())
			}
		})
	}
}

func TestFilterCallsAreAnded(t *testing.T) {
	t.Parallel()
	q := New().Filter(Eq("a", 1)).Filter(Or(Eq("b", 1), Eq("b", 2))).Filter(RawFilter("c eq 1"), Eq("d", 1))
	v, err := q.Values()
	require.NoError(t, err)
	require.Equal(t, "a eq 1 and (b eq 1 or b eq 2) and (c eq 1) and d eq 1", v.Get("$filter"))
}

func TestFilterWithoutExpressionsIsNoOp(t *testing.T) {
	t.Parallel()
	s, err := New().Filter().Encode()
	require.NoError(t, err)
	require.Empty(t, s)
}

func TestFilterCapturesValuesAtCall(t *testing.T) {
	t.Parallel()
	name := "before"
	q := New().Filter(Eq("displayName", &name))
	name = "after"
	v, err := q.Values()
	require.NoError(t, err)
	require.Equal(t, "displayName eq 'before'", v.Get("$filter"))
}

func TestFilterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		expr Expr
		want string
	}{
		{"or across fields", Or(Eq("a", 1), Eq("b", 2)),
			`odata: Or across distinct fields "a" and "b": BC rejects it with "The 'OR' operator is not supported on distinct fields on an OData filter."; use In on a single field, or run one query per field and merge the results`},
		{"or across fields in nested and", Or(And(Eq("a", 1), Eq("b", 1)), Eq("a", 2)), `Or across distinct fields "a" and "b"`},
		{"or across fields in functions", Or(Contains("a", "x"), StartsWith("b", "y")), `Or across distinct fields "a" and "b"`},
		{"or across fields with in", Or(In("a", 1), In("c", 2)), `Or across distinct fields "a" and "c"`},
		{"or across fields nested or", Or(Eq("a", 1), Or(Eq("a", 2), Eq("b", 3))), `Or across distinct fields "a" and "b"`},
		{"or across fields deep inside and", And(Eq("z", 1), Or(Eq("a", 1), Eq("b", 2))), `Or across distinct fields "a" and "b"`},
		{"lambda any", RawFilter("salesOrderLines/any(l: l/quantity gt 5)"),
			`odata: RawFilter "salesOrderLines/any(l: l/quantity gt 5)" uses the lambda operator any(): BC silently ignores lambda operators and returns unfiltered rows; filter the related entities with Expand(nav, New().Filter(...)), i.e. $expand=nav($filter=...), instead`},
		{"lambda all upper case with spaces", RawFilter("lines/ ALL (l: l/x eq 1)"), "uses the lambda operator all()"},
		{"lambda after a string", RawFilter("a eq 'it''s' and lines/Any(l: l/x eq 1)"), "uses the lambda operator any()"},
		{"lambda in and", And(Eq("a", 1), RawFilter("x/any(y: true)")), "lambda operator any()"},
		{"raw empty", RawFilter(" "), "odata: RawFilter: empty filter"},
		{"empty field", Eq("", 1), "odata: Eq: empty field name"},
		{"field with space", Ne("a b", 1), `odata: Ne: invalid field name "a b": must match ^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$`},
		{"field injection", Gt("a eq 1 or b", 1), `odata: Gt: invalid field name "a eq 1 or b"`},
		{"field leading digit", Ge("1a", 1), "odata: Ge: invalid field name"},
		{"field trailing slash", Lt("a/", 1), "odata: Lt: invalid field name"},
		{"field double slash", Le("a//b", 1), "odata: Le: invalid field name"},
		{"bad value", Eq("a", struct{}{}), `odata: Eq("a"): cannot use a value of type struct {} as a literal`},
		{"bad guid value", Eq("id", GUID("nope")), `odata: Eq("id"): invalid GUID "nope"`},
		{"in without values", In("number"), `odata: In("number") needs at least one value: an empty list matches nothing, so skip the query instead`},
		{"in bad field", In("", 1), "odata: In: empty field name"},
		{"in bad value", In("a", 1, math.NaN()), `odata: In("a") value 1: cannot use NaN as a literal`},
		{"contains bad field", Contains("(a)", "x"), "odata: Contains: invalid field name"},
		{"startswith invalid utf8", StartsWith("a", "\xff"), `odata: StartsWith("a"): string literal "\xff" is not valid UTF-8`},
		{"empty and", And(), "odata: And needs at least one expression"},
		{"empty or", Or(), "odata: Or needs at least one expression"},
		{"nil in and", And(Eq("a", 1), nil), "odata: And: expression 1 is nil"},
		{"nil in or", Or(nil), "odata: Or: expression 0 is nil"},
		{"error inside and", And(Eq("a", 1), Eq("", 2)), "odata: Eq: empty field name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := New().Filter(tt.expr)
			require.ErrorContains(t, q.Err(), tt.want)
			_, err := q.Values()
			require.ErrorContains(t, err, tt.want)
			s, err := q.Encode()
			require.ErrorContains(t, err, tt.want)
			require.Empty(t, s)
			require.Contains(t, tt.expr.String(), tt.want)
			require.Contains(t, tt.expr.String(), "<invalid: ")
		})
	}
}

func TestFilterNilExpr(t *testing.T) {
	t.Parallel()
	require.ErrorContains(t, New().Filter(Eq("a", 1), nil).Err(), "odata: Filter: expression 1 is nil")
}
