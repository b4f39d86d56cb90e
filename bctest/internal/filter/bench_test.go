package filter

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

const glBenchFilter = "entryNumber ge 1000 and entryNumber lt 5000 and postingDate ge 2025-01-01 and documentType eq 'Invoice'"

// benchRows builds n G/L entries in wire-text form, as the fake server
// stores them.
func benchRows(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{
			fmt.Sprintf("%08x-44e3-ea11-bb43-000d3a2feca1", i),
			fmt.Sprint(i + 1),
			fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28),
			fmt.Sprintf("G%05d", i+1),
			genJournalDocumentType[i%len(genJournalDocumentType)],
			"40100",
			"Sales, retail",
			fmt.Sprintf("%d.%02d", i%5000, i%100),
			"0",
			fmt.Sprintf("2025-%02d-%02dT12:00:00.%03dZ", 1+i%12, 1+i%28, i%1000),
		}
	}
	return rows
}

// BenchmarkMatch measures Match per row; the fake server must filter
// more than 500,000 rows a second on one core, so every case must report
// 0 allocs/op. "gl" is the G/L entry filter a sync sends.
func BenchmarkMatch(b *testing.B) {
	benchmarks := []struct{ name, filter string }{
		{"gl", glBenchFilter},
		{"decimal", "debitAmount gt 2500.50"},
		{"datetime", "lastModifiedDateTime gt 2025-06-01T00:00:00Z"},
		{"guid", "id eq 00000abc-44E3-EA11-BB43-000D3A2FECA1"},
		{"contains", "contains(tolower(description),'RETAIL')"},
		{"in", "documentType in ('Invoice','Payment','Refund')"},
	}
	rows := benchRows(4096)
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			f, err := Parse(bm.filter, glResolver, v21)
			require.NoError(b, err)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				f.Match(rows[i%len(rows)])
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(glBenchFilter, glResolver, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMatchDoesNotAllocate guards the 0 allocs/op of BenchmarkMatch for
// every kind of comparison. It is not parallel: AllocsPerRun forbids it.
func TestMatchDoesNotAllocate(t *testing.T) {
	rows := benchRows(64)
	for _, s := range []string{
		glBenchFilter,
		"id gt 00000abc-44e3-ea11-bb43-000d3a2feca1 or id eq 00000abc-44E3-EA11-BB43-000D3A2FECA1",
		"debitAmount gt 2500.50 and creditAmount le 0 and lastModifiedDateTime lt 2025-06-01T00:00:00+02:00",
		"tolower(description) ge 'sales' and contains(tolower(description),'RETAIL') and endswith(toupper(description),'ail')",
		"documentType in ('Invoice','Payment') and postingDate in (2025-01-01,2025-02-02) and description ne 'x'",
		"documentType lt 'Refund' and accountNumber eq '40100' and dimensionSetLines/any(d: d/code eq 'x')",
	} {
		f, err := Parse(s, glResolver, v21)
		require.NoError(t, err)
		i := 0
		allocs := testing.AllocsPerRun(200, func() {
			f.Match(rows[i%len(rows)])
			i++
		})
		require.Zero(t, allocs, s)
	}
}
