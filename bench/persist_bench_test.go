package bench

import (
	"context"
	"os"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// BenchmarkSetPersistence measures parallel SET throughput with no
// persistence, appendfsync everysec and appendfsync always.
func BenchmarkSetPersistence(b *testing.B) {
	for _, mode := range []string{"none", "everysec", "always"} {
		b.Run(mode, func(b *testing.B) {
			opts := &embedis.Options{}
			if mode != "none" {
				opts = &embedis.Options{Dir: b.TempDir(), AppendOnly: true, AppendFsync: mode}
			}
			s := embedis.MustOpen(opts)
			var n atomic.Int64
			b.SetParallelism(8) // always benefits from concurrent writers sharing fsyncs
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					s.Set("key:"+strconv.FormatInt(i&(1<<20-1), 10), "0123456789abcdef", nil)
				}
			})
			// Close writes and fsyncs what the log still buffers: a cost of
			// shutting down, not of the writes (in a long run the background
			// writer does it as they go), so it is left out of the timing.
			b.StopTimer()
			s.Close()
		})
	}
}

func fill(s *embedis.Store, n int) {
	for i := 0; i < n; i++ {
		s.Set("key:"+strconv.Itoa(i), "0123456789abcdef", nil)
	}
}

// BenchmarkSnapshot_1M saves 1M keys (16-byte values) while a writer keeps
// writing, reporting the file size and the writer's longest stall. For
// scale, it also reports the writer's longest stall over 500 ms just
// before the save (idle-max-stall-ms): on a shared machine that is what
// scheduling alone costs; and the garbage-collection cycles that ran
// during the save (on 2 CPUs a cycle's mark workers take a processor from
// the writer for up to 10 ms at a time). EMBEDIS_BENCH_SHARDS sets
// Options.Shards (default: the store's default, 64): a writer that locks a
// shard not yet copied copies it, so smaller shards mean shorter stalls.
func BenchmarkSnapshot_1M(b *testing.B) {
	dir := b.TempDir()
	shards, _ := strconv.Atoi(os.Getenv("EMBEDIS_BENCH_SHARDS"))
	s := embedis.MustOpen(&embedis.Options{Dir: dir, Shards: shards})
	defer s.Close()
	fill(s, 1<<20)
	b.ResetTimer()
	saveStall(b, s, func(j int) { s.Set("key:"+strconv.Itoa(j&(1<<20-1)), "fedcba9876543210", nil) })
	b.StopTimer()
	st, _ := fileSize(dir + "/dump.edb")
	b.ReportMetric(float64(st)/1e6, "file-MB")
}

// saveStall runs write(j) for j = 0, 1, ... in a loop on its own
// goroutine while s saves a snapshot, and reports the longest a write
// took during the save (max-stall-ms), and for scale the longest over
// 500 ms just before it (idle-max-stall-ms), the save's duration and the
// garbage-collection cycles that ran during it.
func saveStall(b *testing.B, s *embedis.Store, write func(j int)) {
	for i := 0; i < b.N; i++ {
		var stop atomic.Bool
		var worst [2]atomic.Int64 // before the save, during it
		var phase atomic.Int32
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; !stop.Load(); j++ {
				t0 := time.Now()
				write(j)
				w := &worst[phase.Load()]
				if d := time.Since(t0).Nanoseconds(); d > w.Load() {
					w.Store(d)
				}
			}
		}()
		b.StopTimer() // ns/op is the save's time
		time.Sleep(500 * time.Millisecond)
		phase.Store(1)
		gc0 := gcCycles()
		t0 := time.Now()
		b.StartTimer()
		if err := s.Save(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		took := time.Since(t0)
		gcs := gcCycles() - gc0
		stop.Store(true)
		wg.Wait()
		b.ReportMetric(float64(worst[1].Load())/1e6, "max-stall-ms")
		b.ReportMetric(float64(worst[0].Load())/1e6, "idle-max-stall-ms")
		b.ReportMetric(float64(took.Milliseconds()), "save-ms")
		b.ReportMetric(float64(gcs), "gc-cycles-in-save")
	}
}

// BenchmarkSnapshotStall measures a writer's longest stall while a
// snapshot is saved, in two cases where the copy under a shard's lock
// used to be long:
//   - large: the store holds a hash of 1M fields and a sorted set of 1M
//     members (and 64K small keys); the writer SETs small keys, and its
//     stall shows whether the large collections were cloned under their
//     shard's lock (before commit "snapshot: read large collections in
//     place") or read in place. In large-writer the writer writes the
//     large hash itself: it pays for one clone of it (its first write
//     during the save), as a forked redis-server copies what a writer
//     touches.
//   - exec: 1M keys, and the writer runs MULTI / SET / SET / EXEC; an
//     exclusive section used to copy every shard not yet copied.
func BenchmarkSnapshotStall(b *testing.B) {
	large := func(b *testing.B) *embedis.Store {
		s := embedis.MustOpen(&embedis.Options{Dir: b.TempDir()})
		fill(s, 1<<16)
		zs := make([]embedis.Z, 0, 1024)
		for i := 0; i < 1<<20; i += 1024 {
			fv := make([]string, 0, 2048)
			zs = zs[:0]
			for j := i; j < i+1024; j++ {
				fv = append(fv, "field:"+strconv.Itoa(j), "0123456789abcdef")
				zs = append(zs, embedis.Z{Score: float64(j), Member: "member:" + strconv.Itoa(j)})
			}
			if _, err := s.HSet("bighash", fv...); err != nil {
				b.Fatal(err)
			}
			if _, err := s.ZAdd("bigzset", nil, zs...); err != nil {
				b.Fatal(err)
			}
		}
		return s
	}
	b.Run("large", func(b *testing.B) {
		s := large(b)
		defer s.Close()
		b.ResetTimer()
		saveStall(b, s, func(j int) { s.Set("key:"+strconv.Itoa(j&(1<<16-1)), "fedcba9876543210", nil) })
	})
	b.Run("large-writer", func(b *testing.B) {
		s := large(b)
		defer s.Close()
		b.ResetTimer()
		saveStall(b, s, func(j int) { s.HSet("bighash", "field:"+strconv.Itoa(j&(1<<20-1)), "x") })
	})
	b.Run("exec", func(b *testing.B) {
		s := embedis.MustOpen(&embedis.Options{Dir: b.TempDir()})
		defer s.Close()
		fill(s, 1<<20)
		sess := s.NewSession()
		defer sess.Close()
		ctx := context.Background()
		b.ResetTimer()
		saveStall(b, s, func(j int) {
			k := "key:" + strconv.Itoa(j&(1<<20-1))
			sess.Do(ctx, "MULTI")
			sess.Do(ctx, "SET", k, "x")
			sess.Do(ctx, "SET", k+"b", "y")
			if _, err := sess.Do(ctx, "EXEC"); err != nil {
				b.Error(err)
			}
		})
	})
}

// BenchmarkRestart_1M measures loading 1M keys from a snapshot and from
// an append-only log of 1M SETs.
func BenchmarkRestart_1M(b *testing.B) {
	snapDir, aofDir := b.TempDir(), b.TempDir()
	s := embedis.MustOpen(&embedis.Options{Dir: snapDir})
	fill(s, 1<<20)
	if err := s.Save(context.Background()); err != nil {
		b.Fatal(err)
	}
	s.Close()
	a := embedis.MustOpen(&embedis.Options{Dir: aofDir, AppendOnly: true, AppendFsync: "no", AutoAOFRewritePercentage: -1})
	fill(a, 1<<20)
	a.Close()
	b.Run("snapshot", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r := embedis.MustOpen(&embedis.Options{Dir: snapDir})
			if r.DBSize() != 1<<20 {
				b.Fatalf("loaded %d keys", r.DBSize())
			}
			r.Close()
		}
	})
	b.Run("aof-replay", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r := embedis.MustOpen(&embedis.Options{Dir: aofDir, AppendOnly: true, AutoAOFRewritePercentage: -1})
			if r.DBSize() != 1<<20 {
				b.Fatalf("loaded %d keys", r.DBSize())
			}
			r.Close()
		}
	})
}

func fileSize(path string) (int64, error) {
	fi, err := osStat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

var osStat = os.Stat

// gcCycles returns the number of completed garbage-collection cycles
// (read without stopping the world).
func gcCycles() uint64 {
	sample := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// BenchmarkExecShards runs MULTI, SET, INCR, EXEC in one session with the
// default 64 shards and with 256: EXEC takes the whole-keyspace exclusive
// section, which waits out every shard's lock holders, so its cost grows
// with the number of shards (what more shards, and so smaller shard
// copies during a snapshot, would cost).
func BenchmarkExecShards(b *testing.B) {
	for _, shards := range []int{64, 256} {
		b.Run("shards="+strconv.Itoa(shards), func(b *testing.B) {
			s := embedis.MustOpen(&embedis.Options{Shards: shards})
			defer s.Close()
			sess := s.NewSession()
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, cmd := range [][]any{{"MULTI"}, {"SET", "k", "v"}, {"INCR", "n"}, {"EXEC"}} {
					if _, err := sess.Do(ctx, cmd...); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
