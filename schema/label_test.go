package schema_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/bcsdk/bc/schema"
)

func TestLabel(t *testing.T) {
	t.Parallel()
	tests := []struct{ wire, want string }{
		{"Open", "Open"},
		{"Credit_x0020_Memo", "Credit Memo"},
		{"_x0020_", ""},
		{"G_x002F_L_x0020_Account", "G/L Account"},
		{"None_x0020__x0028_Processing_x0020_only_x0029_", "None (Processing only)"},
		{"Expired_x0020_", "Expired"},
		{"Begin_x002D_Total", "Begin-Total"},
		{"Positive_x0020_Adjmt_x002E_", "Positive Adjmt."},
		{"Post_x0020_Code_x002B_City", "Post Code+City"},
		{"Charge_x0020__x0028_Item_x0029_", "Charge (Item)"},
		{"_x00E9_t_x00E9_", "été"},
		{"_x0001F600_", "😀"},
		{"_xD83D__xDE00_", "😀"},
		{"_xD83D_", "_xD83D_"},
		{"_xDE00__xD83D_", "_xDE00__xD83D_"},
		{"_xD83D__x0041_", "_xD83D_A"},
		{"_x110000__", "_x110000__"},
		{"_xFFFFFFFF_", "_xFFFFFFFF_"},
		{"_x00G0_", "_x00G0_"},
		{"_x002", "_x002"},
		{"_x002F", "_x002F"},
		{"a_x_b", "a_x_b"},
		{"_X0020_", "_X0020_"},
		{"0", "0"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.wire, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, schema.Label(tt.wire))
		})
	}
}

func FuzzLabel(f *testing.F) {
	for _, s := range []string{"Credit_x0020_Memo", "_x0020_", "_xD83D__xDE00_", "_x0001F600_", "_x", "__x0020__"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, wire string) {
		got := schema.Label(wire)
		if utf8.ValidString(wire) && !utf8.ValidString(got) {
			t.Fatalf("Label(%q) = %q: invalid UTF-8 from valid input", wire, got)
		}
		if len(got) > len(wire) {
			t.Fatalf("Label(%q) = %q: decoding never lengthens", wire, got)
		}
	})
}
