package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
)

// The Go collector starts a cycle each time the heap has grown by GOGC
// percent (100 by default) over what the last cycle left live. A server
// whose dataset is a few megabytes therefore collects every few megabytes
// of allocation: under redis-benchmark's HSET at pipeline 16, about seven
// times per million requests. Each cycle's mark phase takes a processor
// for its worker, turns on the write barrier and makes the event loop
// assist, which showed up as a higher p99 than redis-server's, which has
// no collector (bench/RESULTS.md, session 6).
//
// The heap floor raises GOGC while the live heap is small, so that the
// heap goal is the floor: with a 64 MiB floor and 8 MiB live, GOGC
// becomes about 700. Once the live heap passes the floor, GOGC is what the
// process started with, and memory use is what it would be without the
// floor. The floor only delays collections; GOMEMLIMIT, when set, still
// bounds the heap.
//
// It is on by default in the standalone server (not in the library: the
// collector belongs to the program that embeds a Store). The environment
// variable EMBEDIS_GC_HEAP_FLOOR_MB sets it in MiB (0 turns it off).
// Setting GOGC turns it off too: whoever sets GOGC has chosen their
// collector's pace.

// defaultHeapFloor is the heap floor when EMBEDIS_GC_HEAP_FLOOR_MB is unset.
const defaultHeapFloor = 64 << 20

// heapFloorFromEnv returns the heap floor in bytes that the environment
// asks for (0: none), or an error naming a bad EMBEDIS_GC_HEAP_FLOOR_MB.
func heapFloorFromEnv(getenv func(string) string) (uint64, error) {
	if getenv("GOGC") != "" {
		return 0, nil
	}
	v := getenv("EMBEDIS_GC_HEAP_FLOOR_MB")
	if v == "" {
		return defaultHeapFloor, nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("EMBEDIS_GC_HEAP_FLOOR_MB=%q: want a whole number of MiB (0: no floor)", v)
	}
	return n << 20, nil
}

// heapMinimum is the Go runtime's smallest heap goal at GOGC 100; the
// runtime scales it by GOGC/100.
const heapMinimum = 4 << 20

// floorPercent returns the GOGC that puts the heap goal at floor, given
// the live heap and the stacks and globals the collector scans (scan),
// and never below base. The runtime's goal is the larger of
// live + (live+scan)*GOGC/100 and heapMinimum*GOGC/100, so GOGC is capped
// where the second reaches the floor: a tiny heap gets the floor as its
// goal, not a multiple of it. Zero live and scan (before the first
// collection) gives that cap.
func floorPercent(live, scan, floor uint64, base int) int {
	if live >= floor {
		return base
	}
	limit := floor * 100 / heapMinimum
	p := limit
	if den := live + scan; den > 0 {
		p = min(((floor-live)*100+den-1)/den, limit) // rounded up
	}
	return max(int(p), base)
}

// heapFloor retunes GOGC after every collection (see floorPercent). A
// sentinel object's finalizer runs once per cycle, in the runtime's
// finalizer goroutine; it reads the live heap the cycle left, sets GOGC
// and arms a new sentinel. stop restores the starting GOGC; the sentinel
// armed last then finds the floor stopped and arms no other.
type heapFloor struct {
	floor uint64
	base  int // GOGC when the floor started

	mu      sync.Mutex
	stopped bool
	sample  []metrics.Sample
}

// sentinel is the object whose finalizer marks a collection. It holds a
// pointer so that it is not a tiny allocation (whose finalizer may never
// run while it shares a block with live objects).
type sentinel struct{ f *heapFloor }

// startHeapFloor starts a heap floor of floor bytes and returns its stop
// function. A zero floor starts nothing.
func startHeapFloor(floor uint64) (stop func()) {
	if floor == 0 {
		return func() {}
	}
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base)
	if base < 0 {
		return func() {} // collection is off: nothing to delay
	}
	f := &heapFloor{floor: floor, base: base, sample: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"},
		{Name: "/gc/gogc:percent"},
	}}
	f.tune()
	f.arm()
	return f.stop
}

func (f *heapFloor) arm() {
	runtime.SetFinalizer(&sentinel{f: f}, func(s *sentinel) {
		if s.f.tune() {
			s.f.arm()
		}
	})
}

// tune sets GOGC for the live heap the last collection left and reports
// whether the floor is still running.
func (f *heapFloor) tune() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return false
	}
	metrics.Read(f.sample)
	var v [4]uint64 // live heap, stacks scanned, globals scanned, GOGC now
	for i, s := range f.sample {
		if s.Value.Kind() == metrics.KindUint64 {
			v[i] = s.Value.Uint64()
		}
	}
	if p := floorPercent(v[0], v[1]+v[2], f.floor, f.base); uint64(p) != v[3] {
		debug.SetGCPercent(p)
	}
	return true
}

func (f *heapFloor) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	f.stopped = true
	debug.SetGCPercent(f.base)
}
