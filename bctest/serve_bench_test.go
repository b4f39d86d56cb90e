package bctest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
)

// BenchmarkServeGLPages measures the fake's throughput: G/L entries served
// per second over HTTP in pages of 20,000, with no service-time model, by
// one reader and by five at once (BC's concurrency), each reading its own
// company. The readers only split the pages into rows, so the figure is the
// fake's ceiling for the benchmarks that run the sync against it.
func BenchmarkServeGLPages(b *testing.B) {
	const perCompany = 100_000
	for _, readers := range []int{1, 5} {
		b.Run(fmt.Sprintf("readers=%d", readers), func(b *testing.B) {
			srv := NewServer(WithDemo(DemoConfig{Seed: 3, Companies: readers, GLEntries: perCompany, NoGLDimensions: true}))
			defer srv.Close()
			c := srv.Client()
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				var wg sync.WaitGroup
				errs := make(chan error, readers)
				for _, co := range srv.Tenant().Companies() {
					wg.Go(func() {
						p := sets.For(c.Company(co.ID)).GeneralLedgerEntries().ListRaw(odata.New().MaxPageSize(20000))
						rows := 0
						for p.More() {
							if _, err := p.NextPage(ctx, func() {}, func([]byte) error { rows++; return nil }); err != nil {
								errs <- err
								return
							}
						}
						if rows != perCompany {
							errs <- fmt.Errorf("read %d rows, want %d", rows, perCompany)
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*readers*perCompany)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
