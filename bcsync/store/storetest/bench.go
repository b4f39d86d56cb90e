package storetest

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/fixture"
)

// The benchmarks apply batches of G/L-entry-shaped rows (15 columns) and
// report, per row: ns/row (wall), cpu-ns/row (user+system time of the
// process, which includes SQLite's WAL writes), allocs/row; and close-ns/row, the time of Close (for JSONL, the
// merge into the final files).
//
//	go test ./bcsync/store/... -run '^$' -bench Apply -benchtime 200000x
//
// Modes: insert-seq (new keys in key order), insert-random (new random GUID
// keys, as BC's ids are), unchanged (the same rows again).

const benchBatch = 1000

func glTable() *store.Table {
	return &store.Table{Name: "generalLedgerEntries", Key: []string{"companyId", "id"}, Columns: []store.Column{
		{Name: "companyId", Type: store.GUID}, {Name: "id", Type: store.GUID}, {Name: "entryNumber", Type: store.Int}, {Name: "postingDate", Type: store.Date}, {Name: "documentNumber", Type: store.Text},
		{Name: "documentType", Type: store.Text}, {Name: "accountId", Type: store.GUID}, {Name: "accountNumber", Type: store.Text}, {Name: "description", Type: store.Text},
		{Name: "debitAmount", Type: store.Decimal}, {Name: "creditAmount", Type: store.Decimal}, {Name: "additionalCurrencyDebitAmount", Type: store.Decimal},
		{Name: "reversed", Type: store.Bool}, {Name: "dimensionSetId", Type: store.Int}, {Name: "lastModifiedDateTime", Type: store.DateTime}}}
}

// guid formats 16 bytes as a lower-case GUID.
func guid(hi, lo uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func glRow(n int, id string) store.Row {
	num := strconv.Itoa(n)
	return store.Row{fixture.V(fixture.Co1), fixture.V(id), fixture.V(num), fixture.V("2024-03-15"), fixture.V("G" + num), fixture.V("Invoice"),
		fixture.V("a1b2c3d4-0000-4000-8000-000000000001"), fixture.V("40100"), fixture.V("Sales of goods, domestic"),
		fixture.V("1234.56"), fixture.V("0"), fixture.V("1234.56"), fixture.V("false"), fixture.V(strconv.Itoa(n % 97)), fixture.V("2024-03-15T10:11:12.123Z")}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Bench benchmarks Apply of the stores fresh makes (see Subject.Fresh).
func Bench(b *testing.B, fresh func(b testing.TB) func() store.Store) {
	for _, mode := range []string{"insert-seq", "insert-random", "unchanged"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			s := fresh(b)()
			if err := s.Open(ctx); err != nil {
				b.Fatal(err)
			}
			tb := glTable()
			if err := s.EnsureTable(ctx, tb); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			var fixed [][]store.Row // the rows "unchanged" applies again
			if mode == "unchanged" {
				for i := range 10 {
					rows := make([]store.Row, benchBatch)
					for j := range rows {
						rows[j] = glRow(i*benchBatch+j, guid(rng.Uint64(), rng.Uint64()))
					}
					if _, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows}}, nil); err != nil {
						b.Fatal(err)
					}
					fixed = append(fixed, rows)
				}
			}
			var cpu time.Duration
			var ms0, ms1 runtime.MemStats
			rows := make([]store.Row, 0, benchBatch)
			b.ResetTimer()
			b.StopTimer()
			runtime.ReadMemStats(&ms0)
			mallocs := uint64(0)
			for done := 0; done < b.N; done += len(rows) {
				n := min(benchBatch, b.N-done)
				switch mode {
				case "unchanged":
					rows = fixed[(done/benchBatch)%len(fixed)][:n]
				default:
					rows = rows[:0]
					for j := range n {
						id := guid(uint64(done+j), 0)
						if mode == "insert-random" {
							id = guid(rng.Uint64(), rng.Uint64())
						}
						rows = append(rows, glRow(done+j, id))
					}
				}
				runtime.ReadMemStats(&ms0)
				c0 := cpuTime()
				b.StartTimer()
				c, err := s.Apply(ctx, []store.Batch{{Table: tb, Upserts: rows}}, nil)
				b.StopTimer()
				cpu += cpuTime() - c0
				runtime.ReadMemStats(&ms1)
				mallocs += ms1.Mallocs - ms0.Mallocs
				if err != nil {
					b.Fatal(err)
				}
				if mode == "unchanged" && c.Unchanged != int64(n) || mode != "unchanged" && c.Inserted != int64(n) {
					b.Fatalf("%s: counts %+v", mode, c)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/row")
			b.ReportMetric(float64(mallocs)/float64(b.N), "allocs/row")
			start := time.Now()
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N), "close-ns/row")
		})
	}
}
