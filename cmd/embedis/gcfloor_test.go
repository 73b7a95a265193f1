package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFloorPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live, scan, floor uint64
		base, want        int
	}{
		{8 * mib, 0, 64 * mib, 100, 700},       // goal 8 + 8*7 = 64 MiB
		{16 * mib, 0, 64 * mib, 100, 300},      // 16 + 48
		{8 * mib, 8 * mib, 64 * mib, 100, 350}, // 8 + (8+8)*3.5: scanned stacks count
		{8 * mib, 1, 64 * mib, 100, 700},       // rounded up, never under the floor
		{40 * mib, 0, 64 * mib, 100, 100},      // 60% would be below the base
		{64 * mib, 0, 64 * mib, 100, 100},      // at the floor: the base
		{1 << 30, 0, 64 * mib, 100, 100},       // over it
		{8 * mib, 0, 64 * mib, 900, 900},       // never below the starting GOGC
		{1 * mib, 0, 64 * mib, 100, 1600},      // capped: 4 MiB * 16 = 64 MiB minimum goal
		{0, 0, 64 * mib, 100, 1600},            // before the first collection
		{0, 0, 4 * mib, 100, 100},              // a floor under the runtime's minimum
		{1 * mib, 0, 1 << 31, 100, 51200},      // 2 GiB floor: capped at 4 MiB * 512
	} {
		assert.Equal(t, c.want, floorPercent(c.live, c.scan, c.floor, c.base), "live %d scan %d floor %d base %d", c.live, c.scan, c.floor, c.base)
	}
}

func TestHeapFloorFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	n, err := heapFloorFromEnv(env())
	require.NoError(t, err)
	assert.Equal(t, uint64(defaultHeapFloor), n)
	n, err = heapFloorFromEnv(env("EMBEDIS_GC_HEAP_FLOOR_MB", "256"))
	require.NoError(t, err)
	assert.Equal(t, uint64(256<<20), n)
	n, err = heapFloorFromEnv(env("EMBEDIS_GC_HEAP_FLOOR_MB", "0"))
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = heapFloorFromEnv(env("GOGC", "200", "EMBEDIS_GC_HEAP_FLOOR_MB", "256"))
	require.NoError(t, err)
	assert.Zero(t, n, "GOGC set: the process's collector is left alone")
	_, err = heapFloorFromEnv(env("EMBEDIS_GC_HEAP_FLOOR_MB", "64mb"))
	assert.ErrorContains(t, err, "EMBEDIS_GC_HEAP_FLOOR_MB")
}

func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func goal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// The floor raises GOGC as collections happen, keeps it raised cycle
// after cycle, and gives the starting value back when stopped.
func TestHeapFloor_RetunesEachCycleAndStops(t *testing.T) {
	base := debug.SetGCPercent(100)
	defer debug.SetGCPercent(base)
	require.Equal(t, uint64(100), gogc())

	const floor = 256 << 20
	stop := startHeapFloor(floor)
	assert.Greater(t, gogc(), uint64(100), "tuned at start, before any cycle")
	runtime.GC()
	for range 100 { // the finalizer retunes after the cycle
		if g := goal(); g >= floor*9/10 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	assert.InDelta(t, float64(floor), float64(goal()), floor/10, "the heap goal is the floor, not a multiple of it")

	// Each cycle's sentinel sets GOGC again: reset it by hand and wait
	// for a collection to raise it once more.
	for range 3 {
		debug.SetGCPercent(100)
		deadline := time.Now().Add(10 * time.Second)
		for gogc() == 100 && time.Now().Before(deadline) {
			runtime.GC()
			time.Sleep(time.Millisecond)
		}
		assert.Greater(t, gogc(), uint64(100), "a collection retunes GOGC")
	}

	stop()
	assert.Equal(t, uint64(100), gogc(), "stop restores the starting GOGC")
	stop() // twice is harmless
	for range 3 {
		runtime.GC()
	}
	time.Sleep(10 * time.Millisecond)
	assert.Equal(t, uint64(100), gogc(), "no sentinel retunes after stop")

	startHeapFloor(0)
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	assert.Equal(t, uint64(100), gogc(), "a zero floor starts nothing")
}
