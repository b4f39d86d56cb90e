package odata

import (
	"testing"
	"time"
)

// BenchmarkFilterEncode builds and encodes the queries the sync sends per
// request: an entryNumber range of a ledger, a lastModifiedDateTime slice,
// and a set of GUIDs (In) with a string match.
//
//	go test ./odata -run '^$' -bench FilterEncode -benchmem
func BenchmarkFilterEncode(b *testing.B) {
	since := time.Date(2025, 5, 16, 15, 37, 35, 593_000_000, time.UTC)
	ids := []any{"3ab5c248-e72b-f011-9a4a-7c1e5275406f", "33c285a5-f12b-f011-9a4a-7c1e5275406f", "1c7e6fe4-e72b-f011-9a4a-7c1e5275406f"}
	cases := []struct {
		name  string
		query func() *Query
	}{
		{"entryNumberRange", func() *Query {
			return New().Filter(Ge("entryNumber", 1_000_001), Le("entryNumber", 1_020_000)).
				Select("id", "entryNumber", "postingDate", "documentNumber", "accountNumber", "debitAmount", "creditAmount").
				OrderBy("entryNumber").MaxPageSize(5000)
		}},
		{"modifiedSlice", func() *Query {
			return New().Filter(Gt("lastModifiedDateTime", since), Le("lastModifiedDateTime", since.Add(time.Hour))).
				Expand("dimensionSetLines", New().Select("id", "code", "valueCode")).MaxPageSize(5000)
		}},
		{"inAndContains", func() *Query {
			return New().Filter(And(In("id", ids...), Contains("displayName", "O'Brien & Sons"))).Top(100)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.query().Encode(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
