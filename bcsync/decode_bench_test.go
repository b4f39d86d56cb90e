package bcsync

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bctest"
)

// BenchmarkDecode decodes one page of each entity the sync reads most, as
// the fake serves them (children expanded as the plan asks), into store
// rows. Reported per entity: ns/row, B/row and allocs/row; the page's JSON
// is read once beforehand, so only the decode is timed.
//
//	go test ./bcsync -run '^$' -bench Decode -benchmem
func BenchmarkDecode(b *testing.B) {
	srv := bctest.NewServer()
	defer srv.Close()
	client := srv.Client()
	co := srv.Tenant().Companies()[0].ID
	for _, name := range []string{"generalLedgerEntries", "customers", "items", "salesInvoices", "dimensionValues"} {
		b.Run(name, func(b *testing.B) {
			set := planned(b, name)
			u := &unit{set: set, full: true}
			q := u.query(nil).MaxPageSize(1000)
			var raws [][]byte
			pager := bc.Set[json.RawMessage](client.StandardAPI().Company(co), name).ListRaw(q)
			if _, err := pager.NextPage(context.Background(), func() { raws = nil }, func(raw []byte) error {
				raws = append(raws, append([]byte(nil), raw...))
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			if len(raws) == 0 {
				b.Fatalf("the fake has no %s", name)
			}
			dec := newSetDecoder(set)
			size := 0
			for _, r := range raws {
				size += len(r)
			}
			b.SetBytes(int64(size / len(raws)))
			b.ReportAllocs()
			var out decode.Rows
			i := 0
			for b.Loop() {
				if i == len(raws) {
					i, out = 0, decode.Rows{}
				}
				if err := dec.Decode(raws[i], co, &out); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
		})
	}
}
