package demo

import (
	"strconv"
	"time"
)

// vendorDocNo is a vendor's own number for a document, in one of the styles
// vendors use.
func vendorDocNo(style int, date time.Time, k int) string {
	switch style {
	case 0:
		return "INV-" + strconv.Itoa(date.Year()) + "-" + strconv.Itoa(10000+k*7)
	case 1:
		return strconv.Itoa(400000 + k*13)
	case 2:
		return "FV/" + strconv.Itoa(k+1) + "/" + strconv.Itoa(date.Year()%100)
	}
	return "R" + strconv.Itoa(date.Year()) + strconv.Itoa(1000+k)
}
