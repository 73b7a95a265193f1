package bench

import (
	"container/list"
	"math"
	"math/rand"
	"sort"
	"strconv"
	"testing"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/maypok86/otter/v2"

	"github.com/embedis/embedis"
)

// zipfCDF samples ranks 0..n-1 with P(k) ∝ 1/(k+1)^s; unlike math/rand's
// Zipf it accepts s < 1 (the classic 0.99).
type zipfCDF struct{ cdf []float64 }

func newZipf(n int, s float64) *zipfCDF {
	z := &zipfCDF{cdf: make([]float64, n)}
	sum := 0.0
	for k := 0; k < n; k++ {
		sum += 1 / math.Pow(float64(k+1), s)
		z.cdf[k] = sum
	}
	for k := range z.cdf {
		z.cdf[k] /= sum
	}
	return z
}

func (z *zipfCDF) next(r *rand.Rand) int {
	return sort.SearchFloat64s(z.cdf, r.Float64())
}

const (
	traceKeys = 100_000
	traceLen  = 1_000_000
	cacheSize = traceKeys / 10
)

// traces returns the request traces: Zipf(0.99); the same polluted by
// one-off scans of cold keys; and a hot set that shifts every 100K
// requests. Keys are scrambled so popularity is unrelated to key order.
func traces() map[string][]int {
	r := rand.New(rand.NewSource(7))
	z := newZipf(traceKeys, 0.99)
	perm := r.Perm(traceKeys)
	zipf := make([]int, traceLen)
	for i := range zipf {
		zipf[i] = perm[z.next(r)]
	}
	scan := make([]int, 0, traceLen)
	cold := traceKeys
	for i := 0; len(scan) < traceLen; i++ {
		scan = append(scan, perm[z.next(r)])
		if i%20_000 == 19_999 {
			for j := 0; j < 5_000 && len(scan) < traceLen; j++ {
				scan = append(scan, cold) // each scanned key is seen once
				cold++
			}
		}
	}
	shift := make([]int, traceLen)
	for i := range shift {
		offset := (i / 100_000) * (traceKeys / 10)
		shift[i] = (perm[z.next(r)] + offset) % traceKeys
	}
	return map[string][]int{"zipf0.99": zipf, "scan-polluted": scan, "shifting": shift}
}

type cacheSim interface {
	get(k string) bool
	set(k string)
}

type exactLRU struct {
	cap int
	ll  *list.List
	m   map[string]*list.Element
}

func (c *exactLRU) get(k string) bool {
	if e, ok := c.m[k]; ok {
		c.ll.MoveToFront(e)
		return true
	}
	return false
}

func (c *exactLRU) set(k string) {
	c.m[k] = c.ll.PushFront(k)
	if c.ll.Len() > c.cap {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(string))
	}
}

type embedisSim struct{ s *embedis.Store }

func (c embedisSim) get(k string) bool { _, err := c.s.Get(k); return err == nil }
func (c embedisSim) set(k string)      { c.s.Set(k, "0123456789abcdef", nil) }

type otterSim struct{ c *otter.Cache[string, string] }

func (c otterSim) get(k string) bool { _, ok := c.c.GetIfPresent(k); return ok }
func (c otterSim) set(k string)      { c.c.Set(k, "0123456789abcdef") }

type ristrettoSim struct {
	c *ristretto.Cache[string, string]
}

func (c ristrettoSim) get(k string) bool { _, ok := c.c.Get(k); return ok }
func (c ristrettoSim) set(k string)      { c.c.Set(k, "0123456789abcdef", 1); c.c.Wait() }

// embedisSized opens a store whose maxmemory holds about n of the trace's
// keys, measured by storing n keys without a limit first.
func embedisSized(b *testing.B, policy string, n int) embedisSim {
	probe := embedis.MustOpen(nil)
	for i := 0; i < n; i++ {
		probe.Set(strconv.Itoa(traceKeys+i), "0123456789abcdef", nil)
	}
	limit := probe.Stats().UsedMemory
	probe.Close()
	s, err := embedis.Open(&embedis.Options{MaxMemory: limit, MaxMemoryPolicy: policy})
	if err != nil {
		b.Fatal(err)
	}
	return embedisSim{s}
}

// BenchmarkHitRatio reports the hit ratio (%) of a cache holding 10% of
// the keys, run cache-aside (a miss stores the key) over each trace.
func BenchmarkHitRatio(b *testing.B) {
	keys := make([]string, 4*traceKeys) // room for the scan trace's one-off keys
	for i := range keys {
		keys[i] = strconv.Itoa(i)
	}
	for name, tr := range traces() {
		for _, mk := range []struct {
			name string
			new  func(b *testing.B) (cacheSim, func())
		}{
			{"exact-lru", func(*testing.B) (cacheSim, func()) {
				return &exactLRU{cap: cacheSize, ll: list.New(), m: map[string]*list.Element{}}, func() {}
			}},
			{"embedis-allkeys-lru", func(b *testing.B) (cacheSim, func()) {
				s := embedisSized(b, "allkeys-lru", cacheSize)
				return s, func() { s.s.Close() }
			}},
			{"embedis-allkeys-lfu", func(b *testing.B) (cacheSim, func()) {
				s := embedisSized(b, "allkeys-lfu", cacheSize)
				return s, func() { s.s.Close() }
			}},
			{"otter", func(*testing.B) (cacheSim, func()) {
				return otterSim{otter.Must(&otter.Options[string, string]{MaximumSize: cacheSize})}, func() {}
			}},
			{"ristretto", func(*testing.B) (cacheSim, func()) {
				c, _ := ristretto.NewCache(&ristretto.Config[string, string]{NumCounters: cacheSize * 10, MaxCost: cacheSize, BufferItems: 64})
				return ristrettoSim{c}, func() { c.Close() }
			}},
		} {
			b.Run(name+"/"+mk.name, func(b *testing.B) {
				for it := 0; it < b.N; it++ {
					c, closeFn := mk.new(b)
					hits := 0
					for _, k := range tr {
						key := keys[k]
						if c.get(key) {
							hits++
						} else {
							c.set(key)
						}
					}
					closeFn()
					b.ReportMetric(100*float64(hits)/float64(len(tr)), "hit%")
				}
			})
		}
	}
}

// BenchmarkSetWhileEvicting measures SET throughput past maxmemory (every
// write evicts) against the same writes with no limit.
func BenchmarkSetWhileEvicting(b *testing.B) {
	keys := make([]string, 1<<20)
	for i := range keys {
		keys[i] = "key:" + strconv.Itoa(i)
	}
	for _, limited := range []bool{false, true} {
		name := "no-limit"
		if limited {
			name = "maxmemory-allkeys-lru"
		}
		b.Run(name, func(b *testing.B) {
			opts := &embedis.Options{}
			if limited {
				opts.MaxMemory = 16 << 20
				opts.MaxMemoryPolicy = "allkeys-lru"
			}
			s := embedis.MustOpen(opts)
			defer s.Close()
			for i := 0; i < len(keys)/4; i++ {
				s.Set(keys[i], "0123456789abcdef", nil)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Set(keys[i&(len(keys)-1)], "0123456789abcdef", nil)
			}
		})
	}
}
