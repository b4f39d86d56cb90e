package gen

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExportedName(t *testing.T) {
	t.Parallel()
	tests := []struct{ edm, want string }{
		{"generalLedgerEntry", "GeneralLedgerEntry"},
		{"subscriptions", "Subscriptions"},
		{"apicategoryroutes", "Apicategoryroutes"},
		{"customerId", "CustomerID"},
		{"id", "ID"},
		{"debitAmount", "DebitAmount"},
		{"notificationUrl", "NotificationURL"},
		{"idNumber", "IDNumber"},
		{"identity", "Identity"},
		{"userIds", "UserIds"},
		{"shortcutDimension1Code", "ShortcutDimension1Code"},
		{"dateFilter_FilterOnly", "DateFilterFilterOnly"},
		{"irs1099Code", "Irs1099Code"},
		{"displayName2", "DisplayName2"},
		{"pdfDocument", "PDFDocument"},
		{"glAccountType", "GLAccountType"},
		{"gln", "Gln"},
		{"_x0020_", "X"},
		{"ShortcutDimCode_x005B_7_x005D_", "ShortcutDimCode7"},
		{"1099", "X1099"},
		{"", "X"},
		{"ørsted", "Ørsted"},
		{"日本", "X日本"},
	}
	for _, tt := range tests {
		t.Run(tt.edm, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, exportedName(tt.edm))
		})
	}
}

func TestConstName(t *testing.T) {
	t.Parallel()
	tests := []struct{ wire, want string }{
		{"Credit_x0020_Memo", "TCreditMemo"},
		{"_x0020_", "TBlank"},
		{"G_x002F_L_x0020_Account", "TGLAccount"},
		{"Begin_x002D_Total", "TBeginTotal"},
		{"None_x0020__x0028_Processing_x0020_only_x0029_", "TNoneProcessingOnly"},
		{"Expired_x0020_", "TExpired"},
		{"Positive_x0020_Adjmt_x002E_", "TPositiveAdjmt"},
		{"PDF", "TPDF"},
		{"0", "T0"},
		{"_x002D_", "TBlank"},
		{"in_x0020_review", "TInReview"},
	}
	for _, tt := range tests {
		t.Run(tt.wire, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, constName("T", tt.wire))
		})
	}
}

func TestNamesClaim(t *testing.T) {
	t.Parallel()
	n := names{"Date": true}
	require.Equal(t, "Date2", n.claim("Date"))
	require.Equal(t, "Date3", n.claim("Date"))
	require.Equal(t, "X", n.claim("X"))
	require.Equal(t, "X2", n.claim("X"))
}
