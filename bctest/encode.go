package bctest

import (
	"encoding/base64"
	"math/big"
	"strconv"
	"time"

	"github.com/bcsdk/bc/internal/jsontext"
)

// etagOf renders a row version as BC does: a weak ETag over base64 of
// "'<digits>;<version>;00;'".
func etagOf(version int64) string {
	v := strconv.FormatInt(version, 10)
	raw := "'" + strconv.Itoa(len(v)+16) + ";" + v + "0000000000000000;00;'"
	return `W/"` + base64.StdEncoding.EncodeToString([]byte(raw)) + `"`
}

// appendRow writes one entity as JSON: the ETag, then the selected columns
// (all when sel is nil) in property order.
func (t *table) appendRow(b []byte, r *row, sel []int) []byte {
	b = append(b, `{"@odata.etag":`...)
	b = jsontext.AppendString(b, etagOf(r.version))
	write := func(i int) {
		c := t.cols[i]
		b = append(b, ',', '"')
		b = append(b, c.name...)
		b = append(b, '"', ':')
		if c.quoted {
			b = jsontext.AppendString(b, r.vals[i])
		} else {
			b = append(b, r.vals[i]...)
		}
	}
	if sel == nil {
		for i := range t.cols {
			write(i)
		}
	} else {
		for _, i := range sel {
			write(i)
		}
	}
	return b
}

// compareDecimalText orders two decimal texts by value.
func compareDecimalText(a, b string) int {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	return x.Cmp(y)
}

// compareDateTimeText orders two datetime texts by instant.
func compareDateTimeText(a, b string) int {
	x, err1 := time.Parse(time.RFC3339Nano, a)
	y, err2 := time.Parse(time.RFC3339Nano, b)
	if err1 != nil || err2 != nil {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	return x.Compare(y)
}
