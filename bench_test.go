package bc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/bcsdk/bc/entities"
)

// glPage renders a page of n G/L entries shaped like BC's, with
// dimensionSetLines expanded when dims > 0.
func glPage(n, dims int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":"https://api.businesscentral.dynamics.com/v2.0/Production/api/v2.0/$metadata#companies(3ab5c248-e72b-f011-9a4a-7c1e5275406f)/generalLedgerEntries","value":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"@odata.etag":"W/\"JzIwOzE2NzI4NzUyNjQ5OTA1ODk3MzEwMTswMDsn\"","id":"%08x-0c2c-f011-9a4a-7ced8d0fb545","entryNumber":%d,"postingDate":"2025-05-08","documentNumber":"G%08d","documentType":"Invoice","accountId":"33c285a5-f12b-f011-9a4a-7c1e5275406f","accountNumber":"40100","description":"Sales, Retail - Dom. Invoice %d","debitAmount":0,"creditAmount":%d.%02d,"additionalCurrencyDebitAmount":0,"additionalCurrencyCreditAmount":0,"lastModifiedDateTime":"2025-05-16T15:37:35.593Z"`, i, i+1, i, i, 100+i%9000, i%100)
		if dims > 0 {
			b.WriteString(`,"dimensionSetLines":[`)
			for d := 0; d < dims; d++ {
				if d > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"@odata.etag":"W/\"JzE5OzMy\"","id":"%08x-e72b-f011-9a4a-7c1e5275406f","code":"DEPT","consolidationCode":"","parentId":"%08x-0c2c-f011-9a4a-7ced8d0fb545","parentType":"General_x0020_Ledger_x0020_Entry","displayName":"Department","valueId":"1c7e6fe4-e72b-f011-9a4a-7c1e5275406f","valueCode":"SALES","valueConsolidationCode":"","valueDisplayName":"Sales"}`, d, i)
			}
			b.WriteByte(']')
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes()
}

// BenchmarkPagerGLPage decodes a 20,000-row G/L page into the generated
// model, streamed from the body. Reported per row: ns, bytes allocated and
// allocations.
func BenchmarkPagerGLPage(b *testing.B) {
	p := &Pager[entities.GeneralLedgerEntry]{}
	benchGLPage(b, func(page []byte) (n int, err error) {
		resp := &http.Response{Body: io.NopCloser(bytes.NewReader(page))}
		_, _, err = readPage(resp.Body, testLimits, func(dec *json.Decoder) error {
			_, err := p.decodeItem(dec)
			n++
			return err
		})
		return n, err
	})
}

// BenchmarkRawPagerGLPage splits a 20,000-row G/L page into its entities'
// raw JSON, as RawPager does for the sync, streamed from the body. Reported
// per row: ns, bytes allocated and allocations.
func BenchmarkRawPagerGLPage(b *testing.B) {
	benchGLPage(b, func(page []byte) (n int, err error) {
		_, _, err = scanPage(bytes.NewReader(page), testLimits, func(raw []byte) error {
			n++
			return nil
		})
		return n, err
	})
}

// benchGLPage runs read over a 20,000-row G/L page, without and with
// expanded dimension set lines, and reports ns, bytes and allocations per
// row; read returns how many rows it found.
func benchGLPage(b *testing.B, read func(page []byte) (int, error)) {
	for _, dims := range []int{0, 2} {
		b.Run(fmt.Sprintf("dimensionSetLines=%d", dims), func(b *testing.B) {
			const rows = 20000
			page := glPage(rows, dims)
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for range b.N {
				if n, err := read(page); err != nil || n != rows {
					b.Fatalf("read %d rows: %v", n, err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			perRow := float64(b.N * rows)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/perRow, "ns/row")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/perRow, "B/row")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/perRow, "allocs/row")
		})
	}
}
