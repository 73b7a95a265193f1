package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/embedis/embedis"
)

// WarehouseResult is what the warehouse scenario observed.
type WarehouseResult struct {
	Queries, WarehouseCalls int
	HitRates                []float64 // per 5-minute window
	Evicted                 int64
	UsedMemory, MaxMemory   int64
}

// runWarehouse is the seed's first scenario: a slow warehouse query (3–8 s
// in the seed; simulated, no sleeping) behind a cache with allkeys-lru and
// a 5-minute TTL, under maxmemory. Dashboard queries follow a Zipf law
// over 20,000 distinct parameter sets; the cache holds about a quarter of
// them. It prints the hit rate per 5-minute window and the warehouse calls
// the cache saved.
func runWarehouse(w io.Writer) (WarehouseResult, error) {
	clk := &Clock{}
	clk.ms.Store(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).UnixMilli())
	const distinct = 20_000
	report := Report{}
	// size maxmemory from what 5,000 cached reports take
	probe := embedis.MustOpen(nil)
	pc := embedis.NewCache[Report](probe.DB, nil)
	for i := 0; i < 5000; i++ {
		pc.Set("q:"+strconv.Itoa(i), report, 0)
	}
	limit := probe.Stats().UsedMemory
	probe.Close()

	// The clock is simulated, so the real-time active expiry cycle is off:
	// expired reports are reclaimed when touched or evicted.
	s, err := embedis.Open(&embedis.Options{Clock: clk, MaxMemory: limit, MaxMemoryPolicy: "allkeys-lru", DisableActiveExpire: true})
	if err != nil {
		return WarehouseResult{}, err
	}
	defer s.Close()
	cache := embedis.NewCache[Report](s.DB, &embedis.CacheOptions{Prefix: "q:", TTL: 5 * time.Minute, Jitter: 0.1})
	res := WarehouseResult{MaxMemory: limit}
	calls := 0
	warehouse := func(context.Context) (Report, error) {
		calls++
		return report, nil
	}
	// Zipf(1.0) over the distinct queries, with a precomputed CDF
	cdf := make([]float64, distinct)
	sum := 0.0
	for k := range cdf {
		sum += 1 / float64(k+1)
		cdf[k] = sum
	}
	r := rand.New(rand.NewPCG(9, 9))
	ctx := context.Background()
	fmt.Fprintf(w, "\nwarehouse behind the cache (allkeys-lru, maxmemory %d bytes, TTL 5 min):\n", limit)
	for window := 0; window < 6; window++ { // 30 simulated minutes
		hits, n := 0, 0
		for sec := 0; sec < 300; sec++ {
			for q := 0; q < 50; q++ { // 50 dashboard queries a second
				k := sort.SearchFloat64s(cdf, r.Float64()*sum)
				before := calls
				if _, err := cache.GetOrLoad(ctx, strconv.Itoa(k), 0, warehouse); err != nil {
					return res, err
				}
				if calls == before {
					hits++
				}
				n++
			}
			clk.Advance(time.Second)
		}
		rate := float64(hits) / float64(n)
		res.HitRates = append(res.HitRates, rate)
		res.Queries += n
		fmt.Fprintf(w, "  minutes %2d-%2d: hit rate %5.1f%%\n", window*5, window*5+5, 100*rate)
	}
	st := s.Stats()
	res.WarehouseCalls, res.Evicted, res.UsedMemory = calls, st.EvictedKeys, st.UsedMemory
	saved := res.Queries - calls
	fmt.Fprintf(w, "  %d queries, %d warehouse calls: %d calls (%.0f%%) saved; %d reports evicted; used memory %d <= maxmemory %d\n",
		res.Queries, calls, saved, 100*float64(saved)/float64(res.Queries), res.Evicted, res.UsedMemory, limit)
	return res, nil
}
