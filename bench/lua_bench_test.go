package bench

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/seedscripts"
)

// The seed guide's RATE_LIMIT_SCRIPT, verbatim.
const rateLimitScript = seedscripts.RateLimit

const rlDevices = 10000

// rlArgs returns the script's arguments for call i: devices round-robin,
// a clock advancing 1 ms per call, a 60 s window, a limit of 100.
func rlArgs(i int64) (key string, args []any) {
	dev := i % rlDevices
	return "ratelimit:" + strconv.FormatInt(dev, 10), []any{1_700_000_000_000 + i, 60000, 100, "uid-" + strconv.FormatInt(i, 10)}
}

// BenchmarkLua_RateLimit runs the seed's rate-limit script in-process
// through Script.Run (EVALSHA) from all Ps, and reports calls/s.
func BenchmarkLua_RateLimit(b *testing.B) {
	b.Run("embedis", func(b *testing.B) {
		s := embedis.MustOpen(nil)
		defer s.Close()
		script := embedis.NewScript(rateLimitScript)
		ctx := context.Background()
		if err := script.Load(ctx, s); err != nil {
			b.Fatal(err)
		}
		var n atomic.Int64
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				key, args := rlArgs(n.Add(1))
				if _, err := script.Run(ctx, s, []string{key}, args...); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
	})
	b.Run("embedis-serial", func(b *testing.B) {
		s := embedis.MustOpen(nil)
		defer s.Close()
		script := embedis.NewScript(rateLimitScript)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			key, args := rlArgs(int64(i))
			if _, err := script.Run(ctx, s, []string{key}, args...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
	})
}
