package bench

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/embedis/embedis/types"
)

// BenchmarkHashGrowStall fills one hash with 200,000 new fields, timing
// every HSET: the way redis-benchmark's HSET fills "myhash" (to 100,000
// fields with -r 100000), and on to twice that. It reports the median, the 99.9th percentile and the longest
// single HSET, and the sizes at which HSETs took over 200µs: the index
// and the entry slice of a large hash are each rebuilt whole when they
// double, where Redis rehashes its dict a few buckets per operation.
//
//	go test -run '^$' -bench HashGrowStall -benchtime 3x .
func BenchmarkHashGrowStall(b *testing.B) {
	fields := make([]string, 200000)
	for i := range fields {
		fields[i] = fmt.Sprintf("element:%012d", i)
	}
	var worst time.Duration
	var p50, p999 time.Duration
	var slow []int
	b.ResetTimer()
	for range b.N {
		h := types.NewHash()
		ds := make([]time.Duration, len(fields))
		slow = slow[:0]
		for i, f := range fields {
			t0 := time.Now()
			h.Set(f, "xxx")
			ds[i] = time.Since(t0)
			if ds[i] > 200*time.Microsecond {
				slow = append(slow, i)
			}
		}
		slices.Sort(ds)
		p50, p999 = ds[len(ds)/2], ds[len(ds)*999/1000]
		worst = max(worst, ds[len(ds)-1])
	}
	b.ReportMetric(float64(p50.Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(p999.Nanoseconds()), "p99.9-ns")
	b.ReportMetric(float64(worst.Microseconds()), "max-µs")
	b.Logf("HSETs over 200µs at sizes %v (last round)", slow)
}
