package bench

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/resp"
)

// sensorFields returns the field/value pairs of the i-th benchmark entry:
// two small fields, as a sensor reading.
func sensorFields(i int) []string {
	return []string{"sensor", strconv.Itoa(i % 1000), "temp", strconv.Itoa(150 + i%300)}
}

// BenchmarkXAdd appends entries with generated IDs ("*") to a stream:
// embedis's typed API, its command path (Session.Exec, as the RESP server
// runs it, without the network), and miniredis's direct API as a peer.
// Streams rotate every 2^20 entries so the heap stays bounded.
func BenchmarkXAdd(b *testing.B) {
	fields := make([][]string, 1024)
	for i := range fields {
		fields[i] = sensorFields(i)
	}
	keyNames := make([]string, 64)
	for i := range keyNames {
		keyNames[i] = "s" + strconv.Itoa(i)
	}
	key := func(i int) string { return keyNames[i>>20&63] }
	b.Run("embedis", func(b *testing.B) {
		s := embedis.MustOpen(nil)
		defer s.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if i&(1<<20-1) == 0 && i > 0 {
				s.Del(key(i - 1))
			}
			if _, err := s.XAdd(key(i), nil, fields[i&1023]...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("embedis-command", func(b *testing.B) {
		s := embedis.MustOpen(nil)
		defer s.Close()
		sess := s.NewSession()
		w := resp.NewWriter(2)
		args := make([][]byte, 7)
		args[0], args[2] = []byte("XADD"), []byte("*")
		keys := make([][]byte, 64)
		for i := range keys {
			keys[i] = []byte("s" + strconv.Itoa(i))
		}
		bf := make([][][]byte, len(fields))
		for i, f := range fields {
			bf[i] = [][]byte{[]byte(f[0]), []byte(f[1]), []byte(f[2]), []byte(f[3])}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if i&(1<<20-1) == 0 && i > 0 {
				s.Del(string(keys[(i-1)>>20&63]))
			}
			args[1] = keys[i>>20&63]
			copy(args[3:], bf[i&1023])
			w.Reset()
			sess.Exec(args, w)
		}
		if out := w.Bytes(); len(out) == 0 || out[0] != '$' {
			b.Fatalf("reply %q", out)
		}
	})
	b.Run("miniredis", func(b *testing.B) {
		m := miniredis.NewMiniRedis()
		defer m.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if i&(1<<20-1) == 0 && i > 0 {
				m.Del(key(i - 1))
			}
			if _, err := m.XAdd(key(i), "*", fields[i&1023]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStreamE2E measures delivery latency through consumer groups:
// a producer XADDs at a fixed rate (50 000 events/s) with its send time in
// the entry; two groups of two consumers each XREADGROUP with BLOCK,
// record now - send time, and XACK. It reports the p50 and p99 latency
// over every delivery (each event is delivered once per group).
func BenchmarkStreamE2E(b *testing.B) {
	const rate = 50_000
	s := embedis.MustOpen(nil)
	defer s.Close()
	for _, g := range []string{"g1", "g2"} {
		if err := s.Group("e2e", g).CreateAtEnd(&embedis.XGroupCreateArgs{MkStream: true}); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var delivered atomic.Int64
	lats := make([][]time.Duration, 4)
	for i := range 4 {
		g := s.Group("e2e", []string{"g1", "g2"}[i/2])
		name := "c" + strconv.Itoa(i%2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ents, err := g.Read(ctx, name, 256, embedis.BlockForever)
				if err != nil {
					return
				}
				now := time.Now().UnixNano()
				ids := make([]embedis.StreamID, len(ents))
				for j, e := range ents {
					sent, _ := strconv.ParseInt(e.Fields[1], 10, 64)
					lats[i] = append(lats[i], time.Duration(now-sent))
					ids[j] = e.ID
				}
				if _, err := g.Ack(ids...); err != nil {
					b.Error(err)
					return
				}
				delivered.Add(int64(len(ents)))
			}
		}()
	}
	trim := &embedis.XAddArgs{Trim: &embedis.XTrimArgs{MaxLen: 100_000, Approx: true}}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; {
		due := min(b.N, int(time.Since(start).Seconds()*rate)+1)
		for ; i < due; i++ {
			if _, err := s.XAdd("e2e", trim, "ts", strconv.FormatInt(time.Now().UnixNano(), 10)); err != nil {
				b.Fatal(err)
			}
		}
		time.Sleep(100 * time.Microsecond)
	}
	for delivered.Load() < int64(2*b.N) {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(rate, "events/s")
}

// BenchmarkStreamMemory_1M reports the heap bytes per entry of a stream of
// 1M entries with two small fields (the live heap after a GC, before and
// after building it), for embedis and for miniredis. redis-server uses
// about 31 B/entry for the same data.
func BenchmarkStreamMemory_1M(b *testing.B) {
	const n = 1_000_000
	measure := func(b *testing.B, build func() any) {
		var per float64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.StartTimer()
			v := build()
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&after)
			per = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
			runtime.KeepAlive(v)
			if c, ok := v.(interface{ Close() error }); ok {
				c.Close()
			} else if c, ok := v.(interface{ Close() }); ok {
				c.Close()
			}
			b.StartTimer()
		}
		b.ReportMetric(per, "B/entry")
	}
	b.Run("embedis", func(b *testing.B) {
		measure(b, func() any {
			s := embedis.MustOpen(nil)
			for j := range n {
				if _, err := s.XAdd("s", nil, sensorFields(j)...); err != nil {
					b.Fatal(err)
				}
			}
			if l, _ := s.XLen("s"); l != n {
				b.Fatalf("XLEN %d", l)
			}
			return s
		})
	})
	b.Run("miniredis", func(b *testing.B) {
		measure(b, func() any {
			m := miniredis.NewMiniRedis()
			for j := range n {
				if _, err := m.XAdd("s", "*", sensorFields(j)); err != nil {
					b.Fatal(err)
				}
			}
			return m
		})
	})
}
