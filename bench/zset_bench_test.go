package bench

import (
	"math/rand"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/embedis/embedis"
)

// Sorted-set benchmarks: ZRANK/ZREVRANK at 10K, 100K and 1M members
// (O(log n): the cost should stay within a small factor across sizes),
// ZADD in-process, and the heap bytes per member of a 1M-member set.

var zsetSizes = []struct {
	name string
	n    int
}{{"10K", 10_000}, {"100K", 100_000}, {"1M", 1_000_000}}

func zmember(i int) string { return "member:" + strconv.Itoa(i) }

// zfixture is a store holding key "z" with n members of random scores,
// built once per size and shared by the benchmarks.
type zfixture struct {
	s       *embedis.Store
	members []string
}

var (
	zfixMu sync.Mutex
	zfix   = map[int]*zfixture{}
)

func zsetFixture(b *testing.B, n int) *zfixture {
	zfixMu.Lock()
	defer zfixMu.Unlock()
	if f, ok := zfix[n]; ok {
		return f
	}
	s := embedis.MustOpen(nil)
	r := rand.New(rand.NewSource(1))
	f := &zfixture{s: s, members: make([]string, n)}
	batch := make([]embedis.Z, 0, 1000)
	for i := range n {
		f.members[i] = zmember(i)
		batch = append(batch, embedis.Z{Score: float64(r.Intn(10 * n)), Member: f.members[i]})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := s.ZAdd("z", nil, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	zfix[n] = f
	return f
}

func benchZRank(b *testing.B, rev bool) {
	for _, sz := range zsetSizes {
		b.Run(sz.name, func(b *testing.B) {
			f := zsetFixture(b, sz.n)
			r := rand.New(rand.NewSource(2))
			// fresh copies, packed together: like a member read from a
			// client's request buffer, the query is not itself a cache miss
			picks := make([]string, 4096)
			for i := range picks {
				picks[i] = strings.Clone(f.members[r.Intn(len(f.members))])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var err error
				if rev {
					_, err = f.s.ZRevRank("z", picks[i&4095])
				} else {
					_, err = f.s.ZRank("z", picks[i&4095])
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkZRank is ZRANK of a random member.
func BenchmarkZRank(b *testing.B) { benchZRank(b, false) }

// BenchmarkZRevRank is ZREVRANK of a random member.
func BenchmarkZRevRank(b *testing.B) { benchZRank(b, true) }

// BenchmarkZRangeByRank is ZRANGE key r r+9 WITHSCORES at a random rank.
func BenchmarkZRangeByRank(b *testing.B) {
	for _, sz := range zsetSizes {
		b.Run(sz.name, func(b *testing.B) {
			f := zsetFixture(b, sz.n)
			r := rand.New(rand.NewSource(3))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := int64(r.Intn(sz.n - 10))
				if _, err := f.s.ZRangeWithScores("z", start, start+9); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkZAdd adds new members with random scores to one sorted set
// (in-process typed API).
func BenchmarkZAdd(b *testing.B) {
	s := embedis.MustOpen(nil)
	defer s.Close()
	names := make([]string, 1<<20)
	for i := range names {
		names[i] = zmember(i)
	}
	keys := make([]string, 256) // a fresh set every 2^20 members
	for i := range keys {
		keys[i] = "z" + strconv.Itoa(i)
	}
	r := rand.New(rand.NewSource(4))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z := embedis.Z{Score: float64(r.Intn(1 << 30)), Member: names[i&(1<<20-1)]}
		if _, err := s.ZAdd(keys[(i>>20)&255], nil, z); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkZIncrBy bumps random members of a 100K-member set.
func BenchmarkZIncrBy(b *testing.B) {
	f := zsetFixture(b, 100_000)
	r := rand.New(rand.NewSource(5))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.s.ZIncrBy("z", 1, f.members[r.Intn(len(f.members))]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkZSetMemory_1M reports the heap bytes per member of a sorted set
// of 1M members ("member:<i>", random scores): the live heap after a GC,
// before and after building it. redis-server uses about 110 B/member.
func BenchmarkZSetMemory_1M(b *testing.B) {
	const n = 1_000_000
	var perMember float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		s := embedis.MustOpen(nil)
		r := rand.New(rand.NewSource(6))
		batch := make([]embedis.Z, 0, 1000)
		for j := range n {
			batch = append(batch, embedis.Z{Score: float64(r.Intn(10 * n)), Member: zmember(j)})
			if len(batch) == cap(batch) {
				s.ZAdd("z", nil, batch...)
				batch = batch[:0]
			}
		}
		b.StopTimer()
		batch = nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		if c, _ := s.ZCard("z"); c != n {
			b.Fatalf("ZCARD %d", c)
		}
		perMember = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(s)
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(perMember, "B/member")
}
