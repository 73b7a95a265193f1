package bench

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/embedis/embedis"
)

// BenchmarkMemoryCalibration_1M reports, for each type at 1M elements, the
// memory embedis accounts (INFO used_memory) divided by the real Go heap
// growth after GC: 1.00 is exact; the target is within ±20%.
func BenchmarkMemoryCalibration_1M(b *testing.B) {
	const n = 1 << 20
	fills := []struct {
		name string
		fill func(s *embedis.Store)
	}{
		{"string-keys", func(s *embedis.Store) {
			for i := 0; i < n; i++ {
				s.Set("key:"+strconv.Itoa(i), "0123456789abcdef", nil)
			}
		}},
		{"hash-fields", func(s *embedis.Store) {
			for i := 0; i < n; i++ {
				s.HSet("h", "field:"+strconv.Itoa(i), "0123456789abcdef")
			}
		}},
		{"list-elements", func(s *embedis.Store) {
			for i := 0; i < n; i++ {
				s.RPush("l", "0123456789abcdef")
			}
		}},
		{"set-members", func(s *embedis.Store) {
			for i := 0; i < n; i++ {
				s.SAdd("s", "member:"+strconv.Itoa(i))
			}
		}},
		{"zset-members", func(s *embedis.Store) {
			for i := 0; i < n; i++ {
				s.ZAdd("z", nil, embedis.Z{Score: float64(i), Member: "member:" + strconv.Itoa(i)})
			}
		}},
		{"stream-entries", func(s *embedis.Store) {
			for i := 0; i < n; i++ {
				s.XAdd("x", nil, "sensor", "s1", "value", "1.5")
			}
		}},
	}
	for _, f := range fills {
		b.Run(f.name, func(b *testing.B) {
			for it := 0; it < b.N; it++ {
				s := embedis.MustOpen(nil)
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				f.fill(s)
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap := float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
				acct := float64(s.Stats().UsedMemory)
				b.ReportMetric(acct/heap, "accounted/heap")
				b.ReportMetric(heap/n, "heap-B/elem")
				s.Close()
			}
		})
	}
}
