package protocol

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseSegment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Segment
	}{
		{"customers", Segment{Name: "customers", OK: true}},
		{"customers(5d115c9c-44e3-ea11-bb43-000d3a2feca1)", Segment{Name: "customers", Key: "5d115c9c-44e3-ea11-bb43-000d3a2feca1", HasKey: true, OK: true}},
		{"subscriptions('a''b')", Segment{Name: "subscriptions", Key: "a'b", HasKey: true, OK: true}},
		{"companies(name='O''Brien')", Segment{Name: "companies", Key: "O'Brien", KeyArg: "name", HasKey: true, OK: true}},
		{"lines(Document_Type='Order',Document_No='1,2',Line_No=10000)", Segment{Name: "lines", HasKey: true, OK: true,
			Parts: map[string]string{"Document_Type": "Order", "Document_No": "1,2", "Line_No": "10000"}}},
		{"customers(", Segment{}},
		{"customers('x)", Segment{}},
	} {
		require.Equal(t, tc.want, ParseSegment(tc.in), tc.in)
	}
}

func TestSplitPathKeepsEscapedSlashesInASegment(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"v2.0", "api", "items('A/B')"}, SplitPath("/v2.0/api/items('A%2FB')/"))
}
