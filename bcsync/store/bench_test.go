package store

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
)

// The benchmarks apply batches of G/L-entry-shaped rows (15 columns) and
// report, per row: ns/row (wall), cpu-ns/row (user+system time of the
// process, which includes SQLite's WAL writes), allocs/row; for JSONL also
// publish-ns/row, the merge into the final file at Close.
//
//	go test ./bcsync/store -run '^$' -bench Apply -benchtime 200000x
//
// Modes: insert-seq (new keys in key order), insert-random (new random GUID
// keys, as BC's ids are), unchanged (the same rows again).

const benchBatch = 1000

func glTable() *Table {
	return &Table{Name: "generalLedgerEntries", Key: []string{"companyId", "id"}, Columns: []Column{
		{"companyId", GUID}, {"id", GUID}, {"entryNumber", Int}, {"postingDate", Date}, {"documentNumber", Text},
		{"documentType", Text}, {"accountId", GUID}, {"accountNumber", Text}, {"description", Text},
		{"debitAmount", Decimal}, {"creditAmount", Decimal}, {"additionalCurrencyDebitAmount", Decimal},
		{"reversed", Bool}, {"dimensionSetId", Int}, {"lastModifiedDateTime", DateTime}}}
}

// guid formats 16 bytes as a lower-case GUID.
func guid(hi, lo uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func glRow(n int, id string) Row {
	num := strconv.Itoa(n)
	return Row{v(co1), v(id), v(num), v("2024-03-15"), v("G" + num), v("Invoice"),
		v("a1b2c3d4-0000-4000-8000-000000000001"), v("40100"), v("Sales of goods, domestic"),
		v("1234.56"), v("0"), v("1234.56"), v("false"), v(strconv.Itoa(n % 97)), v("2024-03-15T10:11:12.123Z")}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchApply(b *testing.B, kind string) {
	for _, mode := range []string{"insert-seq", "insert-random", "unchanged"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			s := newStore(b, kind)
			if err := s.Open(ctx); err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			tb := glTable()
			if err := s.EnsureTable(ctx, tb); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			var fixed [][]Row // the rows "unchanged" applies again
			if mode == "unchanged" {
				for i := range 10 {
					rows := make([]Row, benchBatch)
					for j := range rows {
						rows[j] = glRow(i*benchBatch+j, guid(rng.Uint64(), rng.Uint64()))
					}
					if _, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: rows}}, nil); err != nil {
						b.Fatal(err)
					}
					fixed = append(fixed, rows)
				}
			}
			var cpu time.Duration
			var ms0, ms1 runtime.MemStats
			rows := make([]Row, 0, benchBatch)
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
				c, err := s.Apply(ctx, []Batch{{Table: tb, Upserts: rows}}, nil)
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
			if js, ok := s.(*jsonlStore); ok {
				start := time.Now()
				js.mu.Lock()
				err := js.finalize(ctx)
				js.mu.Unlock()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N), "publish-ns/row")
			}
		})
	}
}

func BenchmarkSQLiteApply(b *testing.B)   { benchApply(b, "sqlite") }
func BenchmarkJSONLApply(b *testing.B)    { benchApply(b, "jsonl") }
func BenchmarkPostgresApply(b *testing.B) { benchApply(b, "postgres") }
