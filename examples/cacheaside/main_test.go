package main

import (
	"io"
	"strings"
	"testing"
)

// TestCacheAside checks the example's claims: one computation for a
// stampede of 100 callers, all of them served; callers wait while a
// crashed holder's lock lives; the next caller recomputes after the
// lock's 10 s expiry.
func TestScript_CacheAsideExample(t *testing.T) {
	var out strings.Builder
	res, err := runResult(&out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if res.Computations != 1 {
		t.Errorf("expensive function ran %d times, want 1", res.Computations)
	}
	if res.Served != 100 {
		t.Errorf("%d callers got the report, want 100", res.Served)
	}
	if res.Waiting != 2 {
		t.Errorf("%d callers waited while the lock lived, want 2", res.Waiting)
	}
	if res.Recomputed != 1 {
		t.Errorf("recomputed %d times after the lock expired, want 1", res.Recomputed)
	}
	if !strings.Contains(out.String(), "lock TTL 10s") {
		t.Errorf("output does not show the lock's 10 s TTL:\n%s", out.String())
	}
}

func TestWarehouseScenario(t *testing.T) {
	res, err := runWarehouse(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	last := res.HitRates[len(res.HitRates)-1]
	if last < 0.5 {
		t.Fatalf("hit rate after warm-up %.2f, want a working cache (> 0.5)", last)
	}
	if res.WarehouseCalls >= res.Queries/2 {
		t.Fatalf("%d warehouse calls for %d queries: the cache saved too little", res.WarehouseCalls, res.Queries)
	}
	// the limit is checked against shard totals published in batches of
	// maxmemory/512, so the exact figure may lag by up to one batch a shard
	if res.UsedMemory > res.MaxMemory+res.MaxMemory/8 {
		t.Fatalf("used memory %d over maxmemory %d", res.UsedMemory, res.MaxMemory)
	}
}
